// `duet load` end to end: against echo servers running in duet's own runtimes (the benchmark's
// node:net and asyncio servers, started with `duet exec`), checked against what the server counted;
// plus the errors a user sees for refused connections and non-loopback hosts.
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

// A server started with `duet exec ARGS` that prints {"port": P} and, once its expected connections
// have closed, one more JSON line with what it served.
class ExecServer {
 public:
  explicit ExecServer(const std::string& args)
      : pipe_(popen((std::string(DUET_BINARY) + " exec " + args).c_str(), "r"), pclose) {}
  int port() { return ReadLine().value("port", 0); }
  nlohmann::json ReadLine() {
    char line[4096];
    if (pipe_ == nullptr || fgets(line, sizeof(line), pipe_.get()) == nullptr) return nlohmann::json::object();
    return nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  }

 private:
  std::unique_ptr<FILE, int (*)(FILE*)> pipe_;
};

void ExpectLoadAgainst(const std::string& server_args) {
  ExecServer server(server_args);
  int port = server.port();
  ASSERT_GT(port, 0) << server_args;
  auto [outcome, doc] = DuetJson("load --port " + std::to_string(port) + " --connections 3 --requests 300 --size 64");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err << outcome.out;
  EXPECT_NE(outcome.out.find("300 completed"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("p99.9"), std::string::npos) << outcome.out;
  ASSERT_TRUE(doc.is_object()) << outcome.out;
  EXPECT_EQ(doc["schema"], "duet-load/1");
  EXPECT_EQ(doc["completed"], 300);
  EXPECT_EQ(doc["unfinished"], 0);
  EXPECT_EQ(doc["errors"]["total"], 0);
  EXPECT_EQ(doc["stopped_by"], "requests");
  EXPECT_EQ(doc["target"]["mode"], "echo");
  EXPECT_EQ(doc["bytes"]["sent"], 300 * 64);
  EXPECT_EQ(doc["bytes"]["received"], 300 * 64);
  const auto& latency = doc["latency"];
  EXPECT_EQ(latency["count"], 300);
  EXPECT_LE(latency["min_ns"], latency["p50_ns"]);
  EXPECT_LE(latency["p50_ns"], latency["p90_ns"]);
  EXPECT_LE(latency["p90_ns"], latency["p99_ns"]);
  EXPECT_LE(latency["p99_ns"], latency["p99_9_ns"]);
  EXPECT_LE(latency["p99_9_ns"], latency["max_ns"]);
  EXPECT_GT(doc["throughput_per_s"].get<double>(), 0);
  // The server's own count: every byte the generator sent was echoed once.
  nlohmann::json served = server.ReadLine();
  EXPECT_EQ(served.value("bytes", -1), 300 * 64) << served.dump();
}

TEST(LoadCommandTest, DrivesANodeNetServerInDuet) {
  ExpectLoadAgainst(std::string(DUET_SOURCE_DIR) + "/bench/tcp_echo/server.mjs 3");
}

TEST(LoadCommandTest, DrivesAnAsyncioServerInDuet) {
  ExpectLoadAgainst(std::string(DUET_SOURCE_DIR) + "/bench/tcp_echo/server.py protocol 3");
}

// --hold with stdin at its end (/dev/null): `held N` first, then released at once; the server
// counted every connection and its one echo.
TEST(LoadCommandTest, IdleModeHoldsEveryConnectionUntilStdinEnds) {
  ExecServer server(std::string(DUET_SOURCE_DIR) + "/bench/tcp_echo/server.mjs 5");
  int port = server.port();
  ASSERT_GT(port, 0);
  auto [outcome, doc] = DuetJson("load --mode idle --hold --size 16 --connections 5 --port " + std::to_string(port) +
                                 " </dev/null");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err << outcome.out;
  EXPECT_EQ(outcome.out.rfind("held 5\n", 0), 0u) << outcome.out;
  EXPECT_NE(outcome.out.find("idle after one 16 B echo each"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("B per connection"), std::string::npos) << outcome.out;
  ASSERT_TRUE(doc.is_object()) << outcome.out;
  EXPECT_EQ(doc["target"]["mode"], "idle");
  EXPECT_EQ(doc["options"]["size"], 16);
  EXPECT_EQ(doc["completed"], 5);
  EXPECT_EQ(doc["errors"]["total"], 0);
  EXPECT_EQ(doc["latency"]["count"], 5);
  EXPECT_GE(doc["latency"]["buckets"].size(), 1u);
  EXPECT_GT(doc["rss"]["held_bytes"].get<uint64_t>(), 0u);
  nlohmann::json served = server.ReadLine();
  EXPECT_EQ(served.value("bytes", -1), 5 * 16) << served.dump();
}

TEST(LoadCommandTest, RefusedConnectionsAreReportedAndFail) {
  // A port bound but not listening refuses connections, and no other process can take it meanwhile.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  auto [outcome, doc] = DuetJson("load --port " + std::to_string(ntohs(addr.sin_port)) + " --connections 2 --duration 5");
  close(fd);
  EXPECT_EQ(outcome.exit_code, 1) << outcome.err;
  ASSERT_TRUE(doc.is_object()) << outcome.err;
  EXPECT_EQ(doc["errors"]["by_kind"]["ECONNREFUSED"], 2);
  EXPECT_EQ(doc["stopped_by"], "connections");
  EXPECT_EQ(doc["completed"], 0);
  EXPECT_NE(outcome.out.find("ECONNREFUSED 2"), std::string::npos) << outcome.out;
}

TEST(LoadCommandTest, NonLoopbackHostsAreAUsageError) {
  Outcome outcome = Duet("load --port 80 --host 192.0.2.1");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("not a loopback address"), std::string::npos) << outcome.err;
  outcome = Duet("load --port 80 --mode ftp");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("--mode"), std::string::npos) << outcome.err;
  outcome = Duet("load --port 80 --hold");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("--hold is for --mode idle"), std::string::npos) << outcome.err;
}

}  // namespace
}  // namespace duet::testing
