// LoadGenerator: one LoadRun per run, owning its uv_loop_t, two timers (the time limit and the
// timeout sweep) and the connections; everything below runs on the generator's thread.
// Past 500 lines on purpose: LoadRun is one class whose libuv callbacks share its private state;
// split, its connection bookkeeping would have to be exposed in a header for no other user.
#include "load/load_generator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/memory.h"
#include "load/http_response_parser.h"
#include "load/load_loop.h"
#include "load/websocket_room.h"

namespace duet {
namespace {

constexpr size_t kReadBuffer = 64 * 1024;
constexpr int kMaxConnections = 100000;
constexpr size_t kMaxSize = 64 * 1024 * 1024;
constexpr double kMaxDurationS = 3600;  // a load run is always bounded, even when asked otherwise
constexpr rlim_t kSpareDescriptors = 64;  // for the rest of the process (a server in it, files)
// Idle mode opens connections this many at a time: a server's accept backlog (asyncio's default
// is 100) must not overflow into SYN retries that take seconds.
constexpr int kIdleOpening = 64;
constexpr int kMaxPipeline = 64;
// A room's sweep looks at every client's place in every sender's messages: quadratic in its size.
constexpr int kMaxRoom = 1000;

// "localhost", 127.0.0.0/8 and ::1 become an address; anything else is refused.
Status ResolveLoopback(const std::string& host, int port, sockaddr_storage* addr) {
  std::string name = host == "localhost" ? "127.0.0.1" : host;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  std::memset(addr, 0, sizeof(*addr));
  auto* v4 = reinterpret_cast<sockaddr_in*>(addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(addr);
  if (uv_ip4_addr(name.c_str(), port, v4) == 0) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) == 127) return Status::Ok();
  } else if (uv_ip6_addr(name.c_str(), port, v6) == 0) {
    if (IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) return Status::Ok();
  } else {
    return Status::Usage("--host '" + host + "' is not an IP address (use 127.0.0.1, ::1 or localhost)");
  }
  return Status::Usage("--host '" + host + "' is not a loopback address: duet load only drives 127.0.0.0/8 and ::1");
}

}  // namespace

Status EnsureDescriptors(uint64_t descriptors, const std::string& what) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return Status::Error("getrlimit(RLIMIT_NOFILE) failed");
  rlim_t need = static_cast<rlim_t>(descriptors) + kSpareDescriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < need) {
    rlimit raised = limit;
    raised.rlim_cur = need;
    // Root may lift the hard limit too (up to fs.nr_open); anyone else only up to it.
    if (raised.rlim_max != RLIM_INFINITY && raised.rlim_max < need) raised.rlim_max = need;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      return Status::Error(what + " needs " + std::to_string(need) + " file descriptors, and the limit is " +
                           std::to_string(limit.rlim_cur) + " (hard " + std::to_string(limit.rlim_max) +
                           ", which only root may raise): ulimit -n " + std::to_string(need));
    }
  }
  return Status::Ok();
}

namespace {

// How a wrong response is shown: the reason, then the start of the response.
std::string DescribeBadResponse(const std::string& why, const HttpResponse* response) {
  if (response == nullptr) return why;
  std::string body = response->body.size() > 300 ? response->body.substr(0, 300) + "..." : response->body;
  return why + " (status " + std::to_string(response->status) + ", body: " + body + ")";
}

class LoadRun {
 public:
  LoadRun(const LoadOptions& options, const sockaddr_storage& addr) : options_(options), addr_(addr) {
    result_.options = options;
    if (options.mode != LoadMode::kHttp) {
      request_.resize(options.size);
      for (size_t i = 0; i < request_.size(); ++i) request_[i] = static_cast<char>('a' + i % 26);
    } else {
      request_ = "GET " + options.path + " HTTP/1.1\r\nHost: " + options.host + ":" + std::to_string(options.port) +
                 "\r\n\r\n";
    }
    read_buffer_.resize(kReadBuffer);
  }
  LoadRun(const LoadRun&) = delete;
  LoadRun& operator=(const LoadRun&) = delete;

  Status Init() { return loop_.Init(this); }

