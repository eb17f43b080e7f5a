// The duet command line: `run` measures workload pairs side by side, `claims` measures the
// workloads behind each claim and judges it, `exec` runs one plain script, `list` shows what `run`
// would measure; report/history/compare live in report_commands, `load` in load_command, `profile`
// in profile_command. Exit codes come from one table, cli/exit_codes.h.
#include <unistd.h>
#include <uv.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <regex>

#include "bench/calibration.h"
#include "bench/harness.h"
#include "core/clock.h"
#include "bench/workload_pair.h"
#include "bindings/plugin.h"
#include "cli/bundled_files.h"
#include "cli/exit_codes.h"
#include "cli/queue_commands.h"
#include "cli/web_commands.h"
#include "cli/web_run.h"
#include "cli/report_commands.h"
#include "session/environment.h"
#include "session/session.h"
#include "core/version.h"
#include "cli/isolation.h"
#include "cli/load_command.h"
#include "cli/node_command.h"
#include "cli/options.h"
#include "cli/profile_command.h"
#include "python/runtime.h"
#include "report/claims.h"
#include "report/json_report.h"
#include "report/table.h"
#include "report/web_ranking.h"

namespace duet {
namespace {

// Options before the subcommand: they shape the engines, for run and exec alike.
struct EngineOptions {
  std::string py_loop = "uv";
  std::string v8_flags;                // V8 SetFlagsFromString, before the isolate exists
  std::vector<std::string> py_options;  // CPython -X options (sys._xoptions)
  std::vector<std::string> plugins;
  std::string node_options;  // node's own options for JavaScript scripts (--node-options)

