// libFuzzer target: the load generator's WebSocket reader (load/websocket.h WebSocketReader) on
// any bytes a server could send. Properties: never a crash; the bytes fed whole and fed in pieces
// (cut where the input's first byte says, then one at a time) give the same messages and the
// same verdict; every message is a known opcode within the size limit, control payloads at most
// 125 bytes.
#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "load/websocket.h"

using duet::fuzz::Check;

namespace {

constexpr size_t kLimit = 1024;

struct Outcome {
  std::vector<std::pair<int, std::string>> messages;
  bool ok = true;
};

Outcome Read(std::string_view data, size_t first_piece, size_t step) {
  duet::WebSocketReader reader(kLimit);
  Outcome out;
  auto collect = [&](duet::WebSocketOpcode opcode, std::string_view payload) {
    out.messages.emplace_back(static_cast<int>(opcode), std::string(payload));
    return duet::Status::Ok();
  };
  for (size_t at = 0; at < data.size() && out.ok;) {
    size_t piece = at == 0 ? first_piece : step;
    out.ok = reader.Feed(data.substr(at, piece), collect).ok();
    at += piece;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t cut = data[0] % (bytes.size() + 1) + 1;
  Outcome whole = Read(bytes, bytes.size() + 1, 1);
  Outcome pieces = Read(bytes, cut, 1);
  Check(whole.ok == pieces.ok, "the verdict does not depend on how the bytes were split");
  Check(whole.messages == pieces.messages, "the messages do not depend on how the bytes were split");
  for (const auto& [opcode, payload] : whole.messages) {
    Check(opcode == 1 || opcode == 2 || opcode == 8 || opcode == 9 || opcode == 10, "a known opcode, never a continuation");
    Check(payload.size() <= kLimit, "no message over the limit");
    Check(opcode < 8 || payload.size() <= 125, "control payloads of at most 125 bytes");
  }
  return 0;
}