  // Runs the whole load on the calling thread and closes the loop.
  LoadResult Execute() {
    uint64_t cpu_start = ThreadCpuNs();
    loop_.StartTimers(
        options_, [](uv_timer_t* t) { static_cast<LoadRun*>(t->data)->Stop(StopReason::kDuration); },
        [](uv_timer_t* t) { static_cast<LoadRun*>(t->data)->Sweep(); });
    start_ns_ = NowNs();
    // No verdict while opening: the first connection failing must not end a run the others start.
    opening_ = true;
    if (options_.mode == LoadMode::kIdle) result_.rss_start_bytes = CurrentRssBytes();
    int first = options_.mode == LoadMode::kIdle ? std::min(options_.connections, kIdleOpening) : options_.connections;
    for (int i = 0; i < first; ++i) Open();
    opening_ = false;
    MaybeFinish();
    loop_.Run();
    result_.wall_ns = end_ns_ - start_ns_;
    result_.client_cpu_ns = ThreadCpuNs() - cpu_start;
    return std::move(result_);
  }

 private:
  struct Connection {
    enum class State { kConnecting, kIdle, kWaiting, kClosed };
    LoadRun* run = nullptr;
    uv_tcp_t tcp{};
    uv_connect_t connect{};
    uv_write_t write{};
    State state = State::kConnecting;
    bool writing = false;           // `write` is in flight and cannot be reused yet
    bool send_after_write = false;  // the next request waits for it
    uint64_t started_ns = 0;        // of the connect, then of the request in flight
    size_t received = 0;            // echo: bytes of the current reply so far
    int awaiting = 0;               // http: responses still due for the requests written
    int batch = 1;                  // http: requests in the current write (pipelining)
    std::optional<HttpResponseParser> parser;  // http
  };

  void Open() {
    auto owned = std::make_unique<Connection>();
    Connection* c = owned.get();
    connections_.push_back(std::move(owned));
    c->run = this;
    c->tcp.data = c->connect.data = c->write.data = c;
    // Kept whole (head and body) even without a check: a wrong one is shown with its body.
    if (options_.mode == LoadMode::kHttp) c->parser.emplace(/*keep=*/true);
    c->started_ns = NowNs();
    ++live_;
    ++opened_;
    ++connecting_;
    int rc = uv_tcp_init(loop_.get(), &c->tcp);
    if (rc != 0) {
      c->state = Connection::State::kClosed;  // nothing to close: the handle never opened
      --live_;
      --connecting_;
      ++result_.errors[uv_err_name(rc)];
      MaybeFinish();
      return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    rc = uv_tcp_connect(&c->connect, &c->tcp, reinterpret_cast<const sockaddr*>(&addr_), OnConnect);
    if (rc != 0) Fail(c, uv_err_name(rc));
  }

  static void OnConnect(uv_connect_t* req, int status) {
    auto* c = static_cast<Connection*>(req->data);
    LoadRun* run = c->run;
    if (c->state == Connection::State::kClosed) return;  // timed out or stopped meanwhile
    if (status < 0) return run->Fail(c, uv_err_name(status));
    int rc = uv_read_start(
        reinterpret_cast<uv_stream_t*>(&c->tcp),
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
          // One buffer for every connection: a read is consumed before the next one is allocated.
          auto* self = static_cast<Connection*>(h->data)->run;
          *buf = uv_buf_init(self->read_buffer_.data(), static_cast<unsigned>(self->read_buffer_.size()));
        },
        OnRead);
    if (rc != 0) return run->Fail(c, uv_err_name(rc));
    c->state = Connection::State::kIdle;
    --run->connecting_;
    run->SendNext(c);
  }

  // Sends the next request on an idle connection, when any is left to send.
  void SendNext(Connection* c) {
    if (stopping_ || issued_ >= options_.requests) return MaybeFinish();
    // http: up to `pipeline` requests at once, never more than are left to send.
    uint64_t batch = options_.mode == LoadMode::kHttp
                         ? std::min<uint64_t>(static_cast<uint64_t>(std::max(1, options_.pipeline)), options_.requests - issued_)
                         : 1;
    issued_ += batch;
    in_flight_ += batch;
    c->batch = c->awaiting = static_cast<int>(batch);
    c->state = Connection::State::kWaiting;
    c->started_ns = NowNs();
    c->received = 0;
    if (c->writing) {
      c->send_after_write = true;
    } else {
      Write(c);
    }
  }

  void Write(Connection* c) {
    // A pipelined batch is the one request's bytes `batch` times (uv_write copies the array).
    uv_buf_t bufs[kMaxPipeline];
    for (int i = 0; i < c->batch; ++i) bufs[i] = uv_buf_init(request_.data(), static_cast<unsigned>(request_.size()));
    int rc = uv_write(&c->write, reinterpret_cast<uv_stream_t*>(&c->tcp), bufs, static_cast<unsigned>(c->batch), OnWrite);
    if (rc != 0) return Fail(c, uv_err_name(rc));
    c->writing = true;
    result_.bytes_sent += request_.size() * static_cast<uint64_t>(c->batch);
  }

