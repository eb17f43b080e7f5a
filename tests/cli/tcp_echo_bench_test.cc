// bench/tcp_echo.py at a tiny size: every server (asyncio Protocol and streams in duet, uvloop and
// stock python3; node:net in duet and node) echoes every byte and reports the loop it ran on; with
// `--client duet` the built-in load generator drives them and latency percentiles are added.
#include <gtest/gtest.h>

#include <map>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

TEST(TcpEchoBenchTest, EveryServerEchoesEveryByteAndTheRatiosArePrinted) {
  std::string json = ::testing::TempDir() + "/tcp-echo-" + std::to_string(getpid()) + ".json";
  std::string command = "/usr/bin/python3 " + std::string(DUET_SOURCE_DIR) + "/bench/tcp_echo.py --duet " +
                        DUET_BINARY + " --rounds 1 --connections 2 --messages 20 --size 1024 --timeout 60 --json " +
                        json + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  nlohmann::json doc = nlohmann::json::parse(Slurp(json));
  ASSERT_EQ(doc["schema"], "duet-tcp-echo/1");
  const std::map<std::string, std::string> loops = {
      {"uvloop-protocol", "uvloop.Loop"}, {"uvloop-streams", "uvloop.Loop"},
      {"stock-protocol", "asyncio.unix_events._UnixSelectorEventLoop"},
      {"stock-streams", "asyncio.unix_events._UnixSelectorEventLoop"}, {"duet-js", "node:net"}, {"node", "node:net"}};
  for (const char* server : {"duet-protocol", "uvloop-protocol", "stock-protocol", "duet-streams", "uvloop-streams",
                             "stock-streams", "duet-js", "node"}) {
    ASSERT_TRUE(doc["rounds"].contains(server)) << server;
    const auto& round = doc["rounds"][server][0];
    EXPECT_EQ(round["bytes"], 2 * 20 * 1024) << server;
    EXPECT_GT(round["per_second"].get<double>(), 0) << server;
    EXPECT_GT(round["cpu_us_per_message"].get<double>(), 0) << server;
    if (loops.count(server)) {
      EXPECT_EQ(round["loop"], loops.at(server)) << server;
    }
  }
  EXPECT_EQ(doc["ratios"].size(), 7u) << doc["ratios"].dump();
}

TEST(TcpEchoBenchTest, DuetLoadAsTheClientAddsLatency) {
  std::string json = ::testing::TempDir() + "/tcp-echo-duet-" + std::to_string(getpid()) + ".json";
  std::string command = "/usr/bin/python3 " + std::string(DUET_SOURCE_DIR) + "/bench/tcp_echo.py --duet " +
                        DUET_BINARY + " --client duet --servers duet-protocol,duet-js --rounds 1 --connections 3 " +
                        "--messages 20 --size 512 --timeout 60 --json " + json + " >/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  nlohmann::json doc = nlohmann::json::parse(Slurp(json));
  EXPECT_EQ(doc["client"], "duet");
  for (const char* server : {"duet-protocol", "duet-js"}) {
    const auto& round = doc["rounds"][server][0];
    EXPECT_EQ(round["bytes"], 3 * 20 * 512) << server;
    EXPECT_GT(round["per_second"].get<double>(), 0) << server;
    EXPECT_GT(round["p50_us"].get<double>(), 0) << server;
    EXPECT_LE(round["p50_us"].get<double>(), round["p99_us"].get<double>()) << server;
    EXPECT_LE(doc["medians"][server]["p50_us"].get<double>(), doc["medians"][server]["p99_us"].get<double>()) << server;
  }
}

}  // namespace
}  // namespace duet::testing
