// Measuring workload pairs in one session; see measure.h.
#include "cli/measure.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "core/clock.h"
#include "core/file_io.h"
#include "core/machine.h"
#include "core/runtime_id.h"
#include "core/units.h"
#include "core/version.h"
#include "harness/calibration.h"
#include "harness/harness.h"
#include "report/formats.h"
#include "report/table.h"
#include "session/environment.h"

namespace duet {
namespace {

std::string ProgressLine(const std::string& prefix, const Progress& p) {
  std::string count = p.total > 0 ? fmt::format("{}/{}", p.done, p.total) : std::to_string(p.done);
  std::string eta = p.eta_s > 0.5 ? fmt::format(", ETA {:.0f} s", p.eta_s) : "";
  if (p.phase == Progress::Phase::kImporting) return fmt::format("{} {}: loading", prefix, RuntimeKey(p.runtime));
  return fmt::format("{} {}: {} {}{}", prefix, RuntimeKey(p.runtime), Progress::PhaseName(p.phase), count, eta);
}

// The sampling plan the command line asks for.
RunPlan PlanFrom(const RunOptions& options) {
  RunPlan plan{options.runs, options.time_budget_s, std::nullopt, false, options.blocks, options.timeout_s};
  if (options.warmup == "auto") {
    plan.warmup_auto = true;
  } else if (!options.warmup.empty()) {
    plan.warmup = std::stoi(options.warmup);
  }
  return plan;
}

}  // namespace

Status WriteExports(const RunOptions& options, const SessionRecord& record, const std::vector<WorkloadResult>& results) {
  Status first_failure;
  for (const auto& [name, path] : options.exports) {
    if (path.empty() || path == "-") continue;  // "-": `duet run` prints the JSON once, at the end
    const Format* format = FindFormat(name);
    ExportInput input{std::filesystem::path(path).filename().string(), record, results, DefaultClaimsPath()};
    std::string text;
    Status written = format->render(input, &text);
    if (written.ok()) written = WriteFileAtomically(path, text);
    if (written.ok()) continue;
    fmt::print(stderr, "duet: {}\n", written.ToString());
    if (first_failure.ok()) first_failure = written;
  }
  return first_failure;
}

int WorkloadsExitCode(const std::vector<WorkloadResult>& results) {
  for (const auto& r : results) {
    if (r.failed()) return kExitWorkloadFailed;
  }
  return 0;
}

Status MeasurePairs(const CommandContext& context, const std::vector<WorkloadPair>& pairs, const RunOptions& options,
                    SessionRecord* record_out, std::vector<WorkloadResult>* results_out, Status* exported) {
  RunPlan plan = PlanFrom(options);
  Session session;
  DUET_RETURN_IF_ERROR(context.StartSession(&session, {options.js_max_heap_mib << 20, options.py_max_memory_mib << 20}));
  session.TracePythonMalloc(options.trace_malloc);
  SessionRecord& record = *record_out;
  record.environment = CollectEnvironment(session, context.command_line);
  record.warnings = MachineWarnings(record.environment);
  record.calibration = Calibrate(session.runtimes());
  const std::string v8(RuntimeKey(RuntimeId::kV8)), cpython(RuntimeKey(RuntimeId::kCPython));
  record.calibration["cold_start_ns"] = {{v8, session.cold_start().v8_ns}, {cpython, session.cold_start().cpython_ns}};
  fmt::print(stderr, "duet {}: V8 {}, CPython {}, {} workload(s)\n", kDuetVersion,
             record.environment["versions"][v8].get<std::string>(),
             record.environment["versions"][cpython].get<std::string>(), pairs.size());
  const auto& overhead = record.calibration["harness_overhead_ns"];
  fmt::print(stderr, "calibration: clock step {} ns, harness overhead per iteration: v8 {} ns, cpython {} ns\n",
             record.calibration["clock"]["min_step_ns"].dump(), overhead[v8].dump(), overhead[cpython].dump());
  fmt::print(stderr, "cold start inside the process: v8 {}, cpython {}\n", FormatDuration(session.cold_start().v8_ns),
             FormatDuration(session.cold_start().cpython_ns));
  for (const auto& warning : record.warnings) fmt::print(stderr, "warning: {}\n", warning);

  const bool tty = isatty(STDERR_FILENO);
  std::vector<WorkloadResult>& results = *results_out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::string prefix = fmt::format("[{}/{}] {}", i + 1, pairs.size(), pairs[i].id());
    ProgressFn progress;
    if (tty) {
      // Redrawn at most ten times a second: the terminal must not become the bottleneck.
      progress = [&, last = uint64_t{0}](const Progress& p) mutable {
        if (NowNs() - last < 100'000'000) return;
        last = NowNs();
        fmt::print(stderr, "\r\033[K{}", ProgressLine(prefix, p));
        std::fflush(stderr);
      };
    }
    WorkloadResult result = RunWorkload(pairs[i], plan, session.runtimes(), progress);
    if (tty) fmt::print(stderr, "\r\033[K");
    std::string samples;
    for (const auto& r : result.runtimes) samples += fmt::format(" {} {}", RuntimeKey(r.runtime), r.samples.size());
    fmt::print(stderr, "{} {} ({};{} samples)\n", prefix,
               result.failed() ? "FAILED: " + result.error.ToString() : "done", result.plan.Describe(), samples);
    results.push_back(std::move(result));
    // Which BLAS numpy loaded is known only once a workload has imported it.
    record.environment["blas"] = LoadedBlas();
    // Written after every workload, so a crash later loses nothing measured before it.
    *exported = WriteExports(options, record, results);
  }
  std::fflush(stderr);
  return Status::Ok();
}

}  // namespace duet
