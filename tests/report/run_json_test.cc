// Reading duet-run/1 documents back: runtime keys go through core/runtime_id.h's table, so a key
// duet never writes is an error, and the runtimes come back in session order whatever the file's.
#include <gtest/gtest.h>

#include "report/json_report.h"

namespace duet {
namespace {

nlohmann::json Doc(const nlohmann::json& runtimes) {
  return {{"schema", kRunSchema},
          {"workloads", {{{"name", "fib"}, {"category", "cpu"}, {"runtimes", runtimes}}}}};
}

nlohmann::json Side(uint64_t sample_ns) { return {{"samples_ns", {sample_ns}}, {"cpu_samples_ns", {sample_ns}}}; }

TEST(RunJsonTest, RuntimesComeBackInSessionOrder) {
  SessionRecord session;
  std::vector<WorkloadResult> results;
  // nlohmann sorts object keys, so "cpython" is first in the file.
  Status read = ResultsFromRunJson(Doc({{"cpython", Side(30)}, {"v8", Side(10)}}), &session, &results);
  ASSERT_TRUE(read.ok()) << read.ToString();
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(results[0].runtimes.size(), 2u);
  EXPECT_EQ(results[0].runtimes[0].runtime, RuntimeId::kV8);
  EXPECT_EQ(results[0].runtimes[1].runtime, RuntimeId::kCPython);
  ASSERT_NE(results[0].Find(RuntimeId::kCPython), nullptr);
  EXPECT_EQ(results[0].Find(RuntimeId::kCPython)->samples.MedianWallNs(), 30u);
}

TEST(RunJsonTest, OneRuntimeAlone) {
  SessionRecord session;
  std::vector<WorkloadResult> results;
  ASSERT_TRUE(ResultsFromRunJson(Doc({{"cpython", Side(30)}}), &session, &results).ok());
  ASSERT_EQ(results[0].runtimes.size(), 1u);
  EXPECT_EQ(results[0].Find(RuntimeId::kV8), nullptr);
  EXPECT_NE(results[0].Find(RuntimeId::kCPython), nullptr);
}

TEST(RunJsonTest, AnUnknownRuntimeIsAnError) {
  SessionRecord session;
  std::vector<WorkloadResult> results;
  Status read = ResultsFromRunJson(Doc({{"v8", Side(10)}, {"pypy", Side(20)}}), &session, &results);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.message().find("unknown runtime \"pypy\""), std::string::npos) << read.ToString();
  EXPECT_NE(read.message().find("cpu/fib"), std::string::npos) << read.ToString();
}

// A workload's error names its runtime by the same table; the pair's own error names none.
TEST(RunJsonTest, AWorkloadErrorsRuntimeIsReadThroughTheTable) {
  SessionRecord session;
  std::vector<WorkloadResult> results;
  nlohmann::json doc = Doc({{"v8", Side(10)}, {"cpython", Side(20)}});
  doc["workloads"][0]["error"] = {{"runtime", "cpython"}, {"message", "boom"}};
  ASSERT_TRUE(ResultsFromRunJson(doc, &session, &results).ok());
  EXPECT_EQ(results[0].error_runtime, RuntimeId::kCPython);
  EXPECT_EQ(RunJson(session, results)["workloads"][0]["error"]["runtime"], "cpython");

  doc["workloads"][0]["error"] = {{"runtime", nullptr}, {"message", "results differ"}};
  results.clear();
  ASSERT_TRUE(ResultsFromRunJson(doc, &session, &results).ok());
  EXPECT_FALSE(results[0].error_runtime.has_value());

  doc["workloads"][0]["error"]["runtime"] = "pypy";
  results.clear();
  Status read = ResultsFromRunJson(doc, &session, &results);
  EXPECT_NE(read.message().find("unknown runtime \"pypy\""), std::string::npos) << read.ToString();
}

}  // namespace
}  // namespace duet
