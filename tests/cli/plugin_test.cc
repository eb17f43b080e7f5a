// Plugins through the command line: the example plugin (examples/plugin, built by the
// ExamplePluginBuilds fixture with its own CMake file) loaded by `duet --plugin` in exec and
// run, and the errors for a plugin of another ABI, a library that is no plugin, a missing file.
#include <gtest/gtest.h>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(DUET_TEST_FIXTURES) / "plugin";
const std::string kExample = DUET_EXAMPLE_PLUGIN;

const char* const kExpectedLines =
    "hypot 5.0\n"
    "gcd 6 2\n"
    "is_even False True\n"
    "shout PLUGIN!\n"
    "xor_bytes 0,3,254\n"
    "RuntimeError: fail(): boom\n"
    "ValueError: gcd(): gcd(0, 0) is undefined\n"
    "TypeError: gcd() takes 2 argument(s) (a, b), got 1\n"
    "TypeError: shout(): argument 1 (text) must be str\n";

TEST(PluginTest, TheExamplePluginWorksFromJavaScript) {
  Outcome o = Duet("--plugin " + kExample + " exec " + (kFixtures / "use_example.mjs").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, kExpectedLines);
}

TEST(PluginTest, TheExamplePluginWorksFromPython) {
  Outcome o = Duet("--plugin " + kExample + " exec " + (kFixtures / "use_example.py").string());
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_EQ(o.out, kExpectedLines);
}

TEST(PluginTest, WorkloadsOfARunCanUseAPlugin) {
  auto [o, doc] = DuetJson("--plugin " + kExample + " run " + (kFixtures / "workloads").string());
  ASSERT_EQ(o.exit_code, 0) << o.err;
  ASSERT_EQ(doc["workloads"].size(), 1u);
  const auto& w = doc["workloads"][0];
  EXPECT_EQ(w["results_match"], true);
  EXPECT_EQ(w["runtimes"]["v8"]["result"]["total"], 520);  // sum of gcd(i, 100), i = 1..100
}

TEST(PluginTest, WithoutThePluginItsModuleIsMissing) {
  Outcome o = Duet("exec " + (kFixtures / "use_example.py").string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("example"), std::string::npos) << o.err;
}

TEST(PluginTest, AnotherAbiVersionIsAClearErrorNamingTheFileAndBothVersions) {
  Outcome o = Duet("--plugin " + std::string(DUET_ABI_MISMATCH_PLUGIN) + " exec " + (kFixtures / "use_example.mjs").string());
  EXPECT_EQ(o.exit_code, 1) << o.err;  // an error, not a crash (which would be 128 + signal)
  EXPECT_NE(o.err.find(DUET_ABI_MISMATCH_PLUGIN), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("built for duet plugin ABI 999"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("this duet speaks plugin ABI 1"), std::string::npos) << o.err;
  EXPECT_EQ(o.out, "");
}

TEST(PluginTest, ALibraryWithoutTheEntryPointIsNotAPlugin) {
  Outcome o = Duet("--plugin " + std::string(DUET_NO_ENTRY_PLUGIN) + " exec " + (kFixtures / "use_example.mjs").string());
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("not a duet plugin (it does not export duet_plugin_entry)"), std::string::npos) << o.err;
}

TEST(PluginTest, AMissingFileIsAnError) {
  Outcome o = Duet("--plugin /nonexistent/libnothing.so exec " + (kFixtures / "use_example.mjs").string());
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("cannot load plugin: /nonexistent/libnothing.so"), std::string::npos) << o.err;
}

TEST(PluginTest, APluginCannotReplaceABuiltinModule) {
  // Loading the same plugin twice registers 'example' twice.
  Outcome o = Duet("--plugin " + kExample + " --plugin " + kExample + " exec " + (kFixtures / "use_example.mjs").string());
  EXPECT_EQ(o.exit_code, 1) << o.err;
  EXPECT_NE(o.err.find("a binding module named 'example' is already registered"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace duet::testing
