// What the commands that measure workloads share (`run` and `claims`; `list` selects as `run`
// does): the option values, each shared option defined once with one help text, and selecting
// workloads from paths and a --filter.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "cli/report_commands.h"
#include "core/status.h"
#include "harness/harness.h"
#include "harness/workload_pair.h"

namespace duet {

struct RunOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::optional<int> runs;
  std::optional<double> time_budget_s;
  std::string warmup;  // a count or "auto"
  int blocks = 5;
  bool trace_malloc = false;
  // Format name (report/formats.h) -> the file `duet run --NAME FILE` writes it to; "-" is stdout for json.
  std::map<std::string, std::string, std::less<>> exports;
  std::vector<std::string> params;  // KEY=JSON overrides of workload params
  std::string size;                 // a named parameter set from workload.json's "sizes"
  HistoryOptions history;
  double timeout_s = RunPlan::kDefaultTimeoutS;
  size_t js_max_heap_mib = 0;
  size_t py_max_memory_mib = 0;
  std::string isolation = "none";  // or "process"
  std::string pg_url;              // web pairs: an existing PostgreSQL instead of a private one
};

// Where `duet run --NAME FILE` writes format NAME; empty when it was not asked for.
std::string ExportPath(const RunOptions& options, std::string_view format);

// The `paths` positional: where the workloads are.
void AddWorkloadPaths(CLI::App* command, RunOptions* options);
// `paths` and --filter: which workloads (run, list).
void AddSelectionOptions(CLI::App* command, RunOptions* options);
// --runs or --time-budget, and --warmup: how many samples.
void AddSamplingOptions(CLI::App* command, RunOptions* options);
// --timeout, --js-max-heap, --py-max-memory and, with `isolation`, --isolation: what a bad
// workload may cost before it fails on its own (docs/bad-workloads.md).
void AddRobustnessOptions(CLI::App* command, RunOptions* options, bool isolation);
// --pg-url: the web pairs' database (run, claims).
void AddWebDatabaseOption(CLI::App* command, RunOptions* options);

// Without paths: the bundled suite, wherever duet is run from.
std::vector<std::filesystem::path> WorkloadRoots(const std::vector<std::string>& paths);
// `--filter` as a regular expression searched for in an id; empty selects everything.
Status CompileFilter(const std::string& filter, std::regex* re);
// The workloads under `paths` whose id `filter` matches.
Status SelectWorkloads(const std::vector<std::string>& paths, const std::string& filter,
                       std::vector<WorkloadPair>* selected);

}  // namespace duet
