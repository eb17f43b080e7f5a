// The load generator's WebSocket codec against RFC 6455's own examples: the accept key of §1.3,
// the masked and unmasked "Hello" frames of §5.7, the length encodings, fragmentation with a
// control frame in between, and the frames a server may not send.
#include "load/websocket.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "load/websocket_room.h"

namespace duet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

using Message = std::pair<WebSocketOpcode, std::string>;

// Feeds `data` in pieces of `step` bytes and returns what came out, or the error.
Status FeedAll(WebSocketReader& reader, const std::string& data, size_t step, std::vector<Message>* out) {
  for (size_t at = 0; at < data.size(); at += step) {
    Status fed = reader.Feed(std::string_view(data).substr(at, step), [&](WebSocketOpcode opcode, std::string_view payload) {
      out->emplace_back(opcode, std::string(payload));
      return Status::Ok();
    });
    if (!fed.ok()) return fed;
  }
  return Status::Ok();
}

TEST(WebSocketTest, TheAcceptKeyIsRfc6455sExample) {
  ASSERT_TRUE(LoadWebSocketCrypto().ok()) << LoadWebSocketCrypto().message();
  EXPECT_EQ(WebSocketAcceptFor("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  std::string key = NewWebSocketKey();
  EXPECT_EQ(key.size(), 24u);  // 16 bytes, base64
  EXPECT_EQ(key.substr(22), "==");
  EXPECT_NE(key, NewWebSocketKey());
}

TEST(WebSocketTest, TheUpgradeRequestAsksForVersion13) {
  std::string request = WebSocketUpgradeRequest("127.0.0.1:8080", "/room", "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(request.rfind("GET /room HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nUpgrade: websocket\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nConnection: Upgrade\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), std::string::npos);
  EXPECT_NE(request.find("\r\nSec-WebSocket-Version: 13\r\n\r\n"), std::string::npos);
}

TEST(WebSocketTest, TheHandshakeChecksTheServersAnswerAndKeepsWhatFollowsIt) {
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  WebSocketHandshake good;
  good.Feed("HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n");
  EXPECT_FALSE(good.Done());
  good.Feed("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x06joined");
  ASSERT_TRUE(good.Done());
  EXPECT_TRUE(good.Check(key).ok()) << good.Check(key).message();
  EXPECT_EQ(good.Rest(), "\x81\x06joined");

  WebSocketHandshake wrong_key;
  wrong_key.Feed("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
  EXPECT_NE(wrong_key.Check(key).message().find("a wrong Sec-WebSocket-Accept"), std::string::npos);

  WebSocketHandshake refused;
  refused.Feed("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  Status status = refused.Check(key);
  EXPECT_NE(status.message().find("no 101 Switching Protocols"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("HTTP/1.1 404 Not Found"), std::string::npos) << status.message();
}

TEST(WebSocketTest, ClientFramesAreMaskedAsRfc6455sExample) {
  std::string frame;
  AppendClientFrame(WebSocketOpcode::kText, "Hello", 0x37fa213d, &frame);
  EXPECT_EQ(frame, Bytes({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));

  std::string medium;
  AppendClientFrame(WebSocketOpcode::kBinary, std::string(256, 'x'), 0, &medium);
  EXPECT_EQ(medium.substr(0, 4), Bytes({0x82, 0xFE, 0x01, 0x00}));
  EXPECT_EQ(medium.size(), 4u + 4u + 256u);

  std::string large;
  AppendClientFrame(WebSocketOpcode::kBinary, std::string(65536, 'x'), 0, &large);
  EXPECT_EQ(large.substr(0, 10), Bytes({0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(WebSocketTest, TheReaderTakesFramesInAnySplitAndReassemblesFragments) {
  // RFC 6455 §5.7: "Hello" unmasked, then fragmented ("Hel", "lo") with a ping between the
  // fragments, then 256 bytes of binary with a 16-bit length.
  std::string stream = Bytes({0x81, 0x05}) + "Hello" + Bytes({0x01, 0x03}) + "Hel" + Bytes({0x89, 0x05}) + "Hello" +
                       Bytes({0x80, 0x02}) + "lo" + Bytes({0x82, 0x7E, 0x01, 0x00}) + std::string(256, 'b');
  for (size_t step : {size_t{1}, size_t{3}, stream.size()}) {
    WebSocketReader reader;
    std::vector<Message> messages;
    ASSERT_TRUE(FeedAll(reader, stream, step, &messages).ok()) << step;
    ASSERT_EQ(messages.size(), 4u) << step;
    EXPECT_EQ(messages[0], Message(WebSocketOpcode::kText, "Hello"));
    EXPECT_EQ(messages[1], Message(WebSocketOpcode::kPing, "Hello"));
    EXPECT_EQ(messages[2], Message(WebSocketOpcode::kText, "Hello"));
    EXPECT_EQ(messages[3], Message(WebSocketOpcode::kBinary, std::string(256, 'b')));
    EXPECT_TRUE(reader.between_messages());
  }
}

TEST(WebSocketTest, TheReaderRefusesWhatAServerMayNotSend) {
  struct Case {
    std::string bytes;
    const char* error;
  };
  std::string masked;
  AppendClientFrame(WebSocketOpcode::kText, "Hello", 1, &masked);
  for (const Case& c : {Case{masked, "a masked frame from the server"},
                        Case{Bytes({0xC1, 0x00}), "reserved bits"},
                        Case{Bytes({0x83, 0x00}), "unknown opcode 3"},
                        Case{Bytes({0x80, 0x00}), "a continuation frame with no message begun"},
                        Case{Bytes({0x01, 0x01, 'a', 0x81, 0x01, 'b'}), "a new message inside a fragmented one"},
                        Case{Bytes({0x09, 0x00}), "a fragmented or oversized control frame"},
                        Case{Bytes({0x82, 0x7E, 0x04, 0x00}), "a message over 1000 bytes"}}) {
    WebSocketReader reader(1000);
    std::vector<Message> messages;
    Status status = FeedAll(reader, c.bytes, c.bytes.size(), &messages);
    EXPECT_NE(status.message().find(c.error), std::string::npos) << c.error << ": " << status.message();
  }
}

TEST(WebSocketTest, ARoomMessageHasTheAskedSizeAndSaysWhoSentIt) {
  EXPECT_EQ(RoomMessage(3, 17, 64).size(), 64u);
  EXPECT_EQ(RoomMessage(3, 17, 64).rfind(R"({"from":3,"seq":17,"text":")", 0), 0u);
  EXPECT_EQ(RoomMessage(12, 345678, 8), R"({"from":12,"seq":345678,"text":""})");  // never shorter than its header
  EXPECT_NE(RoomMessage(0, 1, 64), RoomMessage(0, 2, 64));
}

}  // namespace
}  // namespace duet
