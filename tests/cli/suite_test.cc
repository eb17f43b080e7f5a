// The bundled workload suite: every pair agrees across runtimes at the tiny size, the cpu
// category runs unmodified in standalone node and python3 with the same results as in duet, and
// the ecosystem pairs whose JS twin needs npm packages agree under node 18 and python3 (they stay
// out of the default suite until Node is duet's harness).
#include <gtest/gtest.h>

#include <algorithm>
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

// Runs a standalone driver over `folders` (under workloads/) and returns name -> result.
std::map<std::string, nlohmann::json> Standalone(const std::string& runner, const std::string& driver,
                                                 const std::string& folders = "cpu") {
  std::string path = ::testing::TempDir() + "/standalone-" + std::to_string(getpid()) + ".json";
  std::string roots;
  for (size_t start = 0; start < folders.size();) {
    size_t end = std::min(folders.find(' ', start), folders.size());
    roots += " " + kWorkloads + "/" + folders.substr(start, end - start);
    start = end + 1;
  }
  std::string command = runner + " " + std::string(DUET_SOURCE_DIR) + "/tools/standalone/" + driver + roots +
                        " --size tiny --runs 1 --warmup 0 --json " + path + " 2>/dev/null";
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

const char* const kNeedNode = "ecosystem/group-by ecosystem/csv-read ecosystem/numeric";

TEST(SuiteTest, EcosystemTwinsThatNeedNpmAgreeUnderNode18AndPython3) {
  // Both drivers verify() each result against the known values; the two sides must also agree.
  auto js = Standalone(DUET_NODE_BASELINE, "driver.mjs", kNeedNode);
  auto py = Standalone("/usr/bin/python3", "driver.py", kNeedNode);
  ASSERT_EQ(js.size(), 3u);
  ASSERT_EQ(py.size(), 3u);
  for (const char* name : {"group-by", "csv-read", "numeric"}) {
    EXPECT_FALSE(js[name].is_null()) << name;
    EXPECT_EQ(js[name], py[name]) << name;
  }
}

TEST(SuiteTest, TheRunRecordsTheBlasNumpyLoaded) {
  auto [outcome, doc] = DuetJson("run " + kWorkloads + "/ecosystem/sort --size tiny --runs 1 --warmup 0");
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  const nlohmann::json& blas = doc["environment"]["blas"];
  // The bootstrap installs Debian's OpenBLAS, which numpy then loads instead of the reference BLAS.
  ASSERT_TRUE(blas.is_object()) << doc["environment"].dump(2);
  EXPECT_EQ(blas["library"], "openblas") << blas.dump();
  EXPECT_FALSE(blas["core"].get<std::string>().empty()) << blas.dump();
  EXPECT_EQ(blas["coretype_env"].is_null(), std::getenv("OPENBLAS_CORETYPE") == nullptr) << blas.dump();
}

}  // namespace
}  // namespace duet::testing
