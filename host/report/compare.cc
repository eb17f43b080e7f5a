// Run-to-run comparison; see compare.h. The statistics come from harness/statistics.
#include "report/compare.h"

#include <fmt/format.h>

#include <map>

#include "report/table.h"

namespace duet {
namespace {

const char* VerdictName(Change::Verdict verdict) {
  switch (verdict) {
    case Change::Verdict::kRegression: return "regression";
    case Change::Verdict::kImprovement: return "improvement";
    case Change::Verdict::kUnchanged: return "unchanged";
    case Change::Verdict::kNewFailure: return "new failure";
    case Change::Verdict::kNotCompared: return "not compared";
  }
  return "";
}

Change CompareRuntime(const WorkloadResult& a, const WorkloadResult& b, RuntimeId runtime,
                      const CompareOptions& options) {
  Change change;
  change.workload = a.pair.id();
  change.runtime = runtime;
  const RuntimeResult* ra = a.Find(runtime);
  const RuntimeResult* rb = b.Find(runtime);
  bool usable_a = Quotable(a, ra) && !a.failed();
  bool usable_b = Quotable(b, rb) && !b.failed();
  if (!usable_a || !usable_b) {
    if (usable_a) {
      change.verdict = Change::Verdict::kNewFailure;
      change.note = "failed in B: " + (b.failed() ? b.error.ToString() : "no usable samples");
    } else {
      change.note = usable_b ? "failed in A" : "failed in A and B";
    }
    return change;
  }
  std::vector<double> wall_a = WallTimes(*ra), wall_b = WallTimes(*rb);
  change.count_a = wall_a.size();
  change.count_b = wall_b.size();
  change.median_a = WallSummary(*ra).median;
  change.median_b = WallSummary(*rb).median;
  change.ratio = RatioOfMedians(wall_b, wall_a);
  change.test = MannWhitneyU(wall_a, wall_b);
  bool significant = change.test.p_value < options.alpha;
  if (significant && change.ratio.ratio > 1 + options.threshold) {
    change.verdict = Change::Verdict::kRegression;
  } else if (significant && change.ratio.ratio < 1 - options.threshold) {
    change.verdict = Change::Verdict::kImprovement;
  } else {
    change.verdict = Change::Verdict::kUnchanged;
  }
  return change;
}

Change NotCompared(const std::string& workload, const std::string& note) {
  Change change;
  change.workload = workload;
  change.note = note;
  return change;
}

std::string Percent(double ratio) { return fmt::format("{:+.1f}%", 100 * (ratio - 1)); }

// The runtime column: empty for a workload only one side ran.
std::string RuntimeCell(const Change& c) { return c.runtime ? std::string(RuntimeKey(*c.runtime)) : ""; }

}  // namespace

std::vector<Change> CompareRuns(const std::vector<WorkloadResult>& a, const std::vector<WorkloadResult>& b,
                                const CompareOptions& options) {
  std::map<std::string, const WorkloadResult*> in_b;
  for (const auto& w : b) in_b[w.pair.id()] = &w;
  std::vector<Change> changes;
  for (const auto& wa : a) {
    auto found = in_b.find(wa.pair.id());
    if (found == in_b.end()) {
      changes.push_back(NotCompared(wa.pair.id(), "only in A"));
      continue;
    }
    for (const RuntimeNames& runtime : kRuntimes) changes.push_back(CompareRuntime(wa, *found->second, runtime.id, options));
    in_b.erase(found);
  }
  for (const auto& wb : b) {
    if (in_b.count(wb.pair.id())) {
      changes.push_back(NotCompared(wb.pair.id(), "only in B"));
    }
  }
  return changes;
}

size_t CountRegressions(const std::vector<Change>& changes) {
  size_t n = 0;
  for (const auto& c : changes) {
    n += c.verdict == Change::Verdict::kRegression || c.verdict == Change::Verdict::kNewFailure;
  }
  return n;
}

std::string FormatComparison(const std::vector<Change>& changes, const CompareOptions& options) {
  std::vector<std::vector<std::string>> rows;
  size_t improvements = 0;
  for (const auto& c : changes) {
    improvements += c.verdict == Change::Verdict::kImprovement;
    if (c.count_a == 0) {
      rows.push_back({c.workload, RuntimeCell(c), "-", "-", "-", "-", VerdictName(c.verdict) + std::string(": ") + c.note});
      continue;
    }
    std::string verdict = VerdictName(c.verdict);
    if (c.verdict == Change::Verdict::kRegression) verdict = "REGRESSION";
    rows.push_back({c.workload, RuntimeCell(c), FormatDuration(static_cast<uint64_t>(c.median_a)),
                    FormatDuration(static_cast<uint64_t>(c.median_b)),
                    fmt::format("{} [{}, {}]", Percent(c.ratio.ratio), Percent(c.ratio.low), Percent(c.ratio.high)),
                    c.test.p_value < 0.001 ? "<0.001" : fmt::format("{:.3f}", c.test.p_value), verdict});
  }
  std::string text = FormatColumns({"workload", "runtime", "A median", "B median", "B vs A [95% CI]", "p (U test)", "verdict"},
                                   rows, {0, 1, 6});
  text += fmt::format("{} regression(s), {} improvement(s): a change counts when the Mann-Whitney U test gives "
                      "p < {} and the median moved more than {:.0f}%\n",
                      CountRegressions(changes), improvements, options.alpha, 100 * options.threshold);
  return text;
}

nlohmann::json ComparisonJson(const std::vector<Change>& changes, const CompareOptions& options) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes) {
    nlohmann::json item = {{"workload", c.workload},
                           {"runtime", c.runtime ? nlohmann::json(RuntimeKey(*c.runtime)) : nlohmann::json(nullptr)},
                           {"verdict", VerdictName(c.verdict)},
                           {"note", c.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.note)}};
    if (c.count_a > 0) {
      item["a"] = {{"count", c.count_a}, {"median_ns", c.median_a}};
      item["b"] = {{"count", c.count_b}, {"median_ns", c.median_b}};
      item["b_over_a"] = {{"ratio", c.ratio.ratio}, {"ci95", {c.ratio.low, c.ratio.high}}};
      item["mann_whitney"] = {{"u", c.test.u}, {"z", c.test.z}, {"p_value", c.test.p_value}};
    }
    out.push_back(std::move(item));
  }
  return {{"schema", "duet-compare/1"},
          {"threshold", options.threshold},
          {"alpha", options.alpha},
          {"regressions", CountRegressions(changes)},
          {"changes", out}};
}

}  // namespace duet
