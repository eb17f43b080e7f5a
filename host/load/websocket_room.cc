// LoadMode::kRoom; see websocket_room.h. One RoomRun per run on its own uv_loop_t, as LoadRun in
// load_generator.cc, whose clients are WebSocket members of one room instead of request/response
// connections. Everything below runs on the generator's thread.
#include "load/websocket_room.h"

#include <uv.h>

#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "load/load_loop.h"
#include "load/websocket.h"

namespace duet {
namespace {

constexpr size_t kReadBuffer = 64 * 1024;
// An upgrade answer's head longer than this is not one.
constexpr size_t kMaxHandshake = 64 * 1024;
constexpr std::string_view kJoined = "joined";

// What RoomMessage made: {"from":F,"seq":S,...}; false for anything else.
bool ParseRoomMessage(std::string_view text, uint64_t* sender, uint64_t* seq) {
  constexpr std::string_view kFrom = "{\"from\":", kSeq = ",\"seq\":";
  size_t at = 0;
  auto literal = [&](std::string_view expected) {
    if (text.substr(at, expected.size()) != expected) return false;
    at += expected.size();
    return true;
  };
  auto number = [&](uint64_t* out) {
    size_t start = at;
    *out = 0;
    while (at < text.size() && at - start < 18 && text[at] >= '0' && text[at] <= '9') *out = *out * 10 + (text[at++] - '0');
    return at > start;
  };
  return literal(kFrom) && number(sender) && literal(kSeq) && number(seq);
}

std::string Excerpt(std::string_view text) {
  return std::string(text.substr(0, 120)) + (text.size() > 120 ? "..." : "");
}

class RoomRun {
 public:
  RoomRun(const LoadOptions& options, const sockaddr_storage& addr)
      : options_(options), addr_(addr), host_(HostHeader(options)), random_(std::random_device{}()) {
    result_.options = options;
    read_buffer_.resize(kReadBuffer);
    sent_ns_.resize(static_cast<size_t>(options.connections));
  }
  RoomRun(const RoomRun&) = delete;
  RoomRun& operator=(const RoomRun&) = delete;

  Status Init() { return loop_.Init(this); }

  LoadResult Execute() {
    uint64_t cpu_start = ThreadCpuNs();
    loop_.StartTimers(
        options_, [](uv_timer_t* t) { static_cast<RoomRun*>(t->data)->Stop(StopReason::kDuration); },
        [](uv_timer_t* t) { static_cast<RoomRun*>(t->data)->Sweep(); });
    for (int i = 0; i < options_.connections && !stopping_; ++i) Open(i);
    loop_.Run();
    if (start_ns_ == 0) start_ns_ = end_ns_;  // never began: no rate to speak of
    result_.wall_ns = end_ns_ - start_ns_;
    result_.client_cpu_ns = ThreadCpuNs() - cpu_start;
    return std::move(result_);
  }

 private:
  struct Client {
    enum class State { kConnecting, kUpgrading, kJoining, kJoined, kClosed };
    RoomRun* run = nullptr;
    int index = 0;
    uv_tcp_t tcp{};
    uv_connect_t connect{};
    bool handle = false;  // tcp was initialised: it must be closed
    State state = State::kConnecting;
    std::string key;
    WebSocketHandshake handshake;
    WebSocketReader reader;
    uint64_t since_ns = 0;      // of the connect, until joined
    uint64_t sent = 0;          // its own messages sent so far
    bool awaiting_own = false;  // its last message has not come back yet
    std::vector<uint64_t> next; // per sender: the sequence number it must receive next
  };
  // A write in flight owns its bytes; the callback frees it (libuv calls it even when the handle
  // closes first, with UV_ECANCELED).
  struct Write {
    uv_write_t req{};
    Client* client = nullptr;
    std::string bytes;
  };

  static std::string HostHeader(const LoadOptions& o) {
    bool v6 = o.host.find(':') != std::string::npos && o.host.front() != '[';
    return (v6 ? "[" + o.host + "]" : o.host) + ":" + std::to_string(o.port);
  }

