// The options `run` and `claims` share, defined once; see run_options.h.
#include "cli/run_options.h"

#include <fmt/format.h>

#include <climits>

#include "cli/bundled_files.h"
#include "cli/options.h"

namespace duet {

std::string ExportPath(const RunOptions& options, std::string_view format) {
  auto found = options.exports.find(format);
  return found == options.exports.end() ? std::string() : found->second;
}

void AddWorkloadPaths(CLI::App* command, RunOptions* options) {
  command->add_option("paths", options->paths, "workload folders, or folders to search (default: the bundled suite)");
}

void AddSelectionOptions(CLI::App* command, RunOptions* options) {
  AddWorkloadPaths(command, options);
  command->add_option("--filter", options->filter, "only workloads whose category/name matches this regex");
}

void AddSamplingOptions(CLI::App* command, RunOptions* options) {
  auto* runs = command->add_option("--runs", options->runs,
                                   "timed iterations per runtime (default: workload.json's runs, else --time-budget)")
                   ->check(WholeNumber(0));
  command->add_option("--time-budget", options->time_budget_s,
                      "seconds of sampling per runtime and workload (default: workload.json, else 1)")
      ->check(Number(0, /*inclusive=*/false))
      ->excludes(runs);
  command->add_option("--warmup", options->warmup,
                      "untimed iterations first: a count, or 'auto' = until the last 5 show no downward trend "
                      "(default: workload.json, else auto)")
      ->check(WholeNumber(0, LLONG_MAX, "auto"));
}

void AddWebDatabaseOption(CLI::App* command, RunOptions* options) {
  command->add_option("--pg-url", options->pg_url,
                      "web pairs: load TechEmpower's tables into this existing PostgreSQL database and serve from it, "
                      "instead of a private cluster started for the run");
}

void AddRobustnessOptions(CLI::App* command, RunOptions* options, bool isolation) {
  command->add_option("--timeout", options->timeout_s,
                      fmt::format("seconds one call into a runtime (load, setup, one iteration, verify, teardown) may "
                                  "take before it is ended and the workload fails; 0 = never (default: {:g})",
                                  RunPlan::kDefaultTimeoutS))
      ->check(Number(0, /*inclusive=*/true));
  command->add_option("--js-max-heap", options->js_max_heap_mib,
                      "V8 heap limit in MiB: reaching it fails the workload (default: sized from the machine's "
                      "memory, as node does)")
      ->check(WholeNumber(1));
  command->add_option("--py-max-memory", options->py_max_memory_mib,
                      "MiB CPython may allocate beyond its start-up size: more is a MemoryError that fails the "
                      "workload (default: no cap)")
      ->check(WholeNumber(1));
  if (!isolation) return;
  command->add_option("--isolation", options->isolation,
                      "none: every workload in this process (default); process: each in a child duet process, so "
                      "even a crash is a reported failure")
      ->check(CLI::IsMember({"none", "process"}));
}

std::vector<std::filesystem::path> WorkloadRoots(const std::vector<std::string>& paths) {
  if (!paths.empty()) return {paths.begin(), paths.end()};
  return {BundledWorkloads()};
}

Status CompileFilter(const std::string& filter, std::regex* re) {
  try {
    *re = std::regex(filter.empty() ? ".*" : filter);
  } catch (const std::regex_error& e) {
    return Status::Usage("--filter: invalid regular expression '" + filter + "': " + e.what());
  }
  return Status::Ok();
}

Status SelectWorkloads(const std::vector<std::string>& paths, const std::string& filter,
                       std::vector<WorkloadPair>* selected) {
  std::vector<WorkloadPair> all;
  DUET_RETURN_IF_ERROR(DiscoverWorkloads(WorkloadRoots(paths), &all));
  std::regex re;
  DUET_RETURN_IF_ERROR(CompileFilter(filter, &re));
  for (auto& pair : all) {
    if (std::regex_search(pair.id(), re)) selected->push_back(std::move(pair));
  }
  return Status::Ok();
}

}  // namespace duet
