// `duet profile` flags, workload lookup and output; the profiling itself is host/profile.
#include "cli/profile_command.h"

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/options.h"
#include "python/runtime.h"

namespace duet {
namespace {

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

}  // namespace

CLI::App* AddProfileCommand(CLI::App& app, ProfileCommandOptions* options) {
  CLI::App* profile = AddCommand(
      app, "profile", "run one workload under both runtimes' sampling profilers; write .cpuprofile and .trace.json files",
      [options](CLI::App* profile) {
      profile->add_option("workload", options->workload, "a workload folder, or a workload's name (fib, cpu/fib)")->required();
      profile->add_option("--runtime", options->runtime, "js, py or both (default: both)")
          ->check(CLI::IsMember({"js", "py", "both"}));
      profile->add_option("--interval-us", options->profile.interval_us,
                          fmt::format("sampling interval in microseconds (default: {})", ProfileOptions::kDefaultIntervalUs))
          ->check(WholeNumber(50, 1000000));
      profile->add_option("--out", options->out_dir, "folder for the output files (default: .)");
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
      });
  // Engine flags are global options; let them follow the subcommand too.
  profile->fallthrough();
  return profile;
}

int CommandProfile(const ProfileCommandOptions& options, const std::vector<std::filesystem::path>& roots,
                   const std::function<Status(Session*)>& start) {
  WorkloadPair pair;
  Status found = FindWorkload(options.workload, roots, &pair);
  if (found.ok() && !pair.problem.ok()) found = pair.problem;
  if (!found.ok()) return Fail(found, "duet: profile");
  Session session;
  if (Status started = start(&session); !started.ok()) return Fail(started);
  std::vector<Runtime*> runtimes;
  if (options.runtime != "py") runtimes.push_back(&session.js());
  if (options.runtime != "js") runtimes.push_back(&session.python());

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

}  // namespace duet
