// TestServer: accept, then echo / answer HTTP / stay silent / hang up; stopped by a uv_async_t.
#include "load/test_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>

namespace duet::testing {
namespace {

void Check(int rc, const char* what) {
  if (rc != 0) {
    std::fprintf(stderr, "TestServer: %s: %s\n", what, uv_strerror(rc));
    std::abort();
  }
}

// A write request that owns its bytes until libuv is done with them.
struct WriteRequest {
  uv_write_t req{};
  std::string data;
};

}  // namespace

struct TestServer::Client {
  TestServer* server = nullptr;
  uv_tcp_t tcp{};
  std::string pending;  // http: request bytes not yet answered
  char buffer[64 * 1024];
};

TestServer::TestServer(Behaviour behaviour, uint64_t accept_at_most)
    : behaviour_(behaviour), accept_at_most_(accept_at_most) {
  Check(uv_loop_init(&loop_), "uv_loop_init");
  Check(uv_tcp_init(&loop_, &listener_), "uv_tcp_init");
  listener_.data = this;
  sockaddr_in addr{};
  Check(uv_ip4_addr("127.0.0.1", 0, &addr), "uv_ip4_addr");
  Check(uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&addr), 0), "uv_tcp_bind");
  Check(uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 1024, OnConnection), "uv_listen");
  sockaddr_storage bound{};
  int len = sizeof(bound);
  Check(uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&bound), &len), "uv_tcp_getsockname");
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  stop_.data = this;
  Check(uv_async_init(&loop_, &stop_, [](uv_async_t* async) {
          uv_walk(async->loop, [](uv_handle_t* h, void*) { if (!uv_is_closing(h)) uv_close(h, nullptr); }, nullptr);
        }), "uv_async_init");
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

TestServer::~TestServer() {
  uv_async_send(&stop_);
  thread_.join();
  EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle of the test server was left open";
}

void TestServer::OnConnection(uv_stream_t* listener, int status) {
  auto* self = static_cast<TestServer*>(listener->data);
  if (status < 0) return;
  auto client = std::make_unique<Client>();
  Client* c = client.get();
  self->clients_.push_back(std::move(client));
  c->server = self;
  c->tcp.data = c;
  Check(uv_tcp_init(&self->loop_, &c->tcp), "uv_tcp_init");
  Check(uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)), "uv_accept");
  ++self->open_;
  if (++self->connections_ == self->accept_at_most_) uv_close(reinterpret_cast<uv_handle_t*>(listener), nullptr);
  if (self->behaviour_ == Behaviour::kHangUp) return Close(c);
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&c->tcp),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* client = static_cast<Client*>(h->data);
        *buf = uv_buf_init(client->buffer, sizeof(client->buffer));
      },
      OnRead);
}

void TestServer::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Client*>(stream->data);
  TestServer* self = c->server;
  if (nread < 0) {
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(stream))) Close(c);
    return;
  }
  self->bytes_received_ += static_cast<uint64_t>(nread);
  switch (self->behaviour_) {
    case Behaviour::kEcho:
      self->Send(c, std::string(buf->base, static_cast<size_t>(nread)));
      break;
    case Behaviour::kHttp:
      c->pending.append(buf->base, static_cast<size_t>(nread));
      for (size_t end; (end = c->pending.find("\r\n\r\n")) != std::string::npos;) {
        bool missing = c->pending.rfind("GET /missing ", 0) == 0;
        c->pending.erase(0, end + 4);
        self->Send(c, missing ? kHttpMissing : kHttpHello);
      }
      break;
    case Behaviour::kSilent:
    case Behaviour::kHangUp:
      break;
  }
}

void TestServer::Close(Client* client) {
  uv_close(reinterpret_cast<uv_handle_t*>(&client->tcp), [](uv_handle_t* h) { --static_cast<Client*>(h->data)->server->open_; });
}

void TestServer::Send(Client* client, std::string data) {
  auto request = std::make_unique<WriteRequest>();
  request->data = std::move(data);
  uv_buf_t buf = uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
  request->req.data = request.get();
  int rc = uv_write(&request->req, reinterpret_cast<uv_stream_t*>(&client->tcp), &buf, 1, [](uv_write_t* req, int) {
    std::unique_ptr<WriteRequest> done(static_cast<WriteRequest*>(req->data));  // libuv is done with the bytes
  });
  if (rc == 0) (void)request.release();  // owned by the callback from here on
}

}  // namespace duet::testing