  static void OnWrite(uv_write_t* req, int status) {
    auto* c = static_cast<Connection*>(req->data);
    c->writing = false;
    if (c->state == Connection::State::kClosed) return;
    if (status < 0) return c->run->Fail(c, uv_err_name(status));
    if (c->send_after_write) {
      c->send_after_write = false;
      c->run->Write(c);
    }
  }

  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* c = static_cast<Connection*>(stream->data);
    LoadRun* run = c->run;
    if (c->state == Connection::State::kClosed || nread == 0) return;
    if (nread < 0) return run->Fail(c, uv_err_name(static_cast<int>(nread)));
    run->result_.bytes_received += static_cast<uint64_t>(nread);
    if (c->state != Connection::State::kWaiting) return run->Fail(c, "bad_response");  // bytes nobody asked for
    std::string_view data(buf->base, static_cast<size_t>(nread));
    if (run->options_.mode != LoadMode::kHttp) {
      run->OnEchoBytes(c, data);
    } else {
      run->OnHttpBytes(c, data);
    }
  }

  // An echo reply must be the request's bytes, no more.
  void OnEchoBytes(Connection* c, std::string_view data) {
    if (c->received + data.size() > request_.size() ||
        std::memcmp(request_.data() + c->received, data.data(), data.size()) != 0) {
      return Fail(c, "bad_response");
    }
    c->received += data.size();
    if (c->received == request_.size()) Complete(c);
  }

  // Responses are parsed whole (pipelined ones one after the other); each is checked when the
  // options say how, and completes one of the requests the connection is waiting for.
  void OnHttpBytes(Connection* c, std::string_view data) {
    Status parsed = c->parser->Feed(data, [this, c](const HttpResponse& response) {
      if (c->state != Connection::State::kWaiting || c->awaiting == 0) {
        return Status::Error("a response nobody asked for");
      }
      if (response.status < 200 || response.status > 299) {
        ++result_.errors["http_" + std::to_string(response.status)];
        NoteBadResponse("a non-2xx status", &response);
      } else if (options_.check) {
        Status checked = options_.check(response);
        if (!checked.ok()) {
          ++result_.errors["wrong_response"];
          NoteBadResponse(checked.message(), nullptr);  // the check's message shows the response
        }
      }
      Complete(c);
      return Status::Ok();
    });
    if (!parsed.ok() && c->state != Connection::State::kClosed) {
      NoteBadResponse("malformed HTTP: " + parsed.message(), nullptr);
      Fail(c, "bad_response");
    }
  }

  void NoteBadResponse(const std::string& why, const HttpResponse* response) {
    if (result_.first_bad_response.empty() && !stopping_) result_.first_bad_response = DescribeBadResponse(why, response);
  }

  void Complete(Connection* c) {
    result_.latency.Record(NowNs() - c->started_ns);
    ++result_.completed;
    --in_flight_;
    if (options_.mode == LoadMode::kHttp && --c->awaiting > 0) return;  // more of a pipelined batch to come
    c->state = Connection::State::kIdle;
    if (options_.mode == LoadMode::kIdle) return HoldIdle();
    SendNext(c);
  }

  // Idle mode: the connection stays open and silent; the next one opens, and once all are open
  // the process's RSS is what they cost (on both ends, when the server is in this process).
  void HoldIdle() {
    if (result_.completed == static_cast<uint64_t>(options_.connections)) {
      result_.rss_held_bytes = CurrentRssBytes();
      if (options_.release_fd < 0) return Stop(StopReason::kRequests);
      return Hold();
    }
    if (!stopping_ && opened_ < options_.connections) Open();
    MaybeFinish();  // a connection lost earlier: this may have been the last one to settle
  }

