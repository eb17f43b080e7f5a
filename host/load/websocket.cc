// The client's half of RFC 6455; see websocket.h. SHA-1 and base64 are OpenSSL's (libcrypto,
// which libnode links too): the keys are the one place the protocol needs them.
#include "load/websocket.h"

#include <dlfcn.h>
#include <openssl/evp.h>

#include <array>
#include <random>

#include "core/text.h"

namespace duet {
namespace {

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// libcrypto is opened on the first handshake instead of linked: mapping and relocating it cost
// every duet start about 2.4 ms (bench/startup.py), `duet exec x.py` included, for three
// functions only the room needs. It stays open until exit.
struct LibCrypto {
  decltype(&EVP_Digest) digest = nullptr;
  decltype(&EVP_sha1) sha1 = nullptr;
  decltype(&EVP_EncodeBlock) encode_block = nullptr;
  std::string error;  // why it could not be opened; empty when it was
};

const LibCrypto& Crypto() {
  static const LibCrypto crypto = [] {
    LibCrypto loaded;
    void* library = dlopen(DUET_LIBCRYPTO_SONAME, RTLD_LAZY | RTLD_LOCAL);
    if (library == nullptr) {
      const char* why = dlerror();
      loaded.error = why != nullptr ? why : std::string("dlopen(") + DUET_LIBCRYPTO_SONAME + ") failed";
      return loaded;
    }
    loaded.digest = reinterpret_cast<decltype(&EVP_Digest)>(dlsym(library, "EVP_Digest"));
    loaded.sha1 = reinterpret_cast<decltype(&EVP_sha1)>(dlsym(library, "EVP_sha1"));
    loaded.encode_block = reinterpret_cast<decltype(&EVP_EncodeBlock)>(dlsym(library, "EVP_EncodeBlock"));
    if (!loaded.digest || !loaded.sha1 || !loaded.encode_block) {
      loaded.error = std::string(DUET_LIBCRYPTO_SONAME) + " lacks EVP_Digest, EVP_sha1 or EVP_EncodeBlock";
    }
    return loaded;
  }();
  return crypto;
}

std::string Base64(const unsigned char* data, size_t size) {
  if (!Crypto().error.empty()) return "";
  std::string out(4 * ((size + 2) / 3), '\0');
  int written = Crypto().encode_block(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(written));
  return out;
}

// The value of the head's header `name` (lowercase), or nullopt when absent.
std::optional<std::string> HeadHeader(std::string_view head, std::string_view name) {
  size_t at = head.find("\r\n");
  while (at != std::string_view::npos && at + 2 < head.size()) {
    size_t start = at + 2;
    size_t end = head.find("\r\n", start);
    std::string_view line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && AsciiLower(std::string(line.substr(0, colon))) == name) {
      return TrimBlanks(line.substr(colon + 1));
    }
    at = end;
  }
  return std::nullopt;
}

}  // namespace

Status LoadWebSocketCrypto() {
  if (Crypto().error.empty()) return Status::Ok();
  return Status::Error("the WebSocket handshake needs OpenSSL's libcrypto: " + Crypto().error);
}

std::string NewWebSocketKey() {
  // A nonce, not a secret: RFC 6455 asks only that it be random per connection.
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::array<unsigned char, 16> nonce;
  for (unsigned char& byte : nonce) byte = static_cast<unsigned char>(random());
  return Base64(nonce.data(), nonce.size());
}

std::string WebSocketAcceptFor(std::string_view key) {
  std::string input = std::string(key) + std::string(kAcceptGuid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!Crypto().error.empty()) return "";
  if (Crypto().digest(input.data(), input.size(), digest, &length, Crypto().sha1(), nullptr) != 1) return "";
  return Base64(digest, length);
}

std::string WebSocketUpgradeRequest(std::string_view host, std::string_view path, std::string_view key) {
  std::string request = "GET ";
  request.append(path).append(" HTTP/1.1\r\nHost: ").append(host);
  request.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
  request.append("\r\nSec-WebSocket-Version: 13\r\n\r\n");
  return request;
}

