// The "load" block of a network pair: validation with reasons, and params overriding the block so
// that sizes and --param scale the traffic.
#include "bench/network_run.h"

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

}  // namespace
}  // namespace duet
