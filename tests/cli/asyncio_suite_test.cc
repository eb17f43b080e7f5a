// tools/asyncio_suite.py, CPython's test_asyncio runner, inside duet: it runs the policy's loop in
// place of the selector classes, and its expectations file decides what is a regression.
#include <gtest/gtest.h>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::string kSuite = "exec " + std::string(DUET_SOURCE_DIR) + "/tools/asyncio_suite.py";
// Sleeps 0.4 s in time.sleep() after its loop is closed, so a 0.3 s --timeout interrupts it on any loop.
const std::string kSlowTest = "test.test_asyncio.test_events.PolicyLoopEventLoopTests.test_run_in_executor_cancel";

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name + "-" + std::to_string(getpid());
  std::ofstream(path) << text;
  return path;
}

TEST(AsyncioSuiteTest, ListsThePolicyLoopClassesInsteadOfTheSelectorOnes) {
  Outcome outcome = Duet(kSuite + " events sock_lowlevel --list");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  for (const char* cls : {"test_events.PolicyLoopEventLoopTests.test_create_server", "test_events.PolicyLoopUnixAndSubprocessTests.",
                          "test_sock_lowlevel.PolicyLoopSockTests.test_sock_client_ops", "test_events.HandleTests."}) {
    EXPECT_NE(outcome.out.find(cls), std::string::npos) << cls;
  }
  for (const char* cls : {"SelectEventLoopTests", "EPollEventLoopTests", "PollEventLoopTests", "test_futures."}) {
    EXPECT_EQ(outcome.out.find(cls), std::string::npos) << cls;
  }
}

TEST(AsyncioSuiteTest, AnUnlistedFailureIsARegressionAndAListedOneIsAllowed) {
  std::string draft = ::testing::TempDir() + "/asyncio-draft-" + std::to_string(getpid());
  auto [failing, doc] = DuetJson(kSuite + " events -k '" + kSlowTest +
                                 "' --timeout 0.3 --expected /dev/null --write-expected " + draft);
  EXPECT_EQ(failing.exit_code, 1) << failing.out << failing.err;
  ASSERT_TRUE(doc.is_object()) << failing.err;
  EXPECT_EQ(doc["schema"], "duet-asyncio-suite/1");
  EXPECT_EQ(doc["regressions"], nlohmann::json::array({kSlowTest}));
  EXPECT_EQ(doc["modules"]["test_events"]["run"], 1);
  EXPECT_EQ(doc["modules"]["test_events"]["timeouts"], 1);
  EXPECT_NE(failing.out.find("NEW    " + kSlowTest), std::string::npos) << failing.out;

  // The file --write-expected drafted lists it, with the outcome as its reason: now it is allowed.
  std::string listed = Slurp(draft);
  EXPECT_NE(listed.find(kSlowTest + "  # timeout: "), std::string::npos) << listed;
  EXPECT_NE(listed.find("TestTimeout: test still running after 0.3 s"), std::string::npos) << listed;
  auto [allowed, allowed_doc] =
      DuetJson(kSuite + " events -k '" + kSlowTest + "' --timeout 0.3 --expected " + draft);
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_EQ(allowed_doc["modules"]["test_events"]["listed"], 1);
  EXPECT_EQ(allowed_doc["regressions"], nlohmann::json::array());
}

TEST(AsyncioSuiteTest, AListedTestThatPassesIsReportedSoTheListCanShrink) {
  std::string list = WriteFile("asyncio-expected", "# why\n" + kSlowTest + "  # was slow\n");
  auto [outcome, doc] = DuetJson(kSuite + " events -k '" + kSlowTest + "' --expected " + list);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out << outcome.err;
  EXPECT_EQ(doc["modules"]["test_events"]["passed"], 1);
  EXPECT_EQ(doc["now_passing"], nlohmann::json::array({kSlowTest}));
  EXPECT_NE(outcome.out.find("passing now (remove them):\n  " + kSlowTest), std::string::npos) << outcome.out;
}

TEST(AsyncioSuiteTest, AMalformedExpectationsLineNamesFileAndLine) {
  std::string list = WriteFile("asyncio-malformed", "# header\n\nfirst.id second.id  # two ids\n");
  Outcome outcome = Duet(kSuite + " events -k nothing --expected " + list);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find(list + ":3: one test id per line"), std::string::npos) << outcome.err;
}

TEST(AsyncioSuiteTest, RequireLoopRefusesAnotherKindOfLoop) {
  Outcome outcome = Duet(kSuite + " events --require-loop no-such-kind");
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.err.find("not 'no-such-kind'"), std::string::npos) << outcome.err;
}

}  // namespace
}  // namespace duet::testing
