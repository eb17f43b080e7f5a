// The load generator against TestServer (its own thread and loop): exact counts in echo and HTTP
// mode (pipelined too), every response handed to a check, monotonic percentiles, bounded runs against a silent server, refused and hung-up
// connections reported as errors, and loopback-only targets.
#include "load/load_generator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "core/clock.h"
#include "load/test_server.h"

namespace duet {
namespace {

using testing::TestServer;

LoadOptions Against(const TestServer& server, int connections, uint64_t requests) {
  LoadOptions options;
  options.port = server.port();
  options.connections = connections;
  options.requests = requests;
  options.duration_s = 30;  // a ceiling for a broken build; the runs below end in well under a second
  return options;
}

LoadOptions HttpAgainst(const TestServer& server, int connections, uint64_t requests, const std::string& path) {
  LoadOptions options = Against(server, connections, requests);
  options.mode = LoadMode::kHttp;
  options.path = path;
  return options;
}

LoadResult RunToEnd(const LoadOptions& options) {
  LoadResult result;
  Status ran = RunLoad(options, &result);
  EXPECT_TRUE(ran.ok()) << ran.ToString();
  return result;
}

void ExpectMonotonicPercentiles(const LoadResult& r) {
  const LatencyHistogram& h = r.latency;
  EXPECT_LE(h.min(), h.Percentile(50));
  EXPECT_LE(h.Percentile(50), h.Percentile(90));
  EXPECT_LE(h.Percentile(90), h.Percentile(99));
  EXPECT_LE(h.Percentile(99), h.Percentile(99.9));
  EXPECT_LE(h.Percentile(99.9), h.max());
  EXPECT_GT(h.min(), 0u);
  EXPECT_LT(h.max(), r.wall_ns);
}

TEST(LoadGeneratorTest, EchoCountsAreExact) {
  TestServer server(TestServer::Behaviour::kEcho);
  LoadOptions options = Against(server, 8, 1000);
  options.size = 100;
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(r.completed, 1000u);
  EXPECT_EQ(r.unfinished, 0u);
  EXPECT_EQ(r.error_count(), 0u) << r.errors.size();
  EXPECT_EQ(r.stopped_by, StopReason::kRequests);
  EXPECT_EQ(r.bytes_sent, 100'000u);
  EXPECT_EQ(r.bytes_received, 100'000u);
  EXPECT_EQ(server.bytes_received(), 100'000u);
  EXPECT_EQ(server.connections(), 8u);
  EXPECT_EQ(r.latency.count(), 1000u);
  EXPECT_NEAR(r.throughput(), 1000 / (r.wall_ns / 1e9), 1e-6);
  ExpectMonotonicPercentiles(r);
}

TEST(LoadGeneratorTest, IdleModeOpensEveryConnectionOnceAndReadsTheRss) {
  TestServer server(TestServer::Behaviour::kEcho);
  LoadOptions options = Against(server, 300, 1);  // idle: one exchange per connection, whatever `requests` says
  options.mode = LoadMode::kIdle;
  options.size = 16;
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(r.completed, 300u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_EQ(r.stopped_by, StopReason::kRequests);
  EXPECT_EQ(server.connections(), 300u);
  EXPECT_EQ(server.bytes_received(), 300u * 16);
  EXPECT_GT(r.rss_start_bytes, 0u);
  EXPECT_GT(r.rss_held_bytes, 0u);
}

TEST(LoadGeneratorTest, OnDoneRunsOnceTheRunHasEnded) {
  TestServer server(TestServer::Behaviour::kEcho);
  LoadGenerator generator;
  std::atomic<int> calls{0};
  ASSERT_TRUE(generator.Start(Against(server, 2, 50), [&] { ++calls; }).ok());
  LoadResult r = generator.Join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(r.completed, 50u);
}

TEST(LoadGeneratorTest, LargeMessagesArriveInPiecesAndStillCountOnce) {
  TestServer server(TestServer::Behaviour::kEcho);
  LoadOptions options = Against(server, 3, 90);
  options.size = 256 * 1024;  // more than one read buffer and one socket buffer
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(r.completed, 90u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_EQ(r.bytes_received, 90u * 256 * 1024);
  EXPECT_EQ(server.bytes_received(), 90u * 256 * 1024);
}

TEST(LoadGeneratorTest, MoreConnectionsThanRequestsSendsExactlyTheRequests) {
  TestServer server(TestServer::Behaviour::kEcho);
  LoadResult r = RunToEnd(Against(server, 20, 7));
  EXPECT_EQ(r.completed, 7u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_EQ(server.bytes_received(), 7u * 64);
}

TEST(LoadGeneratorTest, HttpKeepAliveReusesEachConnection) {
  TestServer server(TestServer::Behaviour::kHttp);
  LoadResult r = RunToEnd(HttpAgainst(server, 4, 500, "/hello"));
  EXPECT_EQ(r.completed, 500u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_EQ(server.connections(), 4u);
  EXPECT_EQ(r.bytes_received, 500 * std::strlen(TestServer::kHttpHello));
  std::string request = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n\r\n";
  EXPECT_EQ(server.bytes_received(), 500 * request.size());
  ExpectMonotonicPercentiles(r);
}

TEST(LoadGeneratorTest, PipelinedRequestsAreAnsweredInBatchesWithExactCounts) {
  TestServer server(TestServer::Behaviour::kHttp);
  LoadOptions options = HttpAgainst(server, 3, 100, "/hello");
  options.pipeline = 16;
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(r.completed, 100u);  // not a multiple of 16: the last batches are shorter
  EXPECT_EQ(r.error_count(), 0u) << r.first_bad_response;
  EXPECT_EQ(server.connections(), 3u);
  std::string request = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n\r\n";
  EXPECT_EQ(server.bytes_received(), 100 * request.size());
  EXPECT_EQ(r.bytes_received, 100 * std::strlen(TestServer::kHttpHello));
  ExpectMonotonicPercentiles(r);
}

TEST(LoadGeneratorTest, EveryResponseGoesThroughTheCheckAndTheFirstWrongOneIsKept) {
  TestServer server(TestServer::Behaviour::kHttp);
  LoadOptions options = HttpAgainst(server, 2, 30, "/hello");
  std::atomic<int> checked{0};
  options.check = [&](const HttpResponse& response) {
    ++checked;
    EXPECT_EQ(response.Header("content-type"), "text/plain");
    return response.body == "hello!" ? Status::Ok() : Status::Error("expected hello!, got " + response.body);
  };
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(checked.load(), 30);
  EXPECT_EQ(r.completed, 30u);
  EXPECT_EQ(r.errors["wrong_response"], 30u);
  EXPECT_EQ(r.first_bad_response, "expected hello!, got hello");
}

TEST(LoadGeneratorTest, HttpErrorStatusesAreCountedByCode) {
  TestServer server(TestServer::Behaviour::kHttp);
  LoadResult r = RunToEnd(HttpAgainst(server, 2, 50, "/missing"));
  EXPECT_EQ(r.completed, 50u);
  EXPECT_EQ(r.errors["http_404"], 50u);
  EXPECT_EQ(r.error_count(), 50u);
  EXPECT_EQ(r.first_bad_response, "a non-2xx status (status 404, body: nope)");
}

TEST(LoadGeneratorTest, AnswersOfTheWrongProtocolAreBadResponses) {
  TestServer server(TestServer::Behaviour::kEcho);  // echoes the GET back: not an HTTP response
  LoadResult r = RunToEnd(HttpAgainst(server, 2, 10, "/"));
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.errors["bad_response"], 2u);
  EXPECT_EQ(r.error_count(), 2u);
  EXPECT_EQ(r.stopped_by, StopReason::kConnections);
}

TEST(LoadGeneratorTest, TimeLimitEndsARunAgainstASilentServer) {
  TestServer server(TestServer::Behaviour::kSilent);
  LoadOptions options = Against(server, 4, 1000);
  options.duration_s = 0.5;
  options.timeout_s = 60;
  uint64_t start = NowNs();
  LoadResult r = RunToEnd(options);
  double elapsed_s = (NowNs() - start) / 1e9;
  EXPECT_EQ(r.stopped_by, StopReason::kDuration);
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.unfinished, 4u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_GE(r.wall_ns, 500'000'000u);
  EXPECT_LT(r.wall_ns, 800'000'000u);
  EXPECT_LT(elapsed_s, 1.0);  // the thread is joined soon after the limit
  EXPECT_EQ(r.latency.count(), 0u);
}

TEST(LoadGeneratorTest, RequestTimeoutsAreErrorsAndEndTheRun) {
  TestServer server(TestServer::Behaviour::kSilent);
  LoadOptions options = Against(server, 3, 1000);
  options.timeout_s = 0.2;
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(r.errors["timeout"], 3u);
  EXPECT_EQ(r.error_count(), 3u);
  EXPECT_EQ(r.stopped_by, StopReason::kConnections);
  EXPECT_GE(r.wall_ns, 200'000'000u);
  EXPECT_LT(r.wall_ns, 600'000'000u);  // the sweep runs every 50 ms at this timeout
}

TEST(LoadGeneratorTest, RefusedConnectionsAreErrorsNotAHang) {
  int port;
  {
    TestServer gone(TestServer::Behaviour::kEcho);
    port = gone.port();
  }  // closed: nothing listens there now
  LoadOptions options;
  options.port = port;
  options.connections = 5;
  options.duration_s = 30;
  LoadResult r = RunToEnd(options);
  EXPECT_EQ(r.errors["ECONNREFUSED"], 5u);
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.stopped_by, StopReason::kConnections);
  EXPECT_LT(r.wall_ns, 1'000'000'000u);
}

TEST(LoadGeneratorTest, AServerHangingUpIsAnErrorPerConnection) {
  TestServer server(TestServer::Behaviour::kHangUp);
  LoadResult r = RunToEnd(Against(server, 4, 100));
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.error_count(), 4u);
  EXPECT_EQ(r.errors.count("EOF") + r.errors.count("ECONNRESET") + r.errors.count("EPIPE"), r.errors.size());
  EXPECT_EQ(r.stopped_by, StopReason::kConnections);
}

TEST(LoadGeneratorTest, OnlyLoopbackTargetsAreAccepted) {
  LoadOptions options;
  options.port = 9;
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"}) {
    options.host = host;
    EXPECT_TRUE(ValidateLoadOptions(options).ok()) << host << ": " << ValidateLoadOptions(options).ToString();
  }
  for (const char* host : {"10.0.0.1", "0.0.0.0", "8.8.8.8", "::", "2001:db8::1", "example.com"}) {
    options.host = host;
    Status status = ValidateLoadOptions(options);
    EXPECT_FALSE(status.ok()) << host;
    EXPECT_NE(status.message().find(host), std::string::npos) << status.ToString();
    LoadGenerator generator;
    EXPECT_FALSE(generator.Start(options).ok()) << host;
  }
}

TEST(LoadGeneratorTest, UnboundedOrEmptyRunsAreRefused) {
  LoadOptions options;
  options.port = 9;
  options.duration_s = 0;
  EXPECT_NE(ValidateLoadOptions(options).message().find("--duration"), std::string::npos);
  options.duration_s = 1;
  options.requests = 0;
  EXPECT_NE(ValidateLoadOptions(options).message().find("--requests"), std::string::npos);
  options.requests = 1;
  options.connections = 0;
  EXPECT_NE(ValidateLoadOptions(options).message().find("--connections"), std::string::npos);
  options.connections = 1;
  options.path = "no-slash";
  EXPECT_NE(ValidateLoadOptions(options).message().find("--path"), std::string::npos);
}

}  // namespace
}  // namespace duet
