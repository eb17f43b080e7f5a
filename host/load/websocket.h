// RFC 6455 from the client's side, as the load generator's WebSocket room speaks it: the opening
// handshake (the request, and the server's 101 with its Sec-WebSocket-Accept checked), client
// frames (always masked) and an incremental reader of the server's frames that reassembles
// fragmented messages and refuses what a server may not send (masked frames, reserved bits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace duet {

enum class WebSocketOpcode : uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Opens libcrypto, which the two keys below need (SHA-1, base64), if that has not been done; an
// error naming the library when it cannot be. Until it succeeds, both keys are empty.
Status LoadWebSocketCrypto();
// A fresh Sec-WebSocket-Key: 16 random bytes, base64.
std::string NewWebSocketKey();
// base64(SHA-1(key + RFC 6455's GUID)): the Sec-WebSocket-Accept a server must answer `key` with.
std::string WebSocketAcceptFor(std::string_view key);
// The upgrade request for `path` on `host` (host:port, as the Host header carries it).
std::string WebSocketUpgradeRequest(std::string_view host, std::string_view path, std::string_view key);

// The server's answer to the upgrade request: its head ends at the first blank line, and what
// follows it is already the server's first frames.
struct WebSocketHandshake {
  // Bytes received so far; once the head is complete, `Done` is true and `Check` may be called.
  void Feed(std::string_view data) { received_.append(data); }
  bool Done() const { return received_.find("\r\n\r\n") != std::string::npos; }
  // 101, "Upgrade: websocket", "Connection: upgrade" and the Sec-WebSocket-Accept `key` asks for;
  // the reason and the start of the head when not.
  Status Check(std::string_view key) const;
  // What followed the head (frames); valid once Done.
  std::string_view Rest() const { return std::string_view(received_).substr(received_.find("\r\n\r\n") + 4); }
  size_t size() const { return received_.size(); }

 private:
  std::string received_;
};

// One unfragmented client frame (FIN set) of `payload`, masked with `mask`, appended to `out`.
void AppendClientFrame(WebSocketOpcode opcode, std::string_view payload, uint32_t mask, std::string* out);

// The server's frames, fed in any split. A data message (text or binary, reassembled from its
// fragments) and every control frame (ping, pong, close; never fragmented) comes out whole.
class WebSocketReader {
 public:
  using OnMessage = std::function<Status(WebSocketOpcode opcode, std::string_view payload)>;
  explicit WebSocketReader(size_t max_message = kDefaultMaxMessage) : max_message_(max_message) {}
  // The first protocol error is returned (then the stream is unusable), as is an error OnMessage
  // returns, which stops the feed.
  Status Feed(std::string_view data, const OnMessage& on_message);
  // Whether a frame or a fragmented message has begun and not ended.
  bool between_messages() const { return buffer_.empty() && !fragmented_; }

  static constexpr size_t kDefaultMaxMessage = 64 * 1024 * 1024;

 private:
  const size_t max_message_;
  std::string buffer_;   // received and not yet parsed: at most one partial frame
  std::string message_;  // a fragmented data message's payload so far
  std::optional<WebSocketOpcode> fragmented_;
};

}  // namespace duet
