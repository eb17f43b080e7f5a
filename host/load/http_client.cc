// The checking HTTP client; see http_client.h. Parses what RFC 9112 asks of a response to a GET:
// status line, header fields, then a body framed by Content-Length or chunked Transfer-Encoding
// (trailers skipped). Anything else is an error naming what was wrong.
#include "load/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/text.h"

namespace duet {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

std::string HttpResponse::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

size_t HttpResponse::HeaderCount(const std::string& lowercase_name) const { return headers.count(lowercase_name); }

Status HttpClient::Connect(int port, std::chrono::milliseconds timeout, HttpClient* out) {
  HttpClient client;
  client.timeout_ = timeout;
  client.fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (client.fd_ < 0) return Status::Error(std::string("socket: ") + std::strerror(errno));
  int one = 1;
  setsockopt(client.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(client.fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    return Status::Error("connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  }
  pollfd p{client.fd_, POLLOUT, 0};
  int error = 0;
  socklen_t length = sizeof error;
  if (poll(&p, 1, static_cast<int>(timeout.count())) != 1 ||
      getsockopt(client.fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
    return Status::Error("connect to 127.0.0.1:" + std::to_string(port) + ": " +
                         (error != 0 ? std::strerror(error) : "timed out"));
  }
  *out = std::move(client);
  return Status::Ok();
}

HttpClient& HttpClient::operator=(HttpClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

HttpClient::~HttpClient() {
  if (fd_ >= 0) close(fd_);
}

Status HttpClient::Fill(Clock::time_point deadline) {
  char chunk[16384];
  while (true) {
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) return Status::Error("the server closed the connection");
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Status::Error(std::string("recv: ") + std::strerror(errno));
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, RemainingMs(deadline)) == 0) {
      return Status::Error("no complete response within " + std::to_string(timeout_.count()) + " ms");
    }
  }
}

Status HttpClient::ReadLine(Clock::time_point deadline, std::string* line) {
  size_t end;
  while ((end = buffer_.find("\r\n")) == std::string::npos) {
    if (buffer_.size() > 64 * 1024) return Status::Error("a response line longer than 64 KiB");
    DUET_RETURN_IF_ERROR(Fill(deadline));
  }
  *line = buffer_.substr(0, end);
  buffer_.erase(0, end + 2);
  return Status::Ok();
}

Status HttpClient::ReadBytes(size_t n, Clock::time_point deadline, std::string* out) {
  while (buffer_.size() < n) DUET_RETURN_IF_ERROR(Fill(deadline));
  out->append(buffer_, 0, n);
  buffer_.erase(0, n);
  return Status::Ok();
}

Status HttpClient::ReadResponse(Clock::time_point deadline, HttpResponse* response) {
  *response = HttpResponse{};
  std::string line;
  DUET_RETURN_IF_ERROR(ReadLine(deadline, &line));
  if (line.rfind("HTTP/1.1 ", 0) != 0 || line.size() < 12) return Status::Error("not an HTTP/1.1 status line: " + line);
  response->status = std::atoi(line.c_str() + 9);
  while (true) {
    DUET_RETURN_IF_ERROR(ReadLine(deadline, &line));
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return Status::Error("a malformed header line: " + line);
    response->headers.emplace(AsciiLower(line.substr(0, colon)), TrimBlanks(line.substr(colon + 1)));
  }
  std::string encoding = AsciiLower(response->Header("transfer-encoding"));
  std::string length = response->Header("content-length");
  if (!encoding.empty()) {
    if (encoding != "chunked") return Status::Error("Transfer-Encoding " + encoding + " (only chunked is HTTP/1.1's)");
    if (!length.empty()) return Status::Error("both Content-Length and Transfer-Encoding");
    response->framing = "chunked";
    while (true) {
      DUET_RETURN_IF_ERROR(ReadLine(deadline, &line));
      char* end = nullptr;
      unsigned long size = std::strtoul(line.c_str(), &end, 16);
      if (end == line.c_str()) return Status::Error("a malformed chunk size: " + line);
      if (size == 0) break;
      DUET_RETURN_IF_ERROR(ReadBytes(size, deadline, &response->body));
      std::string crlf;
      DUET_RETURN_IF_ERROR(ReadBytes(2, deadline, &crlf));
      if (crlf != "\r\n") return Status::Error("a chunk not followed by CRLF");
    }
    do {  // trailer fields, up to the empty line
      DUET_RETURN_IF_ERROR(ReadLine(deadline, &line));
    } while (!line.empty());
    return Status::Ok();
  }
  if (length.empty() || response->HeaderCount("content-length") != 1 ||
      length.find_first_not_of("0123456789") != std::string::npos) {
    return Status::Error("neither one valid Content-Length nor chunked Transfer-Encoding (Content-Length: '" + length +
                         "')");
  }
  response->framing = "content-length";
  return ReadBytes(std::stoul(length), deadline, &response->body);
}

Status HttpClient::Get(const std::vector<std::string>& targets, bool pipelined, std::vector<HttpResponse>* responses) {
  if (fd_ < 0) return Status::Error("not connected");
  responses->assign(targets.size(), HttpResponse{});
  Clock::time_point deadline = Clock::now() + timeout_;
  auto send_all = [&](const std::string& data) -> Status {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && errno == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};
        if (poll(&p, 1, RemainingMs(deadline)) == 0) return Status::Error("the server took no request bytes in time");
      } else if (n < 0 && errno != EINTR) {
        return Status::Error(std::string("send: ") + std::strerror(errno));
      }
    }
    return Status::Ok();
  };
  auto request = [](const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n";
  };
  if (pipelined) {
    std::string all;
    for (const std::string& target : targets) all += request(target);
    DUET_RETURN_IF_ERROR(send_all(all));
  }
  for (size_t i = 0; i < targets.size(); ++i) {
    if (!pipelined) DUET_RETURN_IF_ERROR(send_all(request(targets[i])));
    Status status = ReadResponse(deadline, &(*responses)[i]);
    if (!status.ok()) return Status::Error("GET " + targets[i] + ": " + status.message());
  }
  return Status::Ok();
}

Status HttpClient::Get(const std::string& target, HttpResponse* response) {
  std::vector<HttpResponse> responses;
  DUET_RETURN_IF_ERROR(Get(std::vector<std::string>{target}, false, &responses));
  *response = std::move(responses[0]);
  return Status::Ok();
}

}  // namespace duet