  // Every connection open: says so on held_fd, then keeps them until release_fd reaches its end.
  // The run's wall time ends here; the hold is the other process's to measure.
  void Hold() {
    end_ns_ = NowNs();
    std::string line = "held " + std::to_string(result_.completed) + "\n";
    for (size_t done = 0; done < line.size();) {
      ssize_t n = write(options_.held_fd, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Stop(StopReason::kRequests);  // nobody to tell: nothing to hold them for
      done += static_cast<size_t>(n);
    }
    // epoll refuses regular files and /dev/null, which are always at their end: released at once.
    if (uv_poll_init(loop_.get(), &release_, options_.release_fd) != 0) return Stop(StopReason::kRequests);
    release_.data = this;
    holding_ = true;
    uv_poll_start(&release_, UV_READABLE | UV_DISCONNECT, [](uv_poll_t* poll, int status, int) {
      auto* run = static_cast<LoadRun*>(poll->data);
      char discard[256];
      ssize_t n = status < 0 ? -1 : read(run->options_.release_fd, discard, sizeof(discard));
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      if (n <= 0) run->Stop(StopReason::kRequests);  // end of file (or a broken pipe): release
    });
  }

  // Counts the error, gives up the connection (and its request, if one was waiting).
  void Fail(Connection* c, const std::string& kind) {
    if (c->state == Connection::State::kClosed) return;
    if (!stopping_) ++result_.errors[kind];
    if (c->state == Connection::State::kWaiting) in_flight_ -= options_.mode == LoadMode::kHttp ? c->awaiting : 1;
    if (c->state == Connection::State::kConnecting) --connecting_;
    Close(c);
    --live_;
    if (options_.mode == LoadMode::kIdle && !stopping_ && opened_ < options_.connections) Open();
    MaybeFinish();
  }

  void Close(Connection* c) {
    c->state = Connection::State::kClosed;
    // The Connection outlives its handle: connections_ is freed only after the loop has closed.
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&c->tcp))) uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), nullptr);
  }

  void Sweep() {
    uint64_t now = NowNs();
    auto limit = static_cast<uint64_t>(options_.timeout_s * 1e9);
    for (auto& c : connections_) {
      if (now - c->started_ns <= limit) continue;
      if (c->state == Connection::State::kWaiting) Fail(c.get(), "timeout");
      else if (c->state == Connection::State::kConnecting) Fail(c.get(), "connect_timeout");
    }
  }

  void MaybeFinish() {
    if (stopping_ || opening_ || in_flight_ > 0) return;
    if (options_.mode == LoadMode::kIdle) {
      // Idle connections stay open after their one exchange: once every one has been opened and
      // none is connecting or waiting, a lost one ends the run (or the hold) instead.
      if (opened_ < options_.connections || connecting_ > 0) return;
      bool all = result_.completed == static_cast<uint64_t>(options_.connections);
      return Stop(all ? StopReason::kRequests : StopReason::kConnections);
    }
    if (issued_ >= options_.requests) return Stop(StopReason::kRequests);
    if (live_ == 0) Stop(StopReason::kConnections);
  }

  void Stop(StopReason reason) {
    if (stopping_) return;
    stopping_ = true;
    if (end_ns_ == 0) end_ns_ = NowNs();
    result_.stopped_by = reason;
    for (auto& c : connections_) {
      if (c->state == Connection::State::kWaiting) result_.unfinished += options_.mode == LoadMode::kHttp ? c->awaiting : 1;
      if (c->state != Connection::State::kClosed) Close(c.get());
    }
    loop_.CloseTimers();
    if (holding_) uv_close(reinterpret_cast<uv_handle_t*>(&release_), nullptr);
  }

  const LoadOptions options_;
  const sockaddr_storage addr_;
  std::string request_;            // the bytes every request sends
  std::vector<char> read_buffer_;
  uv_poll_t release_{};  // idle mode's hold: release_fd
  bool holding_ = false;
  std::vector<std::unique_ptr<Connection>> connections_;
  LoadResult result_;
  uint64_t start_ns_ = 0;
  uint64_t end_ns_ = 0;
  uint64_t issued_ = 0;
  uint64_t in_flight_ = 0;
  int live_ = 0;  // connections connecting or open
  int connecting_ = 0;  // of those, still connecting
  int opened_ = 0;  // connections attempted so far
  bool opening_ = false;
  bool stopping_ = false;
  // Last, so destroyed first: a run never executed still has handles (in connections_, release_)
  // for it to close while their memory is there.
  LoadLoop loop_;
};

}  // namespace

const char* LoadModeName(LoadMode mode) {
  switch (mode) {
    case LoadMode::kEcho: return "echo";
    case LoadMode::kHttp: return "http";
    case LoadMode::kIdle: return "idle";
    case LoadMode::kRoom: return "ws-room";
  }
  return "?";
}

bool LoadModeHasPath(LoadMode mode) { return mode == LoadMode::kHttp || mode == LoadMode::kRoom; }

const std::vector<LoadMode>& LoadModes() {
  static const std::vector<LoadMode> kModes = {LoadMode::kEcho, LoadMode::kHttp, LoadMode::kIdle, LoadMode::kRoom};
  return kModes;
}

const std::vector<std::string>& LoadModeNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (LoadMode mode : LoadModes()) names.emplace_back(LoadModeName(mode));
    return names;
  }();
  return kNames;
}

