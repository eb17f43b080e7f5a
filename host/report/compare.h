// `duet compare A B`: per workload and runtime, how run B's wall times differ from run A's, with
// a Mann-Whitney U test and a bootstrap interval of the ratio of medians; regressions beyond a
// threshold are flagged so CI can fail on them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/harness.h"
#include "harness/statistics.h"

namespace duet {

struct CompareOptions {
  double threshold = 0.05;  // relative change of the median that counts (0.05 = 5%)
  double alpha = 0.05;      // significance level of the Mann-Whitney U test
};

struct Change {
  enum class Verdict { kRegression, kImprovement, kUnchanged, kNewFailure, kNotCompared };
  std::string workload;  // category/name
  std::optional<RuntimeId> runtime;  // none: the workload as a whole (only in A or B)
  size_t count_a = 0, count_b = 0;
  double median_a = 0, median_b = 0;
  RatioEstimate ratio;  // median B / median A with its 95% bootstrap interval
  MannWhitney test;
  Verdict verdict = Verdict::kNotCompared;
  std::string note;  // why a pair was not compared ("only in A", "failed in A", ...)
};

// Pairs the workloads of A and B by category/name, each runtime on its own. A change is a
// regression when the test rejects "same distribution" at `alpha` and B's median is more than
// `threshold` above A's (an improvement: more than `threshold` below). A workload that ran in A
// but fails in B is a new failure.
std::vector<Change> CompareRuns(const std::vector<WorkloadResult>& a, const std::vector<WorkloadResult>& b,
                                const CompareOptions& options);
// Regressions and new failures: what --fail-on-regression fails on.
size_t CountRegressions(const std::vector<Change>& changes);
// The aligned table with a closing summary line.
std::string FormatComparison(const std::vector<Change>& changes, const CompareOptions& options);
// {"schema": "duet-compare/1", "threshold", "alpha", "changes": [...], "regressions": N}.
nlohmann::json ComparisonJson(const std::vector<Change>& changes, const CompareOptions& options);

}  // namespace duet
