// A small blocking HTTP/1.1 client for checking servers on loopback: one keep-alive connection,
// requests sent one at a time or pipelined, responses parsed whole (Content-Length or chunked),
// every wait bounded by a deadline. For correctness checks, not load: the load generator is
// load_generator.h.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace duet {

struct HttpResponse {
  int status = 0;
  // Header names lowercased; a header sent twice keeps both values, in order.
  std::multimap<std::string, std::string> headers;
  std::string body;
  // How the body was framed: "content-length" or "chunked".
  std::string framing;

  // The header's value, or "" when absent; `count` how many times it was sent.
  std::string Header(const std::string& lowercase_name) const;
  size_t HeaderCount(const std::string& lowercase_name) const;
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port (loopback only: checks never leave the machine).
  static Status Connect(int port, std::chrono::milliseconds timeout, HttpClient* out);
  HttpClient() = default;
  HttpClient(HttpClient&& other) noexcept : fd_(other.fd_), timeout_(other.timeout_) { other.fd_ = -1; }
  HttpClient& operator=(HttpClient&& other) noexcept;
  HttpClient(const HttpClient&) = delete;
  ~HttpClient();

  // GET each target, all written before the first response is read when `pipelined`, else
  // one after the other; one response per target, in order.
  Status Get(const std::vector<std::string>& targets, bool pipelined, std::vector<HttpResponse>* responses);
  Status Get(const std::string& target, HttpResponse* response);

 private:
  Status Fill(std::chrono::steady_clock::time_point deadline);
  Status ReadResponse(std::chrono::steady_clock::time_point deadline, HttpResponse* response);
  Status ReadLine(std::chrono::steady_clock::time_point deadline, std::string* line);
  Status ReadBytes(size_t n, std::chrono::steady_clock::time_point deadline, std::string* out);

  int fd_ = -1;
  std::chrono::milliseconds timeout_{5000};
  std::string buffer_;  // received, not yet parsed
};

}  // namespace duet
