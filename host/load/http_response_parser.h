// An incremental HTTP/1.1 response parser for the load generator: bytes go in as they arrive, in
// any split, and every complete response comes out whole (status, headers, and the body when it is
// kept for checking), framed by Content-Length or chunked Transfer-Encoding. Pipelined responses
// on one connection come out one after the other. A parser belongs to one connection and thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "load/http_client.h"

namespace duet {

class HttpResponseParser {
 public:
  // `keep`: collect header fields and the body into the HttpResponse (to check them); without it
  // only the status and the framing are kept and the body is counted, not stored.
  explicit HttpResponseParser(bool keep) : keep_(keep) {}

  // Called once per complete response; an error it returns stops Feed and is returned.
  using OnResponse = std::function<Status(const HttpResponse& response)>;
  // Parses `data`; the first malformed byte is an error naming what was wrong (then the
  // connection's stream is unusable: the caller closes it).
  Status Feed(std::string_view data, const OnResponse& on_response);
  // Whether the parser stands between two responses (nothing of a response received).
  bool between_responses() const { return state_ == State::kHead && line_.empty() && !status_seen_; }

  static constexpr size_t kMaxHead = 64 * 1024;

 private:
  enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkEnd, kTrailer };
  Status OnLine(std::string_view line, const OnResponse& on_response);
  Status Finish(const OnResponse& on_response);

  const bool keep_;
  State state_ = State::kHead;
  std::string line_;          // the line being received (head, chunk size, trailer)
  size_t head_bytes_ = 0;     // of the head (or trailer) so far, bounded by kMaxHead
  bool status_seen_ = false;
  int content_lengths_ = 0;
  uint64_t content_length_ = 0;
  bool chunked_ = false;
  uint64_t left_ = 0;         // body or chunk bytes still to come
  HttpResponse current_;
};

}  // namespace duet
