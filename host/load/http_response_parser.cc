// The incremental response parser; see http_response_parser.h. Lines (the head, chunk sizes,
// trailers) are gathered whole, body bytes are taken straight from the input: a pipelined burst
// of small responses costs one pass over the bytes.
#include "load/http_response_parser.h"

#include <algorithm>
#include <cstdlib>

#include "core/text.h"

namespace duet {

Status HttpResponseParser::Feed(std::string_view data, const OnResponse& on_response) {
  while (!data.empty()) {
    if (state_ == State::kBody || state_ == State::kChunkData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left_, data.size()));
      if (keep_) current_.body.append(data.substr(0, n));
      left_ -= n;
      data.remove_prefix(n);
      if (left_ > 0) continue;
      if (state_ == State::kChunkData) {
        state_ = State::kChunkEnd;
        continue;
      }
      DUET_RETURN_IF_ERROR(Finish(on_response));
      continue;
    }
    size_t newline = data.find('\n');
    size_t take = newline == std::string_view::npos ? data.size() : newline + 1;
    line_.append(data.substr(0, take));
    data.remove_prefix(take);
    head_bytes_ += take;
    if (head_bytes_ > kMaxHead) return Status::Error("a response head (or chunk trailer) longer than 64 KiB");
    if (newline == std::string_view::npos) continue;
    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') return Status::Error("a line not ended by CRLF");
    std::string line = std::move(line_);
    line_.clear();
    line.resize(line.size() - 2);
    DUET_RETURN_IF_ERROR(OnLine(line, on_response));
  }
  return Status::Ok();
}

Status HttpResponseParser::OnLine(std::string_view line, const OnResponse& on_response) {
  switch (state_) {
    case State::kHead: {
      if (!status_seen_) {
        if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
          return Status::Error("not an HTTP/1.x status line: " + std::string(line.substr(0, 80)));
        }
        current_.status = std::atoi(std::string(line.substr(9, 3)).c_str());
        status_seen_ = true;
        return Status::Ok();
      }
      if (!line.empty()) {
        size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
          return Status::Error("a malformed header line: " + std::string(line.substr(0, 80)));
        }
        std::string name = AsciiLower(std::string(line.substr(0, colon)));
        std::string value = TrimBlanks(line.substr(colon + 1));
        if (name == "content-length") {
          if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 15) {
            return Status::Error("an invalid Content-Length: " + value);
          }
          ++content_lengths_;
          content_length_ = std::strtoull(value.c_str(), nullptr, 10);
        } else if (name == "transfer-encoding") {
          if (AsciiLower(value) != "chunked") return Status::Error("Transfer-Encoding " + value + " (only chunked is HTTP/1.1's)");
          chunked_ = true;
        }
        if (keep_) current_.headers.emplace(std::move(name), std::move(value));
        return Status::Ok();
      }
      // The end of the head: the framing decides what follows.
      if (chunked_ && content_lengths_ > 0) return Status::Error("both Content-Length and Transfer-Encoding");
      if (chunked_) {
        current_.framing = "chunked";
        state_ = State::kChunkSize;
        head_bytes_ = 0;
        return Status::Ok();
      }
      if (content_lengths_ != 1) return Status::Error("neither one Content-Length nor chunked Transfer-Encoding");
      current_.framing = "content-length";
      left_ = content_length_;
      if (left_ == 0) return Finish(on_response);
      state_ = State::kBody;
      return Status::Ok();
    }
    case State::kChunkSize: {
      std::string size(line.substr(0, line.find(';')));  // chunk extensions are ignored
      char* end = nullptr;
      unsigned long long n = std::strtoull(size.c_str(), &end, 16);
      if (size.empty() || end == size.c_str() || (*end != '\0' && *end != ' ' && *end != '\t')) {
        return Status::Error("a malformed chunk size: " + std::string(line.substr(0, 40)));
      }
      head_bytes_ = 0;
      if (n == 0) {
        state_ = State::kTrailer;
        return Status::Ok();
      }
      left_ = n;
      state_ = State::kChunkData;
      return Status::Ok();
    }
    case State::kChunkEnd:
      if (!line.empty()) return Status::Error("a chunk not followed by CRLF");
      state_ = State::kChunkSize;
      return Status::Ok();
    case State::kTrailer:
      return line.empty() ? Finish(on_response) : Status::Ok();
    case State::kBody:
    case State::kChunkData:
      break;
  }
  return Status::Error("response parser: a line in a body state");
}

Status HttpResponseParser::Finish(const OnResponse& on_response) {
  HttpResponse done = std::move(current_);
  current_ = HttpResponse{};
  state_ = State::kHead;
  head_bytes_ = 0;
  status_seen_ = false;
  content_lengths_ = 0;
  content_length_ = 0;
  chunked_ = false;
  left_ = 0;
  return on_response(done);
}

}  // namespace duet