  void Open(int index) {
    auto owned = std::make_unique<Client>();
    Client* c = owned.get();
    clients_.push_back(std::move(owned));
    c->run = this;
    c->index = index;
    c->tcp.data = c->connect.data = c;
    c->next.assign(static_cast<size_t>(options_.connections), 0);
    c->since_ns = NowNs();
    int rc = uv_tcp_init(loop_.get(), &c->tcp);
    if (rc != 0) return Fail(c, uv_err_name(rc));
    c->handle = true;
    uv_tcp_nodelay(&c->tcp, 1);
    rc = uv_tcp_connect(&c->connect, &c->tcp, reinterpret_cast<const sockaddr*>(&addr_), OnConnect);
    if (rc != 0) Fail(c, uv_err_name(rc));
  }

  static void OnConnect(uv_connect_t* req, int status) {
    auto* c = static_cast<Client*>(req->data);
    RoomRun* run = c->run;
    if (c->state == Client::State::kClosed) return;
    if (status < 0) return run->Fail(c, uv_err_name(status));
    int rc = uv_read_start(
        reinterpret_cast<uv_stream_t*>(&c->tcp),
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
          auto* self = static_cast<Client*>(h->data)->run;
          *buf = uv_buf_init(self->read_buffer_.data(), static_cast<unsigned>(self->read_buffer_.size()));
        },
        OnRead);
    if (rc != 0) return run->Fail(c, uv_err_name(rc));
    c->state = Client::State::kUpgrading;
    c->key = NewWebSocketKey();
    run->Send(c, WebSocketUpgradeRequest(run->host_, run->options_.path, c->key));
  }

  void Send(Client* c, std::string bytes) {
    auto write = std::make_unique<Write>();
    write->client = c;
    write->bytes = std::move(bytes);
    write->req.data = write.get();
    uv_buf_t buf = uv_buf_init(write->bytes.data(), static_cast<unsigned>(write->bytes.size()));
    int rc = uv_write(&write->req, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1, [](uv_write_t* req, int status) {
      std::unique_ptr<Write> done(static_cast<Write*>(req->data));
      if (status < 0 && done->client->state != Client::State::kClosed) done->client->run->Fail(done->client, uv_err_name(status));
    });
    if (rc != 0) return Fail(c, uv_err_name(rc));
    result_.bytes_sent += write->bytes.size();
    static_cast<void>(write.release());  // the callback owns it now
  }

  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* c = static_cast<Client*>(stream->data);
    RoomRun* run = c->run;
    if (c->state == Client::State::kClosed || nread == 0) return;
    if (nread < 0) return run->Fail(c, uv_err_name(static_cast<int>(nread)));
    run->result_.bytes_received += static_cast<uint64_t>(nread);
    std::string_view data(buf->base, static_cast<size_t>(nread));
    if (c->state == Client::State::kUpgrading) {
      c->handshake.Feed(data);
      if (!c->handshake.Done()) {
        if (c->handshake.size() > kMaxHandshake) run->Refuse(c, "bad_response", "an upgrade answer with no end to its head");
        return;
      }
      Status upgraded = c->handshake.Check(c->key);
      if (!upgraded.ok()) return run->Refuse(c, "bad_response", upgraded.message());
      c->state = Client::State::kJoining;
      data = c->handshake.Rest();
    }
    Status read = c->reader.Feed(data, [run, c](WebSocketOpcode opcode, std::string_view payload) {
      return run->OnMessage(c, opcode, payload);
    });
    if (!read.ok() && c->state != Client::State::kClosed) run->Refuse(c, "bad_response", read.message());
  }

