// Node's semantics checked: the same small programs run in standalone node (Debian's node 18,
// the same V8, when the bootstrap unpacked it) and in `duet exec`, and must print the same.
#include <gtest/gtest.h>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kPrograms = std::filesystem::path(DUET_TEST_FIXTURES) / "node_compat";

class NodeCompatTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NodeCompatTest, PrintsWhatNodePrints) {
  std::string args = (kPrograms / GetParam()).string() + " " + ::testing::TempDir();
  Outcome node = NodeBaseline(args);
  Outcome duet = Duet("exec " + args);
  EXPECT_EQ(duet.exit_code, node.exit_code) << duet.err;
  EXPECT_EQ(duet.out, node.out) << "node stderr: " << node.err << "\nduet stderr: " << duet.err;
  EXPECT_FALSE(node.out.empty());
}

INSTANTIATE_TEST_SUITE_P(Programs, NodeCompatTest,
                         ::testing::Values("ordering.mjs", "timers_promises.mjs", "events.mjs", "fs_promises.mjs",
                                           "process_and_text.mjs", "modules/main.cjs", "modules/esm_imports_cjs.mjs",
                                           "net_echo.mjs", "net_errors.mjs", "net_reset.mjs",
                                           "../realworld/benchmark_suite.js"),
                         [](const auto& info) { return ParamName(info.param); });

TEST(NodeCompatUncaught, AnExceptionInATimerEndsTheProgramWithItsLocation) {
  std::string program = (kPrograms / "uncaught.mjs").string();
  Outcome node = NodeBaseline(program);
  Outcome duet = Duet("exec " + program);
  EXPECT_EQ(node.exit_code, 1);
  EXPECT_EQ(duet.exit_code, 1);
  EXPECT_EQ(duet.out, node.out);  // nothing: the second timer never runs
  EXPECT_NE(duet.err.find("uncaught.mjs:3"), std::string::npos) << duet.err;
  EXPECT_NE(duet.err.find("thrown from a timer"), std::string::npos) << duet.err;
}

}  // namespace
}  // namespace duet::testing
