// Ordinary Node programs (tests/fixtures/realworld/programs: core modules, and express, fastify
// and ws from the npm lockfile) run under `duet exec` and under Debian's node 18: the same
// stdout, the same exit code, and the same stderr but for the frame that starts the main module.
#include <gtest/gtest.h>

#include <regex>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kPrograms = std::filesystem::path(DUET_TEST_FIXTURES) / "realworld" / "programs";

// The one line node and duet print differently (README, "What differs from node"): node's main
// starts in node:internal/main/run_main_module, duet's in duet:exec_main. Process ids differ too.
std::string Normalised(const std::string& err) {
  std::string text = std::regex_replace(err, std::regex(R"(\n\s+at (node:internal/main/run_main_module|duet:exec_main):\d+:\d+)"), "\n    at <main>");
  return std::regex_replace(text, std::regex(R"(\((node|duet):\d+\))"), "(pid)");
}

class NodeProgramsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NodeProgramsTest, RunAsNodeRunsThem) {
  std::string program = (kPrograms / GetParam()).string();
  Outcome node = NodeBaseline(program);
  Outcome duet = Duet("exec " + program + " </dev/null");
  EXPECT_EQ(duet.exit_code, node.exit_code) << duet.err;
  EXPECT_EQ(duet.out, node.out) << "node stderr: " << node.err << "\nduet stderr: " << duet.err;
  EXPECT_EQ(Normalised(duet.err), Normalised(node.err));
  EXPECT_FALSE(node.out.empty());
}

INSTANTIATE_TEST_SUITE_P(Corpus, NodeProgramsTest,
                         ::testing::Values("express_app.js", "fastify_app.js", "ws_echo.js", "http_keepalive.js",
                                           "zlib_pipeline.js", "child_process.js", "worker_atomics.js",
                                           "fs_path_os_util.js", "url_abort.js", "crypto_buffer.js", "dns_lookup.js",
                                           "signals.js", "uncaught_exception.js", "unhandled_rejection.mjs",
                                           "exit_codes.js", "cluster_workers.js", "stdout_stream.js"),
                         [](const auto& info) { return ParamName(info.param); });

// What child_process.fork and cluster run: `duet [node options] FILE ARGS`, no subcommand.
TEST(NodeCommandLine, DuetWithNodeOptionsAndAFileIsNode) {
  std::string program = (kPrograms / "exit_codes.js").string();
  Outcome node = NodeBaseline("--max-old-space-size=64 --no-warnings " + program);
  Outcome duet = Duet("--max-old-space-size=64 --no-warnings " + program);
  EXPECT_EQ(duet.exit_code, 9);
  EXPECT_EQ(duet.exit_code, node.exit_code);
  EXPECT_EQ(duet.out, node.out);
}

TEST(NodeCommandLine, EvalAndPrintTakeNodesOwnPath) {
  Outcome duet = Duet("-p \"process.execArgv.length + ':' + require('path').join('a', 'b')\"");
  EXPECT_EQ(duet.exit_code, 0) << duet.err;
  EXPECT_EQ(duet.out, "2:a/b\n");
}

TEST(NodeCommandLine, BadNodeOptionsAreNodesUsageError) {
  Outcome node = NodeBaseline("--no-such-node-option " + (kPrograms / "exit_codes.js").string());
  Outcome duet = Duet("--no-such-node-option " + (kPrograms / "exit_codes.js").string());
  EXPECT_EQ(duet.exit_code, node.exit_code);
  EXPECT_NE(duet.err.find("bad option: --no-such-node-option"), std::string::npos) << duet.err;
}

// --node-options and NODE_OPTIONS reach Node; --v8-flags too, as node passes V8 options on.
TEST(NodeCommandLine, NodeOptionsV8FlagsAndNodeOptionsEnvReachNode) {
  std::string probe = ::testing::TempDir() + "/exec-argv-probe.js";
  std::ofstream(probe) << "console.log(JSON.stringify(process.execArgv), typeof gc, "
                          "require('v8').getHeapStatistics().heap_size_limit < 200 * 1024 * 1024);\n";
  Outcome flagged = Duet("--v8-flags=--expose-gc --node-options='--max-old-space-size=100' exec " + probe);
  EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
  EXPECT_EQ(flagged.out, "[\"--expose-gc\",\"--max-old-space-size=100\"] function true\n");
  setenv("NODE_OPTIONS", "--max-old-space-size=100", 1);  // duet inherits it through the shell
  Outcome from_env = Duet("exec " + probe);
  unsetenv("NODE_OPTIONS");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_EQ(from_env.out, "[] undefined true\n");
}

}  // namespace
}  // namespace duet::testing
