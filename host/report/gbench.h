// Google Benchmark's JSON output format (what `--benchmark_format=json` writes), so Google
// Benchmark's tools/compare.py reads duet results: one benchmark per workload and runtime,
// named "category/name/runtime", each sample a repetition, then mean/median/stddev aggregates.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "harness/harness.h"
#include "report/json_report.h"

namespace duet {

// Failed or mismatching runtimes are left out: compare.py would read their times as real.
nlohmann::json GbenchJson(const SessionRecord& session, const std::vector<WorkloadResult>& results);

}  // namespace duet
