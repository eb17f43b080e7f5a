// node:net's C++ half: TCP handles on the shared loop, addressed by integer ids from JS. Each
// handle reports to its JS owner object (onconnection, onconnect, onread, onwritten, onshutdown,
// onclose), the way node's TCPWrap does; the JavaScript half is in js/node_bootstrap.js.
#include <cstring>

#include "v8/errors.h"
#include "v8/runtime.h"

namespace duet {

namespace {

constexpr size_t kReadBufferSize = 64 * 1024;  // node's read size

struct WriteRequest {
  uv_write_t req;
  std::string bytes;  // libuv reads from here until the write completes
  int id;
};

struct ShutdownRequest {
  uv_shutdown_t req;
  int id;
};

struct ConnectRequest {
  uv_connect_t req;
  int id;
};


v8::Local<v8::Integer> Int(v8::Isolate* isolate, int value) { return v8::Integer::New(isolate, value); }

// "127.0.0.1" / "::1" / "localhost" -> sockaddr; only literal addresses, no DNS.
int ToSockaddr(const std::string& host, int port, sockaddr_storage* out) {
  std::string address = host.empty() || host == "localhost" ? "127.0.0.1" : host;
  if (address.find(':') != std::string::npos) return uv_ip6_addr(address.c_str(), port, reinterpret_cast<sockaddr_in6*>(out));
  return uv_ip4_addr(address.c_str(), port, reinterpret_cast<sockaddr_in*>(out));
}

v8::Local<v8::Value> AddressObject(v8::Isolate* isolate, const sockaddr_storage& addr) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  char ip[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  const char* family = "IPv4";
  if (addr.ss_family == AF_INET6) {
    const auto* a6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    uv_ip6_name(a6, ip, sizeof ip);
    port = ntohs(a6->sin6_port);
    family = "IPv6";
  } else {
    const auto* a4 = reinterpret_cast<const sockaddr_in*>(&addr);
    uv_ip4_name(a4, ip, sizeof ip);
    port = ntohs(a4->sin_port);
  }
  auto object = v8::Object::New(isolate);
  object->Set(context, v8rt::Str(isolate, "address"), v8rt::Str(isolate, ip)).Check();
  object->Set(context, v8rt::Str(isolate, "family"), v8rt::Str(isolate, family)).Check();
  object->Set(context, v8rt::Str(isolate, "port"), Int(isolate, port)).Check();
  return object;
}

}  // namespace

void V8Runtime::InstallTcp(v8::Local<v8::Context> context, v8::Local<v8::Object> host) {
  auto set = [&](const char* name, v8::FunctionCallback callback) { v8rt::SetFunction(context, host, name, callback); };
  // The wrap for an id, or null (with nothing thrown: JS checks the -EBADF it gets instead).
  static auto wrap_of = [](const v8::FunctionCallbackInfo<v8::Value>& info) -> TcpWrap* {
    V8Runtime* self = From(info.GetIsolate());
    auto found = self->tcp_.find(info[0]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(-1));
    return found == self->tcp_.end() || found->second->closing ? nullptr : found->second.get();
  };

  // tcpNew(owner) -> id: a fresh handle reporting to `owner`.
  set("tcpNew", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    V8Runtime* self = From(info.GetIsolate());
    auto wrap = std::make_unique<TcpWrap>();
    if (int rc = uv_tcp_init(self->loop_->get(), &wrap->handle); rc != 0) {
      info.GetReturnValue().Set(rc);
      return;
    }
    wrap->runtime = self;
    wrap->id = self->next_tcp_id_++;
    wrap->handle.data = wrap.get();
    wrap->owner.Reset(info.GetIsolate(), info[0].As<v8::Object>());
    info.GetReturnValue().Set(wrap->id);
    self->tcp_[wrap->id] = std::move(wrap);
  });
  // tcpSetOwner(id, owner): an accepted connection gets its Socket.
  set("tcpSetOwner", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    if (TcpWrap* wrap = wrap_of(info)) wrap->owner.Reset(info.GetIsolate(), info[1].As<v8::Object>());
  });
  set("tcpBind", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return info.GetReturnValue().Set(UV_EBADF);
    sockaddr_storage addr{};
    int rc = ToSockaddr(v8rt::ToUtf8(info.GetIsolate(), info[1]), info[2]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0), &addr);
    if (rc == 0) rc = uv_tcp_bind(&wrap->handle, reinterpret_cast<sockaddr*>(&addr), 0);
    info.GetReturnValue().Set(rc);
  });
  set("tcpListen", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return info.GetReturnValue().Set(UV_EBADF);
    int backlog = info[1]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(511);
    int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&wrap->handle), backlog, [](uv_stream_t* server, int status) {
      auto* listener = static_cast<TcpWrap*>(server->data);
      V8Runtime* self = listener->runtime;
      v8::Isolate::Scope isolate_scope(self->isolate_);
      v8::HandleScope scope(self->isolate_);
      if (status != 0) {
        self->CallMethodFromLoop(listener->owner, "onconnection", {Int(self->isolate_, status)});
        return;
      }
      auto client = std::make_unique<TcpWrap>();
      uv_tcp_init(self->loop_->get(), &client->handle);
      client->runtime = self;
      client->id = self->next_tcp_id_++;
      client->handle.data = client.get();
      if (int rc = uv_accept(server, reinterpret_cast<uv_stream_t*>(&client->handle)); rc != 0) {
        TcpWrap* orphan = client.release();
        uv_close(reinterpret_cast<uv_handle_t*>(&orphan->handle), [](uv_handle_t* h) { delete static_cast<TcpWrap*>(h->data); });
        self->CallMethodFromLoop(listener->owner, "onconnection", {Int(self->isolate_, rc)});
        return;
      }
      int id = client->id;
      self->tcp_[id] = std::move(client);
      self->CallMethodFromLoop(listener->owner, "onconnection", {Int(self->isolate_, 0), Int(self->isolate_, id)});
    });
    info.GetReturnValue().Set(rc);
  });
  set("tcpConnect", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return info.GetReturnValue().Set(UV_EBADF);
    sockaddr_storage addr{};
    int rc = ToSockaddr(v8rt::ToUtf8(info.GetIsolate(), info[1]), info[2]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0), &addr);
    if (rc != 0) return info.GetReturnValue().Set(rc);
    auto* request = new ConnectRequest{{}, wrap->id};
    rc = uv_tcp_connect(&request->req, &wrap->handle, reinterpret_cast<sockaddr*>(&addr), [](uv_connect_t* req, int status) {
      std::unique_ptr<ConnectRequest> request(reinterpret_cast<ConnectRequest*>(req));
      auto* wrap = static_cast<TcpWrap*>(req->handle->data);
      V8Runtime* self = wrap->runtime;
      v8::Isolate::Scope isolate_scope(self->isolate_);
      v8::HandleScope scope(self->isolate_);
      self->CallMethodFromLoop(wrap->owner, "onconnect", {Int(self->isolate_, status)});
    });
    if (rc != 0) delete request;
    info.GetReturnValue().Set(rc);
  });
  set("tcpReadStart", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return info.GetReturnValue().Set(UV_EBADF);
    int rc = uv_read_start(
        reinterpret_cast<uv_stream_t*>(&wrap->handle),
        [](uv_handle_t*, size_t, uv_buf_t* buf) {
          static char buffer[kReadBufferSize];  // the loop thread reads one stream at a time
          *buf = uv_buf_init(buffer, sizeof buffer);
        },
        [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
          auto* wrap = static_cast<TcpWrap*>(stream->data);
          if (nread == 0) return;
          V8Runtime* self = wrap->runtime;
          v8::Isolate::Scope isolate_scope(self->isolate_);
          v8::HandleScope scope(self->isolate_);
          if (nread < 0) {  // UV_EOF or an error: onread(status) with no data
            self->CallMethodFromLoop(wrap->owner, "onread", {Int(self->isolate_, static_cast<int>(nread))});
            return;
          }
          auto bytes = v8::ArrayBuffer::New(self->isolate_, static_cast<size_t>(nread));
          std::memcpy(bytes->GetBackingStore()->Data(), buf->base, static_cast<size_t>(nread));
          self->CallMethodFromLoop(wrap->owner, "onread",
                                   {Int(self->isolate_, 0), v8::Uint8Array::New(bytes, 0, static_cast<size_t>(nread))});
        });
    info.GetReturnValue().Set(rc);
  });
  set("tcpReadStop", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    if (TcpWrap* wrap = wrap_of(info)) uv_read_stop(reinterpret_cast<uv_stream_t*>(&wrap->handle));
  });
  // tcpWrite(id, bytes) -> bytes still queued in libuv (0: written at once), or a negative error.
  // A queued write reports through owner.onwritten(status, length).
  set("tcpWrite", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return info.GetReturnValue().Set(UV_EBADF);
    auto view = info[1].As<v8::ArrayBufferView>();
    std::string bytes(view->ByteLength(), '\0');
    view->CopyContents(bytes.data(), bytes.size());
    auto* stream = reinterpret_cast<uv_stream_t*>(&wrap->handle);
    size_t done = 0;
    if (uv_stream_get_write_queue_size(stream) == 0) {
      uv_buf_t buf = uv_buf_init(bytes.data(), static_cast<unsigned>(bytes.size()));
      int n = uv_try_write(stream, &buf, 1);
      if (n < 0 && n != UV_EAGAIN) return info.GetReturnValue().Set(n);
      if (n > 0) done = static_cast<size_t>(n);
    }
    if (done == bytes.size()) return info.GetReturnValue().Set(0);
    auto* request = new WriteRequest{{}, bytes.substr(done), wrap->id};
    uv_buf_t buf = uv_buf_init(request->bytes.data(), static_cast<unsigned>(request->bytes.size()));
    int rc = uv_write(&request->req, stream, &buf, 1, [](uv_write_t* req, int status) {
      std::unique_ptr<WriteRequest> request(reinterpret_cast<WriteRequest*>(req));
      auto* wrap = static_cast<TcpWrap*>(req->handle->data);
      V8Runtime* self = wrap->runtime;
      v8::Isolate::Scope isolate_scope(self->isolate_);
      v8::HandleScope scope(self->isolate_);
      self->CallMethodFromLoop(wrap->owner, "onwritten",
                               {Int(self->isolate_, status), v8::Number::New(self->isolate_, static_cast<double>(request->bytes.size()))});
    });
    if (rc != 0) {
      delete request;
      return info.GetReturnValue().Set(rc);
    }
    info.GetReturnValue().Set(static_cast<double>(request->bytes.size()));
  });
  set("tcpShutdown", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return info.GetReturnValue().Set(UV_EBADF);
    auto* request = new ShutdownRequest{{}, wrap->id};
    int rc = uv_shutdown(&request->req, reinterpret_cast<uv_stream_t*>(&wrap->handle), [](uv_shutdown_t* req, int status) {
      std::unique_ptr<ShutdownRequest> request(reinterpret_cast<ShutdownRequest*>(req));
      auto* wrap = static_cast<TcpWrap*>(req->handle->data);
      V8Runtime* self = wrap->runtime;
      v8::Isolate::Scope isolate_scope(self->isolate_);
      v8::HandleScope scope(self->isolate_);
      self->CallMethodFromLoop(wrap->owner, "onshutdown", {Int(self->isolate_, status)});
    });
    if (rc != 0) delete request;
    info.GetReturnValue().Set(rc);
  });
  // tcpClose(id): owner.onclose() runs from the close callback, after which the id is gone.
  set("tcpClose", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return;
    wrap->closing = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&wrap->handle), [](uv_handle_t* handle) {
      auto* wrap = static_cast<TcpWrap*>(handle->data);
      V8Runtime* self = wrap->runtime;
      {
        v8::Isolate::Scope isolate_scope(self->isolate_);
        v8::HandleScope scope(self->isolate_);
        self->CallMethodFromLoop(wrap->owner, "onclose", {});
      }
      self->tcp_.erase(wrap->id);
    });
  });
  set("tcpNoDelay", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    if (TcpWrap* wrap = wrap_of(info)) uv_tcp_nodelay(&wrap->handle, info[1]->IsTrue());
  });
  set("tcpRef", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return;
    if (info[1]->IsTrue()) uv_ref(reinterpret_cast<uv_handle_t*>(&wrap->handle));
    else uv_unref(reinterpret_cast<uv_handle_t*>(&wrap->handle));
  });
  // tcpAddress(id, peer) -> {address, family, port} or undefined.
  set("tcpAddress", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    TcpWrap* wrap = wrap_of(info);
    if (wrap == nullptr) return;
    sockaddr_storage addr{};
    int length = sizeof addr;
    int rc = info[1]->IsTrue() ? uv_tcp_getpeername(&wrap->handle, reinterpret_cast<sockaddr*>(&addr), &length)
                               : uv_tcp_getsockname(&wrap->handle, reinterpret_cast<sockaddr*>(&addr), &length);
    if (rc == 0) info.GetReturnValue().Set(AddressObject(info.GetIsolate(), addr));
  });
  set("errMessage", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    int err = info[0]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
    info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), uv_strerror(err)));
  });
  set("errName", [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    int err = info[0]->Int32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
    info.GetReturnValue().Set(v8rt::Str(info.GetIsolate(), uv_err_name(err)));
  });
}

void V8Runtime::CloseAllTcp() {
  // Handles left open by a workload: close them and let their callbacks run, with no JS owner.
  for (auto& [id, wrap] : tcp_) {
    wrap->owner.Reset();
    if (!wrap->closing) {
      wrap->closing = true;
      uv_close(reinterpret_cast<uv_handle_t*>(&wrap->handle), [](uv_handle_t* handle) {
        auto* wrap = static_cast<TcpWrap*>(handle->data);
        wrap->runtime->tcp_.erase(wrap->id);
      });
    }
  }
  while (!tcp_.empty()) uv_run(loop_->get(), UV_RUN_ONCE);
}

}  // namespace duet
