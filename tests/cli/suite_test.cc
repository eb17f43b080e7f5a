// The bundled workload suite: every pair agrees across runtimes at the tiny size, and the cpu
// category runs unmodified in standalone node and python3 with the same results as in duet.
#include <gtest/gtest.h>

#include <map>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

const std::string kWorkloads = std::string(DUET_SOURCE_DIR) + "/workloads";

TEST(SuiteTest, EveryPairAgreesAcrossRuntimesAtTheTinySize) {
  auto [outcome, doc] = DuetJson("run " + kWorkloads + " --size tiny --runs 1 --warmup 0");
  EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
  ASSERT_TRUE(doc.is_object()) << outcome.err;
  EXPECT_GE(doc["workloads"].size(), 24u);
  for (const auto& w : doc["workloads"]) {
    std::string id = w["category"].get<std::string>() + "/" + w["name"].get<std::string>();
    EXPECT_TRUE(w["error"].is_null()) << id << ": " << w["error"].dump();
    EXPECT_EQ(w["results_match"], true) << id;
    for (const char* rt : {"v8", "cpython"}) EXPECT_EQ(w["runtimes"][rt]["verified"], true) << id << " " << rt;
    EXPECT_FALSE(w["claim"].get<std::string>().empty()) << id;
  }
}

// Runs a standalone driver over the cpu category and returns name -> result.
std::map<std::string, nlohmann::json> Standalone(const std::string& runner, const std::string& driver) {
  std::string path = ::testing::TempDir() + "/standalone-" + std::to_string(getpid()) + ".json";
  std::string command = runner + " " + std::string(DUET_SOURCE_DIR) + "/tools/standalone/" + driver + " " + kWorkloads +
                        "/cpu --size tiny --runs 1 --warmup 0 --json " + path + " 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::map<std::string, nlohmann::json> results;
  nlohmann::json doc = nlohmann::json::parse(Slurp(path), nullptr, false);
  if (doc.is_discarded()) return results;
  for (const auto& w : doc["workloads"]) {
    for (const auto& [runtime, lane] : w["runtimes"].items()) results[w["name"]] = lane["result"];
  }
  return results;
}

TEST(SuiteTest, TheCpuCategoryRunsUnmodifiedInStandaloneNodeAndPython) {
  auto [outcome, doc] = DuetJson("run " + kWorkloads + "/cpu --size tiny --runs 1 --warmup 0");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.out;
  auto node = Standalone(DUET_NODE_BASELINE, "driver.mjs");
  auto python = Standalone("/usr/bin/python3", "driver.py");
  ASSERT_EQ(node.size(), doc["workloads"].size());
  ASSERT_EQ(python.size(), doc["workloads"].size());
  for (const auto& w : doc["workloads"]) {
    std::string name = w["name"];
    EXPECT_EQ(node[name], w["runtimes"]["v8"]["result"]) << name;
    EXPECT_EQ(python[name], w["runtimes"]["cpython"]["result"]) << name;
  }
}

}  // namespace
}  // namespace duet::testing