  Status OnMessage(Client* c, WebSocketOpcode opcode, std::string_view payload) {
    if (c->state == Client::State::kClosed) return Status::Ok();
    switch (opcode) {
      case WebSocketOpcode::kPing: {
        std::string pong;
        AppendClientFrame(WebSocketOpcode::kPong, payload, Mask(), &pong);
        Send(c, std::move(pong));
        return Status::Ok();
      }
      case WebSocketOpcode::kPong:
        return Status::Ok();
      case WebSocketOpcode::kClose:
        Fail(c, "closed_by_server");
        return Status::Ok();
      case WebSocketOpcode::kText:
        break;
      default:
        Refuse(c, "bad_response", "a binary message, where the room sends text");
        return Status::Ok();
    }
    if (c->state == Client::State::kJoining) {
      if (payload != kJoined) {
        Refuse(c, "bad_response", "the first message after the upgrade was not \"joined\": " + Excerpt(payload));
        return Status::Ok();
      }
      c->state = Client::State::kJoined;
      if (++joined_ == options_.connections) Begin();
      return Status::Ok();
    }
    Deliver(c, payload);
    return Status::Ok();
  }

  // Every client is in the room: the clock starts and each sends its first message.
  void Begin() {
    start_ns_ = NowNs();
    for (auto& c : clients_) SendNext(c.get());
    MaybeFinish();
  }

  void SendNext(Client* c) {
    if (stopping_ || c->state != Client::State::kJoined || issued_ >= options_.requests) return;
    uint64_t seq = c->sent++;
    std::string frame;
    AppendClientFrame(WebSocketOpcode::kText, RoomMessage(c->index, seq, options_.size), Mask(), &frame);
    sent_ns_[static_cast<size_t>(c->index)].push_back(NowNs());
    ++issued_;
    result_.messages = issued_;
    c->awaiting_own = true;
    Send(c, std::move(frame));
  }

  void Deliver(Client* c, std::string_view payload) {
    uint64_t sender = 0, seq = 0;
    bool known = ParseRoomMessage(payload, &sender, &seq) && sender < sent_ns_.size() &&
                 seq < sent_ns_[sender].size() && payload == RoomMessage(static_cast<int>(sender), seq, options_.size);
    if (!known) return Refuse(c, "bad_response", "a message no client of the room sent: " + Excerpt(payload));
    uint64_t& next = c->next[sender];
    if (seq < next) {
      return Refuse(c, "bad_response", fmt::format("client {} got message {} of client {} twice, or after a later one",
                                                   c->index, seq, sender));
    }
    if (seq > next) {
      Lost(seq - next, fmt::format("client {} got message {} of client {} without message{} {} before it", c->index, seq,
                                   sender, seq - next > 1 ? "s" : "",
                                   seq - next > 1 ? fmt::format("{}-{}", next, seq - 1) : std::to_string(next)));
    }
    next = seq + 1;
    result_.latency.Record(NowNs() - sent_ns_[sender][seq]);
    ++result_.completed;
    ++accounted_;
    if (static_cast<int>(sender) == c->index && seq + 1 == c->sent) {
      c->awaiting_own = false;
      SendNext(c);
    }
    MaybeFinish();
  }

  // Deliveries that will never come, counted as lost (and accounted for, so the run can end).
  void Lost(uint64_t count, const std::string& why) {
    if (!stopping_) result_.errors["lost_message"] += count;
    accounted_ += count;
    NoteBad(why);
  }

  void NoteBad(const std::string& why) {
    if (result_.first_bad_response.empty() && !stopping_) result_.first_bad_response = why;
  }

  // A wrong answer ends the client's membership, and with it the room's run.
  void Refuse(Client* c, const std::string& kind, const std::string& why) {
    NoteBad(fmt::format("client {}: {}", c->index, why));
    Fail(c, kind);
  }

  // A member lost is a room no longer whole: the error is counted and the run ends.
  void Fail(Client* c, const std::string& kind) {
    if (!stopping_) ++result_.errors[kind];
    Close(c);
    Stop(StopReason::kConnections);
  }

  void Close(Client* c) {
    c->state = Client::State::kClosed;
    // The Client outlives its handle: clients_ is freed only after the loop has closed.
    auto* handle = reinterpret_cast<uv_handle_t*>(&c->tcp);
    if (c->handle && !uv_is_closing(handle)) uv_close(handle, nullptr);
  }