bool ParseLoadMode(std::string_view name, LoadMode* mode) {
  for (LoadMode m : LoadModes()) {
    if (name == LoadModeName(m)) {
      *mode = m;
      return true;
    }
  }
  return false;
}

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kRequests: return "requests";
    case StopReason::kDuration: return "duration";
    case StopReason::kConnections: return "connections";
  }
  return "?";
}

bool ParseStopReason(std::string_view name, StopReason* reason) {
  for (StopReason r : {StopReason::kRequests, StopReason::kDuration, StopReason::kConnections}) {
    if (name == StopReasonName(r)) {
      *reason = r;
      return true;
    }
  }
  return false;
}

Status ValidateLoadOptions(const LoadOptions& o) {
  if (o.port < 1 || o.port > 65535) return Status::Usage("--port must be 1-65535, got " + std::to_string(o.port));
  if (o.connections < 1 || o.connections > kMaxConnections) {
    return Status::Usage("--connections must be 1-" + std::to_string(kMaxConnections));
  }
  if (o.mode == LoadMode::kRoom && o.connections > kMaxRoom) {
    return Status::Usage("--connections must be 1-" + std::to_string(kMaxRoom) + " for a ws-room");
  }
  if (o.mode != LoadMode::kHttp && (o.size < 1 || o.size > kMaxSize)) {
    return Status::Usage("--size must be 1-" + std::to_string(kMaxSize) + " bytes");
  }
  if (o.requests < 1) return Status::Usage("--requests must be at least 1");
  if (!(o.duration_s > 0 && o.duration_s <= kMaxDurationS)) return Status::Usage("--duration must be in (0, 3600] seconds");
  if (!(o.timeout_s > 0 && o.timeout_s <= kMaxDurationS)) return Status::Usage("--timeout must be in (0, 3600] seconds");
  if ((o.held_fd >= 0) != (o.release_fd >= 0)) return Status::Error("a hold needs both held_fd and release_fd");
  if (o.release_fd >= 0 && o.mode != LoadMode::kIdle) return Status::Usage("--hold is for --mode idle");
  if (o.pipeline < 1 || o.pipeline > kMaxPipeline) return Status::Usage("--pipeline must be 1-" + std::to_string(kMaxPipeline));
  if (o.pipeline > 1 && o.mode != LoadMode::kHttp) return Status::Usage("--pipeline is for --mode http");
  if (o.path.empty() || o.path[0] != '/' || o.path.find_first_of(" \r\n") != std::string::npos) {
    return Status::Usage("--path must start with '/' and hold no spaces or line breaks");
  }
  sockaddr_storage addr;
  return ResolveLoopback(o.host, o.port, &addr);
}

uint64_t LoadResult::error_count() const {
  uint64_t total = 0;
  for (const auto& [kind, n] : errors) total += n;
  return total;
}

double LoadResult::throughput() const {
  return wall_ns ? static_cast<double>(completed) * 1e9 / static_cast<double>(wall_ns) : 0;
}

LoadGenerator::~LoadGenerator() {
  if (thread_.joinable()) thread_.join();
}

Status LoadGenerator::Start(const LoadOptions& asked, std::function<void()> on_done) {
  if (thread_.joinable()) return Status::Error("load generator: a run is already in progress");
  LoadOptions options = asked;
  if (options.mode == LoadMode::kIdle) options.requests = static_cast<uint64_t>(options.connections);
  DUET_RETURN_IF_ERROR(ValidateLoadOptions(options));
  sockaddr_storage addr;
  DUET_RETURN_IF_ERROR(ResolveLoopback(options.host, options.port, &addr));
  DUET_RETURN_IF_ERROR(EnsureDescriptors(static_cast<uint64_t>(options.connections),
                                          "--connections " + std::to_string(options.connections)));
  std::function<LoadResult()> execute;
  if (options.mode == LoadMode::kRoom) {
    DUET_RETURN_IF_ERROR(PrepareWebSocketRoom(options, addr, &execute));
  } else {
    auto run = std::make_shared<LoadRun>(options, addr);
    DUET_RETURN_IF_ERROR(run->Init());
    execute = [run] { return run->Execute(); };
  }
  thread_ = std::thread([this, execute = std::move(execute), on_done = std::move(on_done)] {
    result_ = execute();
    if (on_done) on_done();
  });
  return Status::Ok();
}

LoadResult LoadGenerator::Join() {
  if (thread_.joinable()) thread_.join();
  return std::move(result_);
}

Status RunLoad(const LoadOptions& options, LoadResult* result) {
  LoadGenerator generator;
  DUET_RETURN_IF_ERROR(generator.Start(options));
  *result = generator.Join();
  return Status::Ok();
}

}  // namespace duet
