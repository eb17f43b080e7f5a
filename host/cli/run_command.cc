// `duet run`: measures workload pairs side by side, JS and Python interleaved, in this process
// or (--isolation process) one child per workload; prints the table, writes the exports and
// appends the run to the history.
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/isolation.h"
#include "cli/measure.h"
#include "cli/options.h"
#include "cli/run_options.h"
#include "cli/web_run.h"
#include "core/file_io.h"
#include "report/formats.h"
#include "report/json_report.h"
#include "report/table.h"
#include "report/web_ranking.h"
#include "session/environment.h"

namespace duet {
namespace {

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

int Run(const RunOptions& options, const CommandContext& context) {
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
    MeasureIsolated(pairs, ChildCommandFor(context.engine, options), &record, &results,
                    [&] { exported = WriteExports(options, record, results); });
    if (record.environment.is_null()) {  // no child got as far as a result: describe this machine
      Session session;
      if (Status started = context.StartSession(&session); !started.ok()) return Fail(started);
      record.environment = CollectEnvironment(session, context.command_line);
    }
    exported = WriteExports(options, record, results);
  } else if (Status measured = MeasurePairs(context, pairs, options, &record, &results, &exported); !measured.ok()) {
    return Fail(measured);
  }
  const bool json_to_stdout = ExportPath(options, "json") == "-";
  FILE* table_out = json_to_stdout ? stderr : stdout;
  std::fputs(FormatTable(results, TableWidth(fileno(table_out))).c_str(), table_out);
  std::fputs(FormatWebRanking(results, record.web_database).c_str(), table_out);
  // A web workload that failed because the database went away should say so, once.
  if (Status alive = web_database.CheckRunning(); !alive.ok()) {
    fmt::print(stderr, "duet: the web pairs' database stopped during the run: {}\n", alive.ToString());
  }
  if (json_to_stdout) {
    Status written = WriteJsonFile("-", RunJson(record, results));
    if (!written.ok()) fmt::print(stderr, "duet: {}\n", written.ToString());  // as WriteExports does
    if (exported.ok()) exported = written;
  }
  std::fflush(stdout);  // the history line goes to stderr: after the table, never inside it
  RecordRun(options.history, RunJson(record, results));
  // Before a failed workload: one the table reports, while a missing export would go unnoticed
  // by whatever reads it next.
  if (!exported.ok()) return ExitCode(exported.code());
  return WorkloadsExitCode(results);
}

}  // namespace

CommandRun AddRunCommand(CLI::App* run) {
  auto options = std::make_shared<RunOptions>();
  AddSelectionOptions(run, options.get());
  AddSamplingOptions(run, options.get());
  run->add_option("--blocks", options->blocks, "sampling blocks per runtime, interleaved JS/Python (default: 5)")
      ->check(WholeNumber(1));
  run->add_option("--size", options->size,
                  "a named parameter set from each workload.json's \"sizes\" (e.g. tiny, full); default: \"params\"");
  run->add_option("--param", options->params, "override a workload parameter: KEY=VALUE (VALUE as JSON); repeatable")
      ->allow_extra_args(false);  // one KEY=VALUE per --param, so paths may follow
  run->add_flag("--trace-malloc", options->trace_malloc,
                "record CPython's peak traced memory (tracemalloc; slows Python down)");
  for (const Format& format : kFormats) {
    if (!format.run_option) continue;
    std::string name(format.name);
    run->add_option("--" + name, options->exports[name],
                    fmt::format("also write {} to FILE{}", format.writes, name == "json" ? " ('-' for stdout)" : ""));
  }
  AddRobustnessOptions(run, options.get(), /*isolation=*/true);
  AddHistoryOptions(run, &options->history, true);
  AddWebDatabaseOption(run, options.get());
  return [options](const CommandContext& context) { return Run(*options, context); };
}

}  // namespace duet
