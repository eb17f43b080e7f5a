// Idle mode's hold and its child process: the generator keeps every connection open until its
// release descriptor ends; LoadProcess runs the built `duet load --mode idle --hold` against
// TestServer and gets its duet-load/1 result back (histogram included); failures say why.
#include "load/load_process.h"

#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "load/test_server.h"
#include "load/load_json.h"

namespace duet {
namespace {

using testing::TestServer;

LoadOptions IdleAgainst(int port, int connections) {
  LoadOptions options;
  options.port = port;
  options.mode = LoadMode::kIdle;
  options.connections = connections;
  options.size = 16;
  options.duration_s = 30;  // a ceiling for a broken build; the runs below end in well under a second
  return options;
}

// Waits (bounded) for the server to have closed every connection once the clients closed theirs.
bool AllClosed(const TestServer& server) {
  for (int i = 0; i < 500 && server.open_connections() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return server.open_connections() == 0;
}

TEST(LoadGeneratorTest, IdleHoldKeepsEveryConnectionOpenUntilTheReleaseEnds) {
  TestServer server(TestServer::Behaviour::kEcho);
  int held[2], release[2];
  ASSERT_EQ(pipe(held), 0);
  ASSERT_EQ(pipe(release), 0);
  LoadOptions options = IdleAgainst(server.port(), 40);
  options.held_fd = held[1];
  options.release_fd = release[0];
  LoadGenerator generator;
  std::atomic<bool> done{false};
  ASSERT_TRUE(generator.Start(options, [&] { done = true; }).ok());
  pollfd ready = {held[0], POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 10000), 1) << "no held line within 10 s";
  char line[64] = {};
  ASSERT_GT(read(held[0], line, sizeof(line) - 1), 0);
  EXPECT_STREQ(line, "held 40\n");
  // Held: every connection is open on the server, and stays so while the release is pending.
  EXPECT_EQ(server.open_connections(), 40u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(done.load());
  EXPECT_EQ(server.open_connections(), 40u);
  close(release[1]);
  LoadResult r = generator.Join();
  EXPECT_TRUE(done.load());
  EXPECT_EQ(r.completed, 40u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_EQ(r.stopped_by, StopReason::kRequests);
  EXPECT_GT(r.rss_held_bytes, 0u);
  EXPECT_TRUE(AllClosed(server));
  for (int fd : {held[0], held[1], release[0]}) close(fd);
}

// Connections lost while opening end an idle run as soon as every one has settled, not at the
// time limit: here the server stops listening after 10 of 20.
TEST(LoadGeneratorTest, IdleConnectionsLostWhileOpeningEndTheRunAtOnce) {
  TestServer server(TestServer::Behaviour::kEcho, /*accept_at_most=*/10);
  LoadOptions options = IdleAgainst(server.port(), 20);
  options.connections = 20;
  LoadResult r;
  ASSERT_TRUE(RunLoad(options, &r).ok());
  EXPECT_EQ(server.connections(), 10u);
  EXPECT_EQ(r.completed, 10u);
  EXPECT_EQ(r.error_count(), 10u);
  EXPECT_EQ(r.stopped_by, StopReason::kConnections);
  EXPECT_LT(r.wall_ns, 10'000'000'000u);  // the time limit is 30 s
}

TEST(LoadGeneratorTest, AHoldIsForIdleModeOnly) {
  LoadOptions options = IdleAgainst(8080, 1);
  options.mode = LoadMode::kEcho;
  options.held_fd = 1;
  options.release_fd = 0;
  Status s = ValidateLoadOptions(options);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--hold is for --mode idle"), std::string::npos) << s.message();
}

TEST(LoadProcessTest, TheChildHoldsEveryConnectionUntilReleasedAndReportsExactCounts) {
  TestServer server(TestServer::Behaviour::kEcho);
  LoadProcess client(DUET_BINARY);
  uint64_t open_when_held = 0, open_later = 0;
  std::atomic<int> done{0};
  ASSERT_TRUE(client
                  .Start(IdleAgainst(server.port(), 300),
                         [&] {
                           open_when_held = server.open_connections();
                           std::this_thread::sleep_for(std::chrono::milliseconds(200));
                           open_later = server.open_connections();  // not released before on_held returns
                         },
                         [&] { ++done; })
                  .ok());
  LoadResult r;
  Status joined = client.Join(&r);
  ASSERT_TRUE(joined.ok()) << joined.ToString();
  EXPECT_TRUE(client.held());
  EXPECT_EQ(done.load(), 1);
  EXPECT_EQ(open_when_held, 300u);
  EXPECT_EQ(open_later, 300u);
  EXPECT_TRUE(AllClosed(server));
  // The child's result, as its duet-load/1 said.
  EXPECT_EQ(r.options.mode, LoadMode::kIdle);
  EXPECT_EQ(r.options.connections, 300);
  EXPECT_EQ(r.completed, 300u);
  EXPECT_EQ(r.error_count(), 0u);
  EXPECT_EQ(r.unfinished, 0u);
  EXPECT_EQ(r.stopped_by, StopReason::kRequests);
  EXPECT_EQ(r.bytes_sent, 300u * 16);
  EXPECT_EQ(r.bytes_received, 300u * 16);
  EXPECT_EQ(server.connections(), 300u);
  EXPECT_EQ(server.bytes_received(), 300u * 16);
  EXPECT_EQ(r.latency.count(), 300u);
  EXPECT_GT(r.latency.Percentile(50), 0u);
  EXPECT_LE(r.latency.Percentile(50), r.latency.Percentile(99));
  EXPECT_GT(r.rss_held_bytes, r.rss_start_bytes);  // the child's own side of 300 connections
}

TEST(LoadProcessTest, AChildThatNeverHoldsAllConnectionsSaysSo) {
  // A silent server accepts but never echoes: the child's time limit ends the run, nothing held.
  TestServer server(TestServer::Behaviour::kSilent);
  LoadOptions options = IdleAgainst(server.port(), 3);
  options.duration_s = 0.3;
  options.timeout_s = 5;
  LoadProcess client(DUET_BINARY);
  bool held = false;
  ASSERT_TRUE(client.Start(options, [&] { held = true; }).ok());
  LoadResult r;
  Status joined = client.Join(&r);
  ASSERT_TRUE(joined.ok()) << joined.ToString();  // the child ran and reported; holding is the caller's verdict
  EXPECT_FALSE(client.held());
  EXPECT_FALSE(held);
  EXPECT_EQ(r.completed, 0u);
  EXPECT_EQ(r.unfinished, 3u);
  EXPECT_EQ(r.stopped_by, StopReason::kDuration);
}

TEST(LoadProcessTest, ChildrenThatCannotRunOrFailAreClearErrors) {
  LoadOptions options = IdleAgainst(8080, 1);
  LoadProcess missing("/nonexistent/duet");
  Status started = missing.Start(options, {});
  EXPECT_FALSE(started.ok());
  EXPECT_NE(started.message().find("cannot start the load generator's child process /nonexistent/duet"),
            std::string::npos)
      << started.message();

  // /bin/sh takes `load` for a script it cannot open: its exit code and last stderr line are the error.
  LoadProcess not_duet("/bin/sh");
  ASSERT_TRUE(not_duet.Start(options, {}).ok());
  LoadResult r;
  Status joined = not_duet.Join(&r);
  EXPECT_FALSE(joined.ok());
  EXPECT_NE(joined.message().find("exited with code 2"), std::string::npos) << joined.message();
  EXPECT_NE(joined.message().find("load"), std::string::npos) << joined.message();

  LoadOptions echo = options;
  echo.mode = LoadMode::kEcho;
  LoadProcess wrong_mode(DUET_BINARY);
  EXPECT_FALSE(wrong_mode.Start(echo, {}).ok());
}

TEST(LoadReportTest, DuetLoadJsonRoundTripsWithItsHistogram) {
  LoadResult r;
  r.options = IdleAgainst(4242, 7);
  r.completed = 1000;
  r.unfinished = 2;
  r.errors = {{"timeout", 3}};
  r.bytes_sent = 16000;
  r.bytes_received = 15984;
  r.wall_ns = 123456789;
  r.client_cpu_ns = 4567;
  r.stopped_by = StopReason::kDuration;
  r.rss_start_bytes = 1 << 20;
  r.rss_held_bytes = 3 << 20;
  uint64_t x = 88172645463325252ull;  // xorshift: latencies over six orders of magnitude
  for (int i = 0; i < 1000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    r.latency.Record(50 + x % (1u << (i % 30)));
  }
  nlohmann::json doc = nlohmann::json::parse(LoadJson(r).dump());
  LoadResult back;
  Status parsed = LoadResultFromJson(doc, &back);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString();
  EXPECT_EQ(LoadJson(back), doc);
  EXPECT_EQ(back.latency.count(), 1000u);
  EXPECT_EQ(back.latency.min(), r.latency.min());
  EXPECT_EQ(back.latency.max(), r.latency.max());
  EXPECT_EQ(back.latency.mean(), r.latency.mean());
  for (double p : {0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_EQ(back.latency.Percentile(p), r.latency.Percentile(p)) << p;
  EXPECT_EQ(back.errors, r.errors);
  EXPECT_EQ(back.stopped_by, StopReason::kDuration);
  EXPECT_EQ(back.rss_held_bytes, r.rss_held_bytes);

  // A document whose histogram contradicts itself is refused with the reason.
  nlohmann::json bad = doc;
  bad["latency"]["count"] = 999;
  EXPECT_NE(LoadResultFromJson(bad, &back).message().find("latency.count"), std::string::npos);
  bad = doc;
  bad["latency"]["buckets"][0][1] = 0;
  EXPECT_NE(LoadResultFromJson(bad, &back).message().find("count of 0"), std::string::npos);
  bad = doc;
  bad.erase("wall_ns");
  EXPECT_NE(LoadResultFromJson(bad, &back).message().find("wall_ns"), std::string::npos);
}

}  // namespace
}  // namespace duet
