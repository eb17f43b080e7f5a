// `duet profile`: one workload's measured iterations under both runtimes' profilers, written as
// .cpuprofile and .trace.json files with a summary on the terminal (docs/profile-output.md). This
// file holds the flags, the workload lookup and the output; the profiling itself is host/profile.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/run_options.h"
#include "core/runtime_id.h"
#include "harness/profile_run.h"

namespace duet {
namespace {

struct ProfileCommandOptions {
  std::string workload;  // a workload folder, or a name / category/name in the workload roots
  std::string runtime = "both";
  std::string out_dir = ".";
  ProfileOptions profile;
  bool bench_overhead = false;
  int overhead_blocks = 5;
  int overhead_runs = 10;  // iterations per block and condition
};

// A folder holding workload.json, else a name ("fib" or "cpu/fib") among the roots' workloads.
Status FindWorkload(const std::string& wanted, const std::vector<std::filesystem::path>& roots, WorkloadPair* out) {
  if (std::filesystem::is_regular_file(std::filesystem::path(wanted) / "workload.json")) {
    *out = ReadWorkloadPair(wanted);
    return Status::Ok();
  }
  if (std::filesystem::exists(wanted)) {
    return Status::Usage(wanted + " is not a workload folder (it has no workload.json)");
  }
  std::vector<WorkloadPair> all;
  DUET_RETURN_IF_ERROR(DiscoverWorkloads(roots, &all));
  std::vector<WorkloadPair> matches;
  for (WorkloadPair& pair : all) {
    if (pair.id() == wanted || pair.name == wanted) matches.push_back(std::move(pair));
  }
  std::string where = roots.empty() ? "" : roots.front().string();
  if (matches.empty()) return Status::Usage("no workload folder or workload named '" + wanted + "' (looked in " + where + ")");
  if (matches.size() > 1) return Status::Usage("'" + wanted + "' names several workloads; use category/name");
  *out = std::move(matches.front());
  return Status::Ok();
}

// Exit codes: cli/exit_codes.h (a runtime that failed: a failed workload).
int Profile(const ProfileCommandOptions& options, const CommandContext& context) {
  WorkloadPair pair;
  Status found = FindWorkload(options.workload, WorkloadRoots({}), &pair);
  if (found.ok() && !pair.problem.ok()) found = pair.problem;
  if (!found.ok()) return Fail(found, "duet: profile");
  Session session;
  if (Status started = context.StartSession(&session); !started.ok()) return Fail(started);
  std::vector<Runtime*> runtimes;
  // --runtime names a language (RuntimeLanguage), or both.
  for (Runtime* runtime : session.runtimes()) {
    if (options.runtime == "both" || options.runtime == RuntimeLanguage(runtime->id())) runtimes.push_back(runtime);
  }

  if (options.bench_overhead) {
    auto figures = MeasureProfilerOverhead(pair, options.profile, runtimes, options.overhead_blocks, options.overhead_runs);
    fmt::print("{}", FormatOverhead(pair, options.profile.interval_us, figures));
    for (const auto& f : figures) {
      if (!f.error.ok()) return kExitWorkloadFailed;
    }
    return 0;
  }

  ProfileResult result = ProfileWorkload(pair, options.profile, runtimes, &session.loop());
  std::vector<std::filesystem::path> written;
  Status status = WriteProfileFiles(result, options.out_dir, &written);
  fmt::print("duet profile {} (sampling every {} µs)\n{}", pair.id(), options.profile.interval_us,
             FormatProfileSummary(result));
  for (const auto& path : written) fmt::print("wrote {}\n", path.string());
  if (!status.ok()) return Fail(status, "duet: profile");
  for (const RuntimeProfile& r : result.runtimes) {
    if (!r.error.ok()) return kExitWorkloadFailed;
  }
  return 0;
}

}  // namespace

CommandRun AddProfileCommand(CLI::App* profile) {
  auto options = std::make_shared<ProfileCommandOptions>();
  profile->add_option("workload", options->workload, "a workload folder, or a workload's name (fib, cpu/fib)")->required();
  profile->add_option("--runtime", options->runtime, "js, py or both (default: both)")
      ->check(CLI::IsMember({std::string(RuntimeLanguage(RuntimeId::kV8)), std::string(RuntimeLanguage(RuntimeId::kCPython)),
                             std::string("both")}));
  profile->add_option("--interval-us", options->profile.interval_us,
                      fmt::format("sampling interval in microseconds (default: {})", ProfileOptions::kDefaultIntervalUs))
      ->check(WholeNumber(50, 1000000));
  profile->add_option("--out", options->out_dir, "folder for the output files (default: .)");
  // Not run's sampling options: a profile needs at least one iteration and has no automatic warmup.
  auto* runs = profile->add_option("--runs", options->profile.runs, "measured iterations (default: workload.json, else --time-budget)")
      ->check(WholeNumber(1));
  profile->add_option("--time-budget", options->profile.time_budget_s, "seconds of profiled iterations per runtime (default: 1)")
      ->check(Number(0, /*inclusive=*/false))
      ->excludes(runs);
  profile->add_option("--warmup", options->profile.warmup, "untimed iterations before profiling (default: workload.json, else 3)")
      ->check(WholeNumber(0));
  profile->add_flag("--bench-overhead", options->bench_overhead,
                    "instead of writing profiles: print each runtime's median slowdown under the profiler and the "
                    "sample rate achieved (alternating blocks with and without it)");
  profile->add_option("--overhead-blocks", options->overhead_blocks, "--bench-overhead: blocks per condition (default: 5)")
      ->check(WholeNumber(1));
  profile->add_option("--overhead-runs", options->overhead_runs, "--bench-overhead: iterations per block, and at least 0.25 s (default: 10)")
      ->check(WholeNumber(1));
  // Engine flags are global options; let them follow the subcommand too.
  profile->fallthrough();
  return [options](const CommandContext& context) { return Profile(*options, context); };
}

}  // namespace duet
