// Harness: runs one WorkloadPair in every runtime, interleaved (JS, Py, JS, Py, ...) so machine
// drift hits both alike, then cross-checks their results. One failing runtime never stops the
// other, and nothing measured is dropped.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/sample_set.h"
#include "bench/workload_pair.h"
#include "core/runtime.h"

namespace duet {

struct RunPlan {
  std::optional<int> runs;    // overrides the manifest; default 10
  std::optional<int> warmup;  // overrides the manifest; default 3
};

struct RuntimeResult {
  std::string runtime;  // "v8" / "cpython"
  SampleSet samples;
  int warmup = 0;
  std::optional<nlohmann::json> result;  // the last iteration's result
  std::optional<bool> verified;          // verify()'s verdict when exported
  Status error;
};

struct WorkloadResult {
  WorkloadPair pair;
  int runs = 0;
  std::vector<RuntimeResult> runtimes;  // in session order: v8, cpython
  std::optional<bool> results_match;    // unset when a side has no result
  // The first failure, naming the runtime it came from ("" for the pair itself).
  std::string error_runtime;
  Status error;

  bool failed() const { return !error.ok(); }
  const RuntimeResult* Find(const std::string& runtime) const;
};

// Progress notes for the terminal ("v8 warmup", "cpython sample 3/10"...).
using ProgressFn = std::function<void(const std::string& note)>;

WorkloadResult RunWorkload(const WorkloadPair& pair, const RunPlan& plan,
                           const std::vector<Runtime*>& runtimes, const ProgressFn& progress = {});

}  // namespace duet
