// Harness: runs one WorkloadPair in every runtime — warmup, then samples interleaved in blocks
// (JS block, Python block, ...) so machine drift hits both alike — gathers engine counters and
// cross-checks the results. One failing runtime never stops the other; nothing measured is dropped.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime.h"
#include "harness/sample_set.h"
#include "harness/statistics.h"
#include "harness/workload_pair.h"

namespace duet {

// What the user asked for; unset fields fall back to the manifest, then to the defaults.
struct RunPlan {
  std::optional<int> runs;             // timed iterations per runtime
  std::optional<double> time_budget_s;  // or: sampling seconds per runtime
  std::optional<int> warmup;           // untimed iterations per runtime
  bool warmup_auto = false;            // or: until the last iterations show no downward trend
  int blocks = 5;                      // sampling blocks per runtime
  // Seconds one call into a runtime (load, setup, one iteration, verify, teardown) may take
  // before the watchdog ends it and the workload fails; 0 turns the watchdog off.
  double timeout_s = kDefaultTimeoutS;
  static constexpr double kDefaultTimeoutS = 10.0;
};

// The plan resolved for one workload.
struct SamplingPlan {
  bool by_time = true;  // time budget (true) or fixed count (false)
  int runs = 0;
  double time_budget_s = 0;
  bool warmup_auto = true;
  int warmup = 0;
  int blocks = 5;

  static constexpr double kDefaultTimeBudgetS = 1.0;
  static constexpr int kMinSamples = 3;          // even when one iteration outlasts the budget
  static constexpr int kMaxSamples = 100000;
  static constexpr int kAutoWarmupMax = 30;      // iterations
  static constexpr double kAutoWarmupMaxS = 3.0;  // seconds per runtime
  static constexpr size_t kSteadyWindow = 5;
  // A block that follows the other runtime's starts with one untimed iteration when iterations
  // are shorter than this: the first one after the other runtime ran is slower (deltablue's JS,
  // 4.5 ms an iteration: +14%, about 0.6 ms), which moved the median by about 2% against
  // standalone node. Past this length that cost is lost in the iteration, and an extra one would
  // cost more time than it corrects. Network pairs and cold starts never take one.
  static constexpr uint64_t kBlockWarmupUnderNs = 50'000'000;

  // The precedence: command line, then manifest, then a 1 s budget with automatic warmup.
  static SamplingPlan Resolve(const RunPlan& asked, const WorkloadPair& pair);
  // "time 1.0 s, warmup auto" / "10 runs, warmup 3".
  std::string Describe() const;
};

// What load + setup cost in memory.
struct SetupCost {
  // The process RSS delta (the runtimes load one after the other, so it is this runtime's).
  std::optional<int64_t> rss_delta_bytes;
  std::optional<EngineCounters> counters;  // the engine's counters over those two steps
};

struct RuntimeResult {
  RuntimeId runtime = RuntimeId::kV8;
  SampleSet samples;
  int warmup = 0;                        // warmup iterations actually run
  int block_warmups = 0;                 // untimed iterations at block starts (kBlockWarmupUnderNs)
  std::optional<nlohmann::json> result;  // the last iteration's result
  std::optional<bool> verified;          // verify()'s verdict when exported
  // The engine's own counters over the samples; unset when the runtime failed before sampling.
  std::optional<EngineCounters> counters;
  SetupCost setup;
  // Network pairs: throughput, latency percentiles and server CPU per message over the samples
  // (harness/network_run.h); null otherwise.
  nlohmann::json load;
  Status error;
};

struct WorkloadResult {
  WorkloadPair pair;
  SamplingPlan plan;
  std::vector<RuntimeResult> runtimes;  // in session order: v8, cpython
  std::optional<bool> results_match;    // unset when a side has no result
  // Web pairs: both servers' answers to the verifier's deterministic requests compared as
  // TechEmpower's verifier does (CompareVerifiedBodies); unset when a side was not verified.
  std::optional<bool> bodies_match;
  nlohmann::json process;               // RSS figures over the whole workload
  // The first failure's runtime (unset when it is the pair's own: results that differ, a bad
  // manifest).
  std::optional<RuntimeId> error_runtime;
  Status error;

  bool failed() const { return !error.ok(); }
  const RuntimeResult* Find(RuntimeId runtime) const;
};

struct Progress {
  // What a runtime is doing with the workload: importing its script and running setup(), then
  // warm-up iterations, then timed ones. (In duet, "load" is the load generator's word.)
  enum class Phase { kImporting, kWarmup, kSampling };
  static const char* PhaseName(Phase phase);  // "importing", "warmup", "sample"

  RuntimeId runtime = RuntimeId::kV8;
  Phase phase = Phase::kImporting;
  int done = 0;       // iterations so far in this phase (this runtime)
  int total = 0;      // 0 when open-ended (time budget, automatic warmup)
  double eta_s = 0;   // estimated seconds left for this workload
};
using ProgressFn = std::function<void(const Progress&)>;

// The CPython/V8 ratio of median wall times with its 95% interval; unset when the workload
// failed (a failure is never a timing) or a side has no samples.
std::optional<RatioEstimate> CpythonOverV8(const WorkloadResult& result);
// One runtime's wall times in sample order, as the statistics take them.
std::vector<double> WallTimes(const RuntimeResult& result);
// Summary of one runtime's wall (or CPU) times.
Summary WallSummary(const RuntimeResult& result);
Summary CpuSummary(const RuntimeResult& result);

WorkloadResult RunWorkload(const WorkloadPair& pair, const RunPlan& plan,
                           const std::vector<Runtime*>& runtimes, const ProgressFn& progress = {});

}  // namespace duet
