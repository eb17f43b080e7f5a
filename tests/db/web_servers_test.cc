// Every server of workloads/web, run standalone as a reader would run it (Debian's node 18,
// /usr/bin/python3) against TechEmpower's database in a private PostgreSQL, passes the response
// checks of all six test types, updates included, read back from the database.
#include <chrono>
#include <cstdio>
#include <ostream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "db/postgres_fixture.h"
#include "db/server_process.h"
#include "load/load_generator.h"
#include "load/techempower_check.h"

namespace duet::testing {
namespace {

struct WebServer {
  const char* name;
  const char* command;  // run in workloads/web, with the database URL appended
};

void PrintTo(const WebServer& server, std::ostream* out) { *out << server.name; }

class WebServerTest : public TechEmpowerTest, public ::testing::WithParamInterface<WebServer> {};

TEST_P(WebServerTest, PassesTheChecksOfAllSixTestTypes) {
  ServerProcess server;
  std::string error;
  std::string command = std::string(GetParam().command) + " --db '" + db_->app_url() + "'";
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(server.Start(command, DUET_WEB_DIR, std::chrono::seconds(30), &error)) << error;
  auto listening = std::chrono::steady_clock::now();
  TechEmpowerCheckOptions options;
  options.db = admin_.get();
  std::vector<TechEmpowerCheck> checks = CheckTechEmpowerServer(server.port(), options);
  std::set<std::string> tests;
  for (const TechEmpowerCheck& check : checks) {
    tests.insert(check.test);
    EXPECT_TRUE(check.status.ok()) << GetParam().name << " " << check.target << ": " << check.status.ToString();
  }
  EXPECT_EQ(tests, (std::set<std::string>{"json", "db", "queries", "fortunes", "updates", "plaintext"}));
  server.Stop();
  if (HasFailure()) std::printf("%s's stderr:\n%s\n", GetParam().name, server.Stderr().c_str());
  std::printf("%s: listening after %lld ms\n", GetParam().name,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(listening - started).count()));
}

#define NODE18 DUET_NODE_BASELINE " js/"
#define PYTHON "env PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 py/"
INSTANTIATE_TEST_SUITE_P(Web, WebServerTest,
                         ::testing::Values(WebServer{"node_http", NODE18 "node-http.js"},
                                           WebServer{"express", NODE18 "express.js"},
                                           WebServer{"fastify", NODE18 "fastify.js"},
                                           WebServer{"nest", NODE18 "nest.js"},
                                           WebServer{"aiohttp", PYTHON "aiohttp_server.py"},
                                           WebServer{"starlette", PYTHON "starlette_server.py"},
                                           WebServer{"fastapi", PYTHON "fastapi_server.py"},
                                           WebServer{"flask", PYTHON "flask_server.py"},
                                           WebServer{"django", PYTHON "django_server.py"}),
                         [](const auto& info) { return std::string(info.param.name); });

// The WebSocket room of the two servers that have one (ws on node:http, aiohttp), standalone:
// every message reaches every member, in each sender's order, through duet's load generator.
class WebRoomTest : public TechEmpowerTest, public ::testing::WithParamInterface<WebServer> {};

TEST_P(WebRoomTest, DeliversEveryMessageToEveryMember) {
  ServerProcess server;
  std::string error;
  std::string command = std::string(GetParam().command) + " --db '" + db_->app_url() + "'";
  ASSERT_TRUE(server.Start(command, DUET_WEB_DIR, std::chrono::seconds(30), &error)) << error;
  LoadOptions options;
  options.mode = LoadMode::kRoom;
  options.port = server.port();
  options.path = "/room";
  options.connections = 4;
  options.requests = 200;
  options.size = 100;
  options.duration_s = 30;
  options.timeout_s = 10;
  LoadResult result;
  ASSERT_TRUE(RunLoad(options, &result).ok());
  EXPECT_EQ(result.error_count(), 0u) << result.first_bad_response;
  EXPECT_EQ(result.messages, 200u);
  EXPECT_EQ(result.completed, 800u);  // 200 messages, each to all 4 members
  EXPECT_EQ(result.latency.count(), 800u);
  EXPECT_EQ(result.unfinished, 0u);
  EXPECT_EQ(result.stopped_by, StopReason::kRequests);
  server.Stop();
  if (HasFailure()) std::printf("%s's stderr:\n%s\n", GetParam().name, server.Stderr().c_str());
}

INSTANTIATE_TEST_SUITE_P(Web, WebRoomTest,
                         ::testing::Values(WebServer{"node_http", NODE18 "node-http.js"},
                                           WebServer{"aiohttp", PYTHON "aiohttp_server.py"}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace duet::testing