  // Deliveries older than the timeout are lost; a client not in the room by then never joined.
  void Sweep() {
    uint64_t now = NowNs();
    auto limit = static_cast<uint64_t>(options_.timeout_s * 1e9);
    for (auto& owned : clients_) {
      Client* c = owned.get();
      if (c->state == Client::State::kClosed) continue;
      if (c->state != Client::State::kJoined) {
        if (now - c->since_ns > limit) Fail(c, "connect_timeout");
        if (stopping_) return;
        continue;
      }
      for (size_t sender = 0; sender < sent_ns_.size(); ++sender) {
        uint64_t& next = c->next[sender];
        uint64_t overdue = next;
        while (overdue < sent_ns_[sender].size() && now - sent_ns_[sender][overdue] > limit) ++overdue;
        if (overdue == next) continue;
        Lost(overdue - next, fmt::format("client {} never got message {} of client {} ({:g} s after it was sent)", c->index,
                                         next, sender, options_.timeout_s));
        next = overdue;
      }
      // Its own message lost on the way back: it goes on with the next.
      if (c->awaiting_own && c->next[static_cast<size_t>(c->index)] == c->sent) {
        c->awaiting_own = false;
        SendNext(c);
      }
    }
    MaybeFinish();
  }

  void MaybeFinish() {
    if (stopping_ || start_ns_ == 0) return;
    if (issued_ >= options_.requests && accounted_ == issued_ * static_cast<uint64_t>(options_.connections)) {
      Stop(StopReason::kRequests);
    }
  }

  void Stop(StopReason reason) {
    if (stopping_) return;
    stopping_ = true;
    end_ns_ = NowNs();
    result_.stopped_by = reason;
    uint64_t due = issued_ * static_cast<uint64_t>(options_.connections);
    result_.unfinished = due > accounted_ ? due - accounted_ : 0;
    // A close frame each (best effort, never waited for), so the servers see members leave.
    std::string close;
    AppendClientFrame(WebSocketOpcode::kClose, std::string_view("\x03\xe8", 2), Mask(), &close);
    for (auto& c : clients_) {
      if (c->state == Client::State::kJoined) {
        uv_buf_t buf = uv_buf_init(close.data(), static_cast<unsigned>(close.size()));
        uv_try_write(reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1);
      }
      Close(c.get());
    }
    loop_.CloseTimers();
  }

  uint32_t Mask() { return static_cast<uint32_t>(random_()); }

  const LoadOptions options_;
  const sockaddr_storage addr_;
  const std::string host_;  // the Host header: host:port
  std::mt19937 random_;     // the frames' masks
  std::vector<char> read_buffer_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::vector<std::vector<uint64_t>> sent_ns_;  // per sender, per sequence number: when it was written
  LoadResult result_;
  uint64_t start_ns_ = 0;  // every client joined: the first message
  uint64_t end_ns_ = 0;
  uint64_t issued_ = 0;     // messages sent
  uint64_t accounted_ = 0;  // deliveries received or counted lost
  int joined_ = 0;
  bool stopping_ = false;
  // Last, so destroyed first: a run never executed still has handles in clients_ for it to close.
  LoadLoop loop_;
};

}  // namespace

std::string RoomMessage(int sender, uint64_t seq, size_t size) {
  std::string text = fmt::format(R"({{"from":{},"seq":{},"text":")", sender, seq);
  size_t fixed = text.size() + 2;
  for (size_t i = fixed; i < size; ++i) text.push_back(static_cast<char>('a' + (i + seq) % 26));
  text += "\"}";
  return text;
}

Status PrepareWebSocketRoom(const LoadOptions& options, const sockaddr_storage& addr,
                            std::function<LoadResult()>* execute) {
  DUET_RETURN_IF_ERROR(LoadWebSocketCrypto());
  auto run = std::make_shared<RoomRun>(options, addr);
  DUET_RETURN_IF_ERROR(run->Init());
  *execute = [run] { return run->Execute(); };
  return Status::Ok();
}

}  // namespace duet
