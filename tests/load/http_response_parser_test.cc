// The load generator's response parser: the same responses come out whatever the bytes' split
// (down to one byte at a time), pipelined responses one after the other, chunked bodies joined,
// and malformed framing refused with the reason.
#include "load/http_response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace duet {
namespace {

const std::string kTwo =
    "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
    "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n";

std::vector<HttpResponse> ParseInPieces(const std::string& bytes, size_t piece, bool keep, Status* status) {
  HttpResponseParser parser(keep);
  std::vector<HttpResponse> out;
  *status = Status::Ok();
  for (size_t at = 0; at < bytes.size() && status->ok(); at += piece) {
    *status = parser.Feed(std::string_view(bytes).substr(at, piece), [&](const HttpResponse& r) {
      out.push_back(r);
      return Status::Ok();
    });
  }
  EXPECT_TRUE(!status->ok() || parser.between_responses());
  return out;
}

TEST(HttpResponseParserTest, PipelinedResponsesComeOutWholeWhateverTheSplit) {
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, kTwo.size()}) {
    Status status;
    std::vector<HttpResponse> responses = ParseInPieces(kTwo, piece, true, &status);
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_EQ(responses.size(), 2u) << "pieces of " << piece;
    EXPECT_EQ(responses[0].status, 200);
    EXPECT_EQ(responses[0].body, "hello");
    EXPECT_EQ(responses[0].framing, "content-length");
    EXPECT_EQ(responses[0].Header("server"), "x");
    EXPECT_EQ(responses[1].status, 404);
    EXPECT_EQ(responses[1].body, "abcde");
    EXPECT_EQ(responses[1].framing, "chunked");
  }
}

TEST(HttpResponseParserTest, WithoutKeepingOnlyStatusAndFramingAreKept) {
  Status status;
  std::vector<HttpResponse> responses = ParseInPieces(kTwo, 3, false, &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].body, "");
  EXPECT_TRUE(responses[0].headers.empty());
  EXPECT_EQ(responses[1].status, 404);
}

TEST(HttpResponseParserTest, MalformedFramingIsRefusedWithTheReason) {
  struct Case {
    const char* bytes;
    const char* reason;
  };
  for (Case c : {Case{"SSH-2.0-OpenSSH\r\n", "not an HTTP/1.x status line"},
                 Case{"HTTP/1.1 200 OK\r\n\r\n", "neither one Content-Length nor chunked"},
                 Case{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", "neither one Content-Length"},
                 Case{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "an invalid Content-Length"},
                 Case{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "only chunked"},
                 Case{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "a malformed chunk size"},
                 Case{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", "a chunk not followed by CRLF"},
                 Case{"HTTP/1.1 200 OK\nContent-Length: 0\n\n", "a line not ended by CRLF"},
                 Case{"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "a malformed header line"}}) {
    Status status;
    ParseInPieces(c.bytes, 4, true, &status);
    EXPECT_FALSE(status.ok()) << c.bytes;
    EXPECT_NE(status.message().find(c.reason), std::string::npos) << c.bytes << " -> " << status.message();
  }
}

TEST(HttpResponseParserTest, AHeadLongerThan64KiBIsRefused) {
  std::string bytes = "HTTP/1.1 200 OK\r\nX: " + std::string(HttpResponseParser::kMaxHead, 'a') + "\r\n\r\n";
  Status status;
  ParseInPieces(bytes, 1000, true, &status);
  EXPECT_NE(status.message().find("longer than 64 KiB"), std::string::npos) << status.message();
}

TEST(HttpResponseParserTest, AnErrorFromTheCallbackStopsTheParse) {
  HttpResponseParser parser(true);
  int calls = 0;
  Status status = parser.Feed(kTwo, [&](const HttpResponse&) {
    ++calls;
    return Status::Error("enough");
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(status.message(), "enough");
}

}  // namespace
}  // namespace duet