  // What Node is started with, after argv[0]: the V8 flags (node passes them on to V8) and
  // node's own options.
  std::vector<std::string> NodeOptionWords() const {
    std::vector<std::string> words = SplitOptionWords(v8_flags);
    for (std::string& word : SplitOptionWords(node_options)) words.push_back(std::move(word));
    return words;
  }
};

// Starts the runtimes as the engine options say.
Status StartSession(const EngineOptions& engine, Session* session, const SessionLimits& limits = {},
                    Session::Engines engines = Session::Engines::kBoth) {
  PythonRuntime::SetXOptions(engine.py_options);
  Status started = session->Init(limits, engines, engine.NodeOptionWords());
  if (started.ok()) started = session->python().SetAsyncioLoop(engine.py_loop);
  if (started.ok()) return started;
  return Status::WithCode(started.code(), "cannot start the runtimes: " + started.ToString());
}

struct RunOptions {
  std::vector<std::string> paths;
  std::string filter;
  std::optional<int> runs;
  std::optional<double> time_budget_s;
  std::string warmup;  // a count or "auto"
  int blocks = 5;
  bool trace_malloc = false;
  std::string json_path;
  std::string csv_path;
  std::string markdown_path;
  std::vector<std::string> params;  // KEY=JSON overrides of workload params
  std::string size;                 // a named parameter set from workload.json's "sizes"
  HistoryOptions history;
  double timeout_s = RunPlan::kDefaultTimeoutS;
  size_t js_max_heap_mib = 0;
  size_t py_max_memory_mib = 0;
  std::string isolation = "none";  // or "process"
  std::string pg_url;              // web pairs: an existing PostgreSQL instead of a private one
};

// Applies --param KEY=VALUE (VALUE parsed as JSON, else taken as a string) to every workload.
Status ApplyParams(const std::vector<std::string>& overrides, std::vector<WorkloadPair>* pairs) {
  for (const std::string& item : overrides) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) return Status::Usage("--param wants KEY=VALUE, got '" + item + "'");
    try {  // params travel as JSON (runtimes, reports, history), whose text is UTF-8
      (void)nlohmann::json(item).dump();
    } catch (const nlohmann::json::type_error&) {
      return Status::Usage("--param is not valid UTF-8: " + nlohmann::json(item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    nlohmann::json value = nlohmann::json::parse(item.substr(eq + 1), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) value = item.substr(eq + 1);
    for (WorkloadPair& pair : *pairs) pair.params[item.substr(0, eq)] = value;
  }
  return Status::Ok();
}

// Without paths: the bundled suite, wherever duet is run from.
std::vector<std::filesystem::path> WorkloadRoots(const std::vector<std::string>& paths) {
  if (!paths.empty()) return {paths.begin(), paths.end()};
  return {BundledWorkloads()};
}

// `--filter` as a regular expression searched for in an id; empty selects everything.
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

std::string ProgressLine(const std::string& prefix, const Progress& p) {
  std::string count = p.total > 0 ? fmt::format("{}/{}", p.done, p.total) : std::to_string(p.done);
  std::string eta = p.eta_s > 0.5 ? fmt::format(", ETA {:.0f} s", p.eta_s) : "";
  if (p.phase == "load") return fmt::format("{} {}: loading", prefix, p.runtime);
  return fmt::format("{} {}: {} {}{}", prefix, p.runtime, p.phase, count, eta);
}

// Rewrites the --json, --csv and --markdown files; a file that cannot be written is reported and the
// others are still written. Returns the first failure: the run's exit code says the results are not
// where they were asked for.
Status WriteExports(const RunOptions& options, const SessionRecord& record, const std::vector<WorkloadResult>& results) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!options.json_path.empty() && options.json_path != "-") {
    files.emplace_back(options.json_path, RunJson(record, results).dump(2) + "\n");
  }
  if (!options.csv_path.empty()) files.emplace_back(options.csv_path, FormatCsv(results));
  if (!options.markdown_path.empty()) files.emplace_back(options.markdown_path, FormatMarkdown(results));
  Status first_failure;
  for (const auto& [path, text] : files) {
    Status written = WriteFileAtomically(path, text);
    if (written.ok()) continue;
    fmt::print(stderr, "duet: {}\n", written.ToString());
    if (first_failure.ok()) first_failure = written;
  }
  return first_failure;
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

// Measures `pairs` in one session: the header, a progress line per workload, the exports
// rewritten after every workload (`*exported`: how the last rewrite went). Fails only when the
// runtimes cannot start: a workload's failure is in its result.
Status MeasurePairs(const EngineOptions& engine, const std::vector<WorkloadPair>& pairs, const RunOptions& options,
                    const std::vector<std::string>& command_line, SessionRecord* record_out,
                    std::vector<WorkloadResult>* results_out, Status* exported) {
  RunPlan plan = PlanFrom(options);
  Session session;
  DUET_RETURN_IF_ERROR(StartSession(engine, &session, {options.js_max_heap_mib << 20, options.py_max_memory_mib << 20}));
  session.python().set_trace_malloc(options.trace_malloc);
  SessionRecord& record = *record_out;
  record.environment = CollectEnvironment(session, command_line);
  record.warnings = MachineWarnings(record.environment);
  record.calibration = Calibrate(session.runtimes());
  record.calibration["cold_start_ns"] = {{"v8", session.cold_start().v8_ns}, {"cpython", session.cold_start().cpython_ns}};
  fmt::print(stderr, "duet {}: V8 {}, CPython {}, {} workload(s)\n", kDuetVersion,
             record.environment["versions"]["v8"].get<std::string>(),
             record.environment["versions"]["cpython"].get<std::string>(), pairs.size());
  const auto& overhead = record.calibration["harness_overhead_ns"];
  fmt::print(stderr, "calibration: clock step {} ns, harness overhead per iteration: v8 {} ns, cpython {} ns\n",
             record.calibration["clock"]["min_step_ns"].dump(), overhead["v8"].dump(), overhead["cpython"].dump());
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
    for (const auto& r : result.runtimes) samples += fmt::format(" {} {}", r.runtime, r.samples.size());
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

// What a child of --isolation=process is started with: the same engine and sampling options.
ChildCommand ChildCommandFor(const EngineOptions& engine, const RunOptions& options) {
  ChildCommand c;
  c.before_run = {"--py-loop", engine.py_loop};
  for (const std::string& plugin : engine.plugins) c.before_run.insert(c.before_run.end(), {"--plugin", plugin});
  if (!engine.v8_flags.empty()) c.before_run.push_back("--v8-flags=" + engine.v8_flags);
  for (const std::string& option : engine.py_options) c.before_run.insert(c.before_run.end(), {"-X", option});
  auto add = [&](std::initializer_list<std::string> args) { c.after_run.insert(c.after_run.end(), args); };
  add({"--blocks", std::to_string(options.blocks), "--timeout", fmt::format("{}", options.timeout_s)});
  if (options.runs) add({"--runs", std::to_string(*options.runs)});
  if (options.time_budget_s) add({"--time-budget", fmt::format("{}", *options.time_budget_s)});
  if (!options.warmup.empty()) add({"--warmup", options.warmup});
  if (!options.size.empty()) add({"--size", options.size});
  for (const std::string& param : options.params) add({"--param", param});
  if (options.trace_malloc) add({"--trace-malloc"});
  if (!options.pg_url.empty()) add({"--pg-url", options.pg_url});
  if (options.js_max_heap_mib > 0) add({"--js-max-heap", std::to_string(options.js_max_heap_mib)});
  if (options.py_max_memory_mib > 0) add({"--py-max-memory", std::to_string(options.py_max_memory_mib)});
  return c;
}

int CommandRun(const EngineOptions& engine, const RunOptions& options, const std::vector<std::string>& command_line) {
  std::vector<WorkloadPair> pairs;
  Status found = SelectWorkloads(options.paths, options.filter, &pairs);
  for (WorkloadPair& pair : pairs) ApplySize(options.size, &pair);
  if (found.ok()) found = ApplyParams(options.params, &pairs);
  if (!found.ok()) return Fail(found);
  size_t skipped = SkipWebPairsUnlessAsked(options.filter, options.paths, &pairs);
  if (skipped > 0) fmt::print(stderr, "duet: {} web tests left out (they take minutes): `duet run --filter web/` or `duet run workloads/web` runs them\n", skipped);
  // As `duet claims` with no matching claim: the command line selected nothing to measure.
  if (pairs.empty()) return Fail(Status::Usage("no workloads matched"));
  WebRunDatabase web_database;  // stops a private cluster when the run ends, however it ends
  // With --isolation process every child starts its own (web_run.h); here only the run's one.
  Status prepared = options.isolation == "process" ? Status::Ok() : web_database.Prepare(options.pg_url, &pairs);
  if (!prepared.ok()) return Fail(prepared);
  SessionRecord record;
  record.web_database = web_database.record();
  std::vector<WorkloadResult> results;
  Status exported;
  if (options.isolation == "process") {
    MeasureIsolated(pairs, ChildCommandFor(engine, options), &record, &results,
                    [&] { exported = WriteExports(options, record, results); });
    if (record.environment.is_null()) {  // no child got as far as a result: describe this machine
      Session session;
      if (Status started = StartSession(engine, &session); !started.ok()) return Fail(started);
      record.environment = CollectEnvironment(session, command_line);
    }
    exported = WriteExports(options, record, results);
  } else if (Status measured = MeasurePairs(engine, pairs, options, command_line, &record, &results, &exported);
             !measured.ok()) {
    return Fail(measured);
  }
  FILE* table_out = options.json_path == "-" ? stderr : stdout;
  std::fputs(FormatTable(results, TableWidth(fileno(table_out))).c_str(), table_out);
  std::fputs(FormatWebRanking(results, record.web_database).c_str(), table_out);
  // A web workload that failed because the database went away should say so, once.
  if (Status alive = web_database.CheckRunning(); !alive.ok()) {
    fmt::print(stderr, "duet: the web pairs' database stopped during the run: {}\n", alive.ToString());
  }
  if (options.json_path == "-") {
    Status written = WriteJsonFile("-", RunJson(record, results));
    if (!written.ok()) fmt::print(stderr, "duet: {}\n", written.ToString());  // as WriteExports does
    if (exported.ok()) exported = written;
  }
  std::fflush(stdout);  // the history line goes to stderr: after the table, never inside it
  RecordRun(options.history, RunJson(record, results));
  // Before a failed workload: one the table reports, while a missing export would go unnoticed
  // by whatever reads it next.
  if (!exported.ok()) return ExitCode(exported.code());
  for (const auto& r : results) {
    if (r.failed()) return kExitWorkloadFailed;
  }
  return 0;
}

struct ClaimsOptions {
  std::string claims_path;  // default: DefaultClaimsPath()
  std::string filter;       // claim ids
  std::string from;         // judge this run instead of measuring
  std::string json_path;    // the verdicts (and the run) as JSON
  std::string html_path;    // the shareable page
};


// `duet claims`: measures the workloads behind each selected claim (with the claim's parameter
// overrides) in one session, then prints each claim's verdict with its numbers.
int CommandClaims(const EngineOptions& engine, const RunOptions& options, const ClaimsOptions& claims_options,
                  const std::vector<std::string>& command_line) {
  std::string path = claims_options.claims_path.empty() ? DefaultClaimsPath() : claims_options.claims_path;
  std::vector<ClaimSpec> all, claims;
  Status status = LoadClaims(path, &all);
  std::regex re;
  if (Status compiled = CompileFilter(claims_options.filter, &re); !compiled.ok()) status = compiled;
  if (!status.ok()) return Fail(status);
  for (auto& claim : all) {
    if (std::regex_search(claim.id, re)) claims.push_back(std::move(claim));
  }
  if (claims.empty()) {
    return Fail(Status::Usage("no claim in " + path + " matches '" + claims_options.filter + "'"));
  }
  SessionRecord record;
  std::vector<WorkloadResult> results;
  if (!claims_options.from.empty()) {
    nlohmann::json doc;
    std::string title;
    status = LoadRun(claims_options.from, options.history, &doc, &title);
    if (status.ok()) status = ResultsFromRunJson(doc, &record, &results);
    if (!status.ok()) return Fail(status);
  } else {
    std::vector<WorkloadPair> available, pairs;
    status = DiscoverWorkloads(WorkloadRoots(options.paths), &available);
    for (const Measurement& m : MeasurementsFor(claims)) {
      if (!status.ok()) break;
      auto pair = std::find_if(available.begin(), available.end(), [&](const WorkloadPair& p) { return p.id() == m.workload; });
      if (pair == available.end()) {
        status = Status::Usage("claims name workload '" + m.workload + "', which is not in the workload folders", path);
        break;
      }
      WorkloadPair measured = *pair;
      ApplySize(options.size == "quick" ? "" : options.size, &measured);
      for (const auto& [key, value] : m.params.items()) measured.params[key] = value;
      pairs.push_back(std::move(measured));
    }
    if (!status.ok()) return Fail(status);
    Status exported;  // claims write no --json/--csv/--markdown exports of the run
    if (Status measured = MeasurePairs(engine, pairs, options, command_line, &record, &results, &exported);
        !measured.ok()) {
      return Fail(measured);
    }
    std::fputs(FormatTable(results, TableWidth(STDERR_FILENO)).c_str(), stderr);
    RecordRun(options.history, RunJson(record, results));
  }
  std::vector<ClaimVerdict> verdicts = JudgeClaims(claims, results, MachineCores(record.environment));
  std::string text = FormatClaims(verdicts);
  std::fputs(text.c_str(), claims_options.json_path == "-" ? stderr : stdout);
  if (!claims_options.json_path.empty()) {
    nlohmann::json out = ClaimsJson(verdicts);
    out["run"] = RunJson(record, results);
    Status written = WriteJsonFile(claims_options.json_path, out);
    if (!written.ok()) fmt::print(stderr, "duet: {}\n", written.ToString());
  }
  if (!claims_options.html_path.empty()) {
    std::vector<WorkloadPair> pairs;
    Status written = DiscoverWorkloads(WorkloadRoots(options.paths), &pairs);
    if (written.ok()) written = WriteClaimsPage(claims_options.html_path, path, verdicts, record, options.size, pairs);
    if (!written.ok()) return Fail(written);
  }
  for (const auto& r : results) {
    if (r.failed()) return kExitWorkloadFailed;
  }
  return 0;
}

int CommandList(const RunOptions& options) {
  std::vector<WorkloadPair> pairs;
  Status found = SelectWorkloads(options.paths, options.filter, &pairs);
  if (!found.ok()) return Fail(found);
  for (const auto& pair : pairs) {
    fmt::print("{:<28} {}\n", pair.id(), pair.problem.ok() ? pair.claim : "BROKEN: " + pair.problem.ToString());
  }
  return 0;
}

// `duet exec`: a JavaScript file runs in Node itself, exactly as `node [node options] FILE ARGS`
// (cli/node_command.h); a Python file in CPython alone. Neither starts the other runtime.
int CommandExec(const EngineOptions& engine, const std::string& script, const std::vector<std::string>& args,
                const std::string& argv0) {
  std::string extension = std::filesystem::path(script).extension().string();
  bool javascript = extension == ".js" || extension == ".mjs" || extension == ".cjs";
  if (!javascript && extension != ".py") return Fail(Status::Usage(script + ": not a .js, .mjs, .cjs or .py file"));
  if (!std::filesystem::is_regular_file(script)) return Fail(Status::Usage(script + ": no such file"));
  if (javascript) {
    std::vector<std::string> argv = {argv0};
    for (std::string& word : engine.NodeOptionWords()) argv.push_back(std::move(word));
    argv.push_back(script);
    argv.insert(argv.end(), args.begin(), args.end());
    return CommandNode(argv);
  }
  Session session;
  if (Status started = StartSession(engine, &session, {}, Session::Engines::kPythonOnly); !started.ok()) {
    return Fail(started);
  }
  // From here the script's own exit code, as python3 gives it: not the table's.
  Runtime* runtime = session.ForScript(script);
  int exit_code = 0;
  Status status = runtime->Exec(script, args, &exit_code);
  if (!status.ok()) {
    // Like node and python: the location, then the stack or traceback.
    fmt::print(stderr, "{}\n", status.detail().empty() ? status.ToString() : status.detail());
    return exit_code == 0 ? 1 : exit_code;
  }
  return exit_code;
}

// What a bad workload may cost before it fails on its own (docs/bad-workloads.md).
void AddRobustnessOptions(CLI::App* cmd, RunOptions* options, bool isolation) {
  cmd->add_option("--timeout", options->timeout_s,
                  fmt::format("seconds one call into a runtime (load, setup, one iteration, verify, teardown) may "
                              "take before it is ended and the workload fails; 0 = never (default: {:g})",
                              RunPlan::kDefaultTimeoutS))
      ->check(Number(0, /*inclusive=*/true));
  cmd->add_option("--js-max-heap", options->js_max_heap_mib,
                  "V8 heap limit in MiB: reaching it fails the workload (default: sized from the machine's memory, as node does)")
      ->check(WholeNumber(1));
  cmd->add_option("--py-max-memory", options->py_max_memory_mib,
                  "MiB CPython may allocate beyond its start-up size: more is a MemoryError that fails the workload (default: no cap)")
      ->check(WholeNumber(1));
  if (!isolation) return;
  cmd->add_option("--isolation", options->isolation,
                  "none: every workload in this process (default); process: each in a child duet process, so even a "
                  "crash is a reported failure")
      ->check(CLI::IsMember({"none", "process"}));
}

}  // namespace
}  // namespace duet

int main(int argc, char** argv) {
  using namespace duet;
  // As node's main does first: libuv keeps the process title's memory (process.title).
  argv = uv_setup_args(argc, argv);
  std::vector<std::string> command_line(argv, argv + argc);
  CLI::App app{"duet: the same workload in embedded V8 and CPython, side by side, in one process."};
  app.set_version_flag("--version", std::string("duet ") + kDuetVersion + " (" + kDuetGitCommit + ")");
  app.footer("duet [node options] FILE.js [ARGS...], with no subcommand, runs Node 18 itself, as node would.");
  app.require_subcommand(1);
  EngineOptions engine;
  app.add_option("--py-loop", engine.py_loop,
                 "Python's asyncio loop: uv = duet's, on the libuv loop JavaScript uses (default); "
                 "asyncio = the stock selector loop, for comparison")
      ->check(CLI::IsMember({"uv", "asyncio"}));
  app.add_option("--v8-flags", engine.v8_flags, "V8 flags, as node takes them (e.g. \"--no-opt --expose-gc\"); docs/profile-output.md")
      ->allow_extra_args(false);
  app.add_option("-X,--py-opt", engine.py_options, "a CPython -X option (e.g. -X importtime, --py-opt dev); repeatable")
      ->allow_extra_args(false);
  std::vector<std::string>& plugins = engine.plugins;
  app.add_option("--plugin", plugins, "load binding modules from a shared library before running (repeatable; docs/bindings.md)")
      ->allow_extra_args(false);
  app.add_option("--node-options", engine.node_options,
                 "node's own options for JavaScript scripts, as node takes them (e.g. \"--max-old-space-size=100 "
                 "--trace-warnings\"); NODE_OPTIONS is read too")
      ->allow_extra_args(false);

  RunOptions options;
  auto add_selection = [&](CLI::App* cmd) {
    cmd->add_option("paths", options.paths, "workload folders, or folders to search (default: the bundled suite)");
    cmd->add_option("--filter", options.filter, "only workloads whose category/name matches this regex");
  };
  CLI::App* run = AddCommand(app, "run", "measure workload pairs in both runtimes, interleaved", [&](CLI::App* run) {
    add_selection(run);
    auto* runs = run->add_option("--runs", options.runs,
                                 "timed iterations per runtime (default: workload.json's runs, else --time-budget)")
                     ->check(WholeNumber(0));
    run->add_option("--time-budget", options.time_budget_s,
                    "seconds of sampling per runtime and workload (default: workload.json, else 1)")
        ->check(Number(0, /*inclusive=*/false))
        ->excludes(runs);
    run->add_option("--warmup", options.warmup,
                    "untimed iterations first: a count, or 'auto' = until the last 5 show no downward trend "
                    "(default: workload.json, else auto)")
        ->check(WholeNumber(0, LLONG_MAX, "auto"));
    run->add_option("--blocks", options.blocks, "sampling blocks per runtime, interleaved JS/Python (default: 5)")
        ->check(WholeNumber(1));
    run->add_option("--size", options.size,
                    "a named parameter set from each workload.json's \"sizes\" (e.g. tiny, full); default: \"params\"");
    run->add_option("--param", options.params, "override a workload parameter: KEY=VALUE (VALUE as JSON); repeatable")
        ->allow_extra_args(false);  // one KEY=VALUE per --param, so paths may follow
    run->add_flag("--trace-malloc", options.trace_malloc,
                  "record CPython's peak traced memory (tracemalloc; slows Python down)");
    run->add_option("--json", options.json_path, "also write duet-run/1 JSON to FILE ('-' for stdout)");
    run->add_option("--csv", options.csv_path, "also write one CSV row per workload and runtime to FILE");
    run->add_option("--markdown", options.markdown_path, "also write the table as Markdown to FILE");
    AddRobustnessOptions(run, &options, /*isolation=*/true);
    AddHistoryOptions(run, &options.history, true);
    run->add_option("--pg-url", options.pg_url,
                    "web pairs: load TechEmpower's tables into this existing PostgreSQL database and serve from it, "
                    "instead of a private cluster started for the run");
  });

  ClaimsOptions claims_options;
  CLI::App* claims = AddCommand(app, "claims",
                                "measure the workloads behind each claim of workloads/claims.json and print the verdict "
                                "each earned on this machine",
                                [&](CLI::App* claims) {
    claims->add_option("paths", options.paths, "folders holding the claims' workloads (default: the bundled suite)");
    claims->add_option("--size", options.size, "quick (default: each workload's \"params\"), full, or tiny (for tests)");
    claims->add_option("--filter", claims_options.filter, "only claims whose id matches this regex");
    claims->add_option("--claims", claims_options.claims_path, "the claims file (default: workloads/claims.json)");
    claims->add_option("--from", claims_options.from, "judge a recorded run (JSON file or history id) instead of measuring");
    auto* claim_runs = claims->add_option("--runs", options.runs, "timed iterations per runtime")->check(WholeNumber(0));
    claims->add_option("--time-budget", options.time_budget_s, "seconds of sampling per runtime and workload")
        ->check(Number(0, /*inclusive=*/false))
        ->excludes(claim_runs);
    claims->add_option("--warmup", options.warmup, "untimed iterations first: a count, or 'auto'")
        ->check(WholeNumber(0, LLONG_MAX, "auto"));
    AddRobustnessOptions(claims, &options, /*isolation=*/false);
    claims->add_option("--json", claims_options.json_path, "also write the verdicts and the run as JSON to FILE ('-' for stdout)");
    claims->add_option("--html", claims_options.html_path, "also write a self-contained page of the verdicts, charts and code to FILE");
    AddHistoryOptions(claims, &options.history, true);
  });

  ReportCommands report_commands(app);
  QueueCommands queue_commands(app);
  WebCommands web_commands(app);

  CLI::App* list = AddCommand(app, "list", "list the workloads `run` would measure", add_selection);

  std::string script;
  CLI::App* exec = AddCommand(app, "exec", "run one script like `node FILE` / `python3 FILE`", [&](CLI::App* exec) {
    exec->add_option("file", script, "a .js/.mjs or .py file")->required();
  });
  exec->prefix_command();  // everything after FILE belongs to the script

  LoadCommandOptions load_options;
  CLI::App* load = AddLoadCommand(app, &load_options);
  ProfileCommandOptions profile_options;
  CLI::App* profile = AddProfileCommand(app, &profile_options);

  // `duet [node options] FILE.js ARGS` is `node`: what child_process.fork and cluster run.
  std::vector<std::string> duet_words;
  for (const CLI::App* sub : app.get_subcommands({})) duet_words.push_back(sub->get_name());
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) duet_words.push_back("--" + name);
    for (const std::string& name : option->get_snames()) duet_words.push_back("-" + name);
  }
  if (IsNodeCommandLine({command_line.begin() + 1, command_line.end()}, duet_words)) return CommandNode(command_line);
  try {
    ParseKeepingEmptyValues(app, argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : ExitCode(StatusCode::kUsage);
  }
  for (const std::string& plugin : plugins) {
    if (Status loaded = LoadPlugin(plugin); !loaded.ok()) return Fail(loaded);
  }
  if (run->parsed()) return CommandRun(engine, options, command_line);
  if (claims->parsed()) return CommandClaims(engine, options, claims_options, command_line);
  if (auto code = report_commands.Dispatch()) return *code;
  if (auto code = queue_commands.Dispatch()) return *code;
  if (auto code = web_commands.Dispatch()) return *code;
  if (list->parsed()) return CommandList(options);
  if (exec->parsed()) return CommandExec(engine, script, exec->remaining(), command_line[0]);
  if (load->parsed()) return CommandLoad(load_options);
  if (profile->parsed()) {
    return CommandProfile(profile_options, WorkloadRoots({}), [&](Session* s) { return StartSession(engine, s); });
  }
  return ExitCode(StatusCode::kUsage);
}
