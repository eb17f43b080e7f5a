// The "load" block of a network pair: validation with reasons, params overriding the block so
// that sizes and --param scale the traffic, and a web test's response check and pipelining.
#include "harness/network_run.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

TEST(NetworkRunTest, ParamsOverrideTheLoadBlock) {
  nlohmann::json load = {{"mode", "http"}, {"connections", 4}, {"requests", 100}, {"duration", 5}, {"path", "/x"}};
  LoadOptions options;
  ASSERT_TRUE(ResolveLoadOptions(load, {{"connections", 16}, {"unrelated", "kept out"}}, &options).ok());
  EXPECT_EQ(options.mode, LoadMode::kHttp);
  EXPECT_EQ(options.connections, 16);
  EXPECT_EQ(options.requests, 100u);
  EXPECT_EQ(options.duration_s, 5);
  EXPECT_EQ(options.path, "/x");
}

TEST(NetworkRunTest, BadBlocksAndParamsAreRefusedWithTheKeyNamed) {
  LoadOptions options;
  auto message = [&](const nlohmann::json& load, const nlohmann::json& params) {
    Status s = ResolveLoadOptions(load, params, &options);
    EXPECT_FALSE(s.ok()) << load.dump() << " " << params.dump();
    return s.message();
  };
  EXPECT_NE(message({{"mode", "udp"}}, {}).find("\"mode\""), std::string::npos);
  EXPECT_NE(message({{"mode", "echo"}, {"conections", 2}}, {}).find("unknown key \"conections\""), std::string::npos);
  EXPECT_NE(message({{"mode", "echo"}, {"connections", 0}}, {}).find("\"connections\""), std::string::npos);
  EXPECT_NE(message({{"mode", "echo"}}, {{"message_size", 1.5}}).find("param \"message_size\""), std::string::npos);
  EXPECT_NE(message({{"mode", "echo"}, {"duration", "long"}}, {}).find("\"duration\""), std::string::npos);
}

TEST(NetworkRunTest, AWebTestsBlockGetsItsResponseCheckAndPipelining) {
  nlohmann::json load = {{"mode", "http"}, {"path", "/queries?queries=7"}, {"check", "queries"}, {"pipeline", 4}};
  LoadOptions options;
  ASSERT_TRUE(ResolveLoadOptions(load, {}, &options).ok());
  EXPECT_EQ(options.pipeline, 4);
  ASSERT_TRUE(static_cast<bool>(options.check));
  // The check wants exactly the 7 worlds the target asks for.
  HttpResponse response;
  response.status = 200;
  response.headers = {{"server", "x"}, {"date", "now"}, {"content-type", "application/json"}};
  response.body = R"([{"id": 1, "randomNumber": 2}])";
  EXPECT_NE(options.check(response).message().find("an array of 7 worlds"), std::string::npos) << options.check(response).message();
  EXPECT_EQ(ResolveWebLoad(load, {{"db", "postgresql:///x"}}).db_url, "postgresql:///x");
  EXPECT_EQ(ResolveWebLoad(load, {}).test, "queries");
  EXPECT_TRUE(ResolveWebLoad({{"mode", "http"}}, {{"db", "postgresql:///x"}}).test.empty());

  auto refused = [&](const nlohmann::json& block) {
    Status s = ResolveLoadOptions(block, {}, &options);
    EXPECT_FALSE(s.ok()) << block.dump();
    return s.message();
  };
  EXPECT_NE(refused({{"mode", "http"}, {"check", "jsn"}}).find("unknown TechEmpower test \"jsn\""), std::string::npos);
  EXPECT_NE(refused({{"mode", "echo"}, {"check", "json"}}).find("for mode \"http\""), std::string::npos);
  EXPECT_NE(refused({{"mode", "http"}, {"pipeline", 65}}).find("\"pipeline\""), std::string::npos);
  EXPECT_NE(refused({{"mode", "echo"}, {"pipeline", 2}}).find("--pipeline is for --mode http"), std::string::npos);
}

}  // namespace
}  // namespace duet