Status WebSocketHandshake::Check(std::string_view key) const {
  std::string_view head = std::string_view(received_).substr(0, received_.find("\r\n\r\n") + 2);
  auto refuse = [&](const std::string& why) {
    std::string start(head.substr(0, 300));
    return Status::Error("the WebSocket upgrade failed: " + why + " (the server answered: " + start + ")");
  };
  if (head.substr(0, 13) != "HTTP/1.1 101 ") return refuse("no 101 Switching Protocols");
  std::optional<std::string> upgrade = HeadHeader(head, "upgrade");
  if (!upgrade || AsciiLower(*upgrade) != "websocket") return refuse("no \"Upgrade: websocket\"");
  std::optional<std::string> connection = HeadHeader(head, "connection");
  if (!connection || AsciiLower(*connection).find("upgrade") == std::string::npos) {
    return refuse("no \"Connection: Upgrade\"");
  }
  std::optional<std::string> accept = HeadHeader(head, "sec-websocket-accept");
  if (!accept || *accept != WebSocketAcceptFor(key)) return refuse("a wrong Sec-WebSocket-Accept");
  return Status::Ok();
}

void AppendClientFrame(WebSocketOpcode opcode, std::string_view payload, uint32_t mask, std::string* out) {
  out->push_back(static_cast<char>(0x80 | static_cast<uint8_t>(opcode)));
  uint64_t size = payload.size();
  if (size < 126) {
    out->push_back(static_cast<char>(0x80 | size));
  } else if (size <= 0xFFFF) {
    out->push_back(static_cast<char>(0x80 | 126));
    for (int shift = 8; shift >= 0; shift -= 8) out->push_back(static_cast<char>((size >> shift) & 0xFF));
  } else {
    out->push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  const uint8_t key[4] = {static_cast<uint8_t>(mask >> 24), static_cast<uint8_t>(mask >> 16),
                          static_cast<uint8_t>(mask >> 8), static_cast<uint8_t>(mask)};
  out->append(reinterpret_cast<const char*>(key), 4);
  size_t at = out->size();
  out->append(payload);
  for (size_t i = 0; i < payload.size(); ++i) (*out)[at + i] = static_cast<char>((*out)[at + i] ^ key[i % 4]);
}

Status WebSocketReader::Feed(std::string_view data, const OnMessage& on_message) {
  buffer_.append(data);
  size_t at = 0;
  Status status = Status::Ok();
  while (status.ok()) {
    size_t left = buffer_.size() - at;
    if (left < 2) break;
    auto byte = [&](size_t i) { return static_cast<uint8_t>(buffer_[at + i]); };
    bool fin = (byte(0) & 0x80) != 0;
    auto opcode = static_cast<WebSocketOpcode>(byte(0) & 0x0F);
    if ((byte(0) & 0x70) != 0) return Status::Error("a frame with reserved bits set (no extension was agreed)");
    if ((byte(1) & 0x80) != 0) return Status::Error("a masked frame from the server");
    uint64_t size = byte(1) & 0x7F;
    size_t header = 2;
    if (size == 126 || size == 127) {
      size_t extra = size == 126 ? 2 : 8;
      if (left < 2 + extra) break;
      size = 0;
      for (size_t i = 0; i < extra; ++i) size = (size << 8) | byte(2 + i);
      header += extra;
    }
    bool control = static_cast<uint8_t>(opcode) >= 8;
    switch (opcode) {
      case WebSocketOpcode::kContinuation:
        if (!fragmented_) return Status::Error("a continuation frame with no message begun");
        break;
      case WebSocketOpcode::kText:
      case WebSocketOpcode::kBinary:
        if (fragmented_) return Status::Error("a new message inside a fragmented one");
        break;
      case WebSocketOpcode::kClose:
      case WebSocketOpcode::kPing:
      case WebSocketOpcode::kPong:
        if (!fin || size > 125) return Status::Error("a fragmented or oversized control frame");
        break;
      default:
        return Status::Error("a frame with the unknown opcode " + std::to_string(static_cast<int>(opcode)));
    }
    if (size > max_message_ || message_.size() + size > max_message_) {
      return Status::Error("a message over " + std::to_string(max_message_) + " bytes");
    }
    if (left - header < size) break;
    std::string_view payload(buffer_.data() + at + header, size);
    at += header + size;
    if (control) {
      status = on_message(opcode, payload);
    } else if (fin && !fragmented_) {
      status = on_message(opcode, payload);
    } else {
      if (!fragmented_) fragmented_ = opcode;
      message_.append(payload);
      if (fin) {
        WebSocketOpcode whole = *fragmented_;
        fragmented_.reset();
        std::string message = std::move(message_);
        message_.clear();
        status = on_message(whole, message);
      }
    }
  }
  buffer_.erase(0, at);
  return status;
}

}  // namespace duet
