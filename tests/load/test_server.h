// A TCP server of known behaviour for the load generator's tests, on 127.0.0.1 with its own
// thread and uv_loop_t: echo, HTTP/1.1 keep-alive "hello" (404 for /missing), silent (accepts,
// never answers) or hang-up (closes every connection it accepts).
#pragma once

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <thread>

namespace duet::testing {

class TestServer {
 public:
  enum class Behaviour { kEcho, kHttp, kSilent, kHangUp };
  static constexpr const char* kHttpHello = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
  static constexpr const char* kHttpMissing = "HTTP/1.1 404 Not Found\r\ncontent-length: 4\r\n\r\nnope";

  // Listening on return; aborts the test binary on failure. After `accept_at_most` connections it
  // stops listening: later connects are refused.
  explicit TestServer(Behaviour behaviour, uint64_t accept_at_most = UINT64_MAX);
  ~TestServer();                             // closes every handle, joins, checks the loop closed
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  uint64_t bytes_received() const { return bytes_received_.load(); }
  uint64_t connections() const { return connections_.load(); }  // accepted so far
  uint64_t open_connections() const { return open_.load(); }      // accepted and not yet closed by either end

 private:
  struct Client;
  static void OnConnection(uv_stream_t* server, int status);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  void Send(Client* client, std::string data);
  static void Close(Client* client);

  Behaviour behaviour_;
  uint64_t accept_at_most_;
  uv_loop_t loop_{};
  uv_tcp_t listener_{};
  uv_async_t stop_{};
  std::list<std::unique_ptr<Client>> clients_;  // freed after the loop has closed
  std::thread thread_;
  int port_ = 0;
  std::atomic<uint64_t> bytes_received_{0};
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> open_{0};
};

}  // namespace duet::testing
