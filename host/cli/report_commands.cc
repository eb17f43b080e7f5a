// The commands that read results instead of measuring them: `report`, `history` (with `history
// export` and `history import`) and `compare`. One file for the family: they share loading a run
// from a file or the history and the --db option. Exit codes: cli/exit_codes.h (compare
// --fail-on-regression: a regression is a failed workload).
#include "cli/report_commands.h"

#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "cli/bundled_files.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "core/machine.h"
#include "core/runtime_id.h"
#include "report/claims.h"
#include "report/compare.h"
#include "report/formats.h"
#include "report/history.h"
#include "report/json_report.h"
#include "report/table.h"

namespace duet {
namespace {

// The run `which` names, parsed into results; the claims file is read when `claims_path` is set.
Status LoadResults(const std::string& which, const HistoryOptions& options, SessionRecord* record,
                   std::vector<WorkloadResult>* results, std::string* title) {
  nlohmann::json doc;
  DUET_RETURN_IF_ERROR(ReadRun(which, options, &doc, title));
  Status parsed = ResultsFromRunJson(doc, record, results);
  return parsed.Prefixed(*title + ": ");
}

// What differs between two environment records that bears on a comparison: the machine's
// fingerprinted parts, engine versions and duet's commit, one "  name: A -> B" line each.
std::string MachineNotes(const nlohmann::json& a, const nlohmann::json& b) {
  std::string notes;
  auto note = [&](const char* group, const std::string& key) {
    nlohmann::json va = a.is_object() && a.contains(group) && a[group].is_object() ? a[group].value(key, nlohmann::json()) : nlohmann::json();
    nlohmann::json vb = b.is_object() && b.contains(group) && b[group].is_object() ? b[group].value(key, nlohmann::json()) : nlohmann::json();
    if (va != vb) notes += fmt::format("  {}: {} -> {}\n", key, va.dump(), vb.dump());
  };
  for (const char* key : {"cpu_model", "cores", "memory_bytes", "kernel", "arch", "governor", "turbo"}) note("machine", key);
  for (const RuntimeNames& names : kRuntimes) note("versions", std::string(names.key));
  for (const char* key : {"duet", "git_commit"}) note("versions", key);
  return notes;
}

// The runs of a duet-history/1 document, checked.
Status ReadHistoryExport(const std::string& file, std::vector<nlohmann::json>* runs) {
  nlohmann::json doc;
  DUET_RETURN_IF_ERROR(ReadJsonFile(file, &doc));
  if (!doc.is_object() || doc.value("schema", "") != "duet-history/1" || !doc["runs"].is_array()) {
    return Status::Error(file + ": not a duet-history/1 document (write one with `duet history export`)");
  }
  for (const nlohmann::json& entry : doc["runs"]) {
    if (!entry.is_object() || !entry.contains("run") || !entry["run"].is_object()) {
      return Status::Error(file + ": a run entry without its \"run\" document");
    }
    runs->push_back(entry["run"]);
  }
  return Status::Ok();
}

}  // namespace

std::string HistoryLocation(const HistoryOptions& options) {
  return options.db.empty() ? DefaultHistoryLocation() : options.db;
}

void AddHistoryOptions(CLI::App* command, HistoryOptions* options, bool measuring) {
  command->add_option("--db", options->db,
                      "the history database: an SQLite file or a postgresql:// URL (default: $DUET_DB, else "
                      "$XDG_DATA_HOME/duet/history.sqlite, else ~/.local/share/duet/history.sqlite)");
  if (measuring) command->add_flag("--no-history", options->no_history, "do not append this run to the history");
}

void RecordRun(const HistoryOptions& options, const nlohmann::json& run) {
  if (options.no_history) return;
  std::unique_ptr<History> history;
  Status status = History::Open(HistoryLocation(options), &history);
  int64_t id = 0;
  if (status.ok()) status = history->Append(run, &id);
  if (!status.ok()) {
    fmt::print(stderr, "duet: the run was not recorded: {}\n", status.ToString());
    return;
  }
  fmt::print(stderr, "history: run {} appended to {}\n", id, history->location());
}

Status ReadRun(const std::string& which, const HistoryOptions& options, nlohmann::json* run, std::string* title) {
  bool is_id = which == "latest" || (!which.empty() && which.find_first_not_of("0123456789") == std::string::npos);
  if (!is_id || std::filesystem::exists(which)) {
    *title = std::filesystem::path(which).filename().string();
    return ReadRunJson(which, run);
  }
  std::unique_ptr<History> history;
  DUET_RETURN_IF_ERROR(History::Open(HistoryLocation(options), &history));
  int64_t id = 0;
  if (which == "latest") {
    DUET_RETURN_IF_ERROR(history->LatestId(&id));
  } else {
    id = std::stoll(which);
  }
  *title = fmt::format("history run {}", id);
  return history->Load(id, run);
}

std::string DefaultClaimsPath() { return (BundledWorkloads() / "claims.json").string(); }

namespace {

// The --db given to `command` or, failing that, to its parent: `duet history --db X export`
// reads the history at X, as it did when history and its subcommands shared their option values.
HistoryOptions WithParentDb(const HistoryOptions& own, const CLI::App* command) {
  const CLI::Option* parent_db = command->get_parent()->get_option_no_throw("--db");
  if (!own.db.empty() || parent_db == nullptr || parent_db->count() == 0) return own;
  return {parent_db->as<std::string>(), own.no_history};
}

struct ReportOptions {
  std::string run, output, format = "html", claims;
  HistoryOptions history;
};

int Report(const ReportOptions& options) {
  SessionRecord record;
  std::vector<WorkloadResult> results;
  std::string title;
  Status loaded = LoadResults(options.run, options.history, &record, &results, &title);
  if (!loaded.ok()) return Fail(loaded);
  const Format& format = *FindFormat(options.format);
  std::string output = options.output.empty() ? std::string(format.default_output) : options.output;
  ExportInput input{title, record, results, options.claims.empty() ? DefaultClaimsPath() : options.claims,
                    output == "-" ? TableWidth(STDOUT_FILENO) : kTableWidth};
  std::string text;
  if (Status rendered = format.render(input, &text); !rendered.ok()) return Fail(rendered);
  Status written = WriteFileAtomically(output, text);
  if (!written.ok()) return Fail(written);
  if (output != "-") fmt::print(stderr, "duet: wrote {}\n", output);
  return 0;
}

}  // namespace

CommandRun AddReportCommand(CLI::App* report) {
  auto options = std::make_shared<ReportOptions>();
  report->add_option("run", options->run, "a duet-run/1 JSON file, or a history id ('latest' for the newest)")->required();
  report->add_option("-o,--output", options->output, "where to write it (default: report.html for html, else stdout; '-' is stdout)");
  std::string formats;
  for (const Format& format : kFormats) formats += fmt::format("\n  {}: {}", format.name, format.writes);
  report->add_option("--export", options->format, "what to write (default: html):" + formats)
      ->check(CLI::IsMember(FormatNames()));
  report->add_option("--claims", options->claims, "the claims file the HTML report judges (default: workloads/claims.json)");
  AddHistoryOptions(report, &options->history, false);
  return [options](const CommandContext&) { return Report(*options); };
}

namespace {

struct HistoryListOptions {
  std::string workload_regex, machine;
  bool json = false;
  HistoryOptions history;
};

int HistoryList(const HistoryListOptions& options) {
  std::unique_ptr<History> history;
  Status opened = History::Open(HistoryLocation(options.history), &history);
  if (!opened.ok()) return Fail(opened);
  HistoryFilter filter{options.workload_regex,
                       options.machine == "this" ? MachineFingerprint({{"machine", CollectMachine()}}) : options.machine};
  std::vector<HistoryRun> runs;
  Status listed = history->List(filter, &runs);
  if (!listed.ok()) return Fail(listed);
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& run : runs) {
      nlohmann::json workloads = nlohmann::json::array();
      for (const auto& w : run.workloads) {
        workloads.push_back({{"workload", w.id}, {"failed", w.failed}, {"v8_median_ns", w.v8_median_ns},
                             {"cpython_median_ns", w.cpython_median_ns},
                             {"cpython_over_v8", w.ratio > 0 ? nlohmann::json(w.ratio) : nlohmann::json(nullptr)}});
      }
      out.push_back({{"id", run.id}, {"timestamp", run.timestamp}, {"duet_version", run.duet_version},
                     {"git_commit", run.git_commit}, {"command_line", run.command_line}, {"machine", run.machine},
                     {"workload_count", run.workload_count}, {"failed_count", run.failed_count},
                     {"workloads", workloads}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& run : runs) {
    rows.push_back({std::to_string(run.id), run.timestamp, run.machine, run.git_commit,
                    fmt::format("{} ({} failed)", run.workload_count, run.failed_count), run.command_line});
    for (const auto& w : run.workloads) {
      if (options.workload_regex.empty()) break;
      std::string figures = w.failed ? "FAILED"
                                     : fmt::format("v8 {}  cpython {}  py/js {:.2f}x", FormatDuration(w.v8_median_ns),
                                                   FormatDuration(w.cpython_median_ns), w.ratio);
      rows.push_back({"", "", "", "", "  " + w.id, figures});
    }
  }
  fmt::print("{}", FormatColumns({"id", "measured at", "machine", "commit", "workloads", "command line"}, rows, {1, 2, 3, 4, 5}));
  fmt::print(stderr, "{} run(s) in {}\n", runs.size(), history->location());
  return 0;
}

}  // namespace

CommandRun AddHistoryCommand(CLI::App* history) {
  auto options = std::make_shared<HistoryListOptions>();
  history->add_option("--workload", options->workload_regex, "only runs holding a workload (category/name) matching this regex, "
                                                             "with its medians and ratio");
  history->add_option("--machine", options->machine, "only runs on the machine with this fingerprint (or a prefix of it; "
                                                     "'this' for the machine duet runs on)");
  history->add_flag("--json", options->json, "print the list as JSON");
  AddHistoryOptions(history, &options->history, false);
  return [options](const CommandContext&) { return HistoryList(*options); };
}

namespace {

struct HistoryExportOptions {
  std::vector<int64_t> ids;
  std::string output;
  HistoryOptions history;
};

int HistoryExport(const HistoryExportOptions& options) {
  std::unique_ptr<History> history;
  Status status = History::Open(HistoryLocation(options.history), &history);
  std::vector<int64_t> ids = options.ids;
  if (status.ok() && ids.empty()) status = history->Ids(&ids);
  nlohmann::json runs = nlohmann::json::array();
  for (size_t i = 0; status.ok() && i < ids.size(); ++i) {
    nlohmann::json run;
    status = history->Load(ids[i], &run);
    runs.push_back({{"id", ids[i]}, {"run", std::move(run)}});
  }
  if (!status.ok()) return Fail(status);
  nlohmann::json doc = {{"schema", "duet-history/1"}, {"source", history->location()}, {"runs", runs}};
  std::string output = options.output.empty() ? "-" : options.output;
  Status written = WriteFileAtomically(output, doc.dump(2) + "\n");
  if (!written.ok()) return Fail(written);
  fmt::print(stderr, "history: exported {} run(s) from {}\n", ids.size(), history->location());
  return 0;
}

struct HistoryImportOptions {
  std::string file;
  HistoryOptions history;
};

int HistoryImport(const HistoryImportOptions& options) {
  std::vector<nlohmann::json> runs;
  Status status = ReadHistoryExport(options.file, &runs);
  std::unique_ptr<History> history;
  if (status.ok()) status = History::Open(HistoryLocation(options.history), &history);
  std::vector<int64_t> ids;
  if (status.ok()) status = history->AppendAll(runs, &ids);
  if (!status.ok()) return Fail(status);
  std::string range = ids.empty() ? "" : fmt::format(" as runs {}..{}", ids.front(), ids.back());
  fmt::print(stderr, "history: imported {} run(s) into {}{}\n", ids.size(), history->location(), range);
  return 0;
}

}  // namespace

CommandRun AddHistoryExportCommand(CLI::App* exporting) {
  auto options = std::make_shared<HistoryExportOptions>();
  exporting->add_option("ids", options->ids, "the runs to export (default: all)");
  exporting->add_option("-o,--output", options->output, "where to write it (default: stdout)");
  AddHistoryOptions(exporting, &options->history, false);
  return [options, exporting](const CommandContext&) {
    return HistoryExport({options->ids, options->output, WithParentDb(options->history, exporting)});
  };
}

CommandRun AddHistoryImportCommand(CLI::App* importing) {
  auto options = std::make_shared<HistoryImportOptions>();
  importing->add_option("file", options->file, "a file `duet history export` wrote")->required();
  AddHistoryOptions(importing, &options->history, false);
  return [options, importing](const CommandContext&) {
    return HistoryImport({options->file, WithParentDb(options->history, importing)});
  };
}

namespace {

struct CompareCommandOptions {
  std::string run_a, run_b, json_path;
  double threshold_percent = 5, alpha = 0.05;
  bool fail_on_regression = false, cross_machine = false;
  HistoryOptions history;
};

int Compare(const CompareCommandOptions& o) {
  SessionRecord record_a, record_b;
  std::vector<WorkloadResult> a, b;
  std::string title_a, title_b;
  Status loaded = LoadResults(o.run_a, o.history, &record_a, &a, &title_a);
  if (loaded.ok()) loaded = LoadResults(o.run_b, o.history, &record_b, &b, &title_b);
  if (!loaded.ok()) return Fail(loaded);
  std::string machine_a = MachineFingerprint(record_a.environment), machine_b = MachineFingerprint(record_b.environment);
  std::string notes = MachineNotes(record_a.environment, record_b.environment);
  if (machine_a != machine_b && !o.cross_machine) {
    fmt::print(stderr,
               "duet: {} ran on machine {} and {} on machine {}; their timings are not comparable:\n{}"
               "pass --cross-machine to compare them anyway\n",
               title_a, machine_a, title_b, machine_b, notes);
    return ExitCode(StatusCode::kUsage);
  }
  CompareOptions options{o.threshold_percent / 100, o.alpha};
  std::vector<Change> changes = CompareRuns(a, b, options);
  bool json_to_stdout = o.json_path == "-";
  std::string text = fmt::format("A: {} ({})\nB: {} ({})\n", title_a, record_a.environment.value("timestamp", "?"),
                                 title_b, record_b.environment.value("timestamp", "?")) +
                     (machine_a != machine_b ? fmt::format("across machines: A on {}, B on {}\n", machine_a, machine_b) : "") +
                     notes + FormatComparison(changes, options);
  std::fputs(text.c_str(), json_to_stdout ? stderr : stdout);
  if (!o.json_path.empty()) {
    Status written = WriteJsonFile(o.json_path, ComparisonJson(changes, options));
    if (!written.ok()) return Fail(written);
  }
  // A regression fails CI as a failed workload does.
  return o.fail_on_regression && CountRegressions(changes) > 0 ? kExitWorkloadFailed : 0;
}

}  // namespace

CommandRun AddCompareCommand(CLI::App* compare) {
  auto options = std::make_shared<CompareCommandOptions>();
  compare->add_option("a", options->run_a, "the baseline: a history id, 'latest' or a duet-run/1 JSON file")->required();
  compare->add_option("b", options->run_b, "the candidate: a history id, 'latest' or a duet-run/1 JSON file")->required();
  compare->add_option("--threshold", options->threshold_percent,
                      "a change counts when the median moved more than this many percent (default: 5)")
      ->check(Number(0, /*inclusive=*/true));
  compare->add_option("--alpha", options->alpha, "significance level of the Mann-Whitney U test (default: 0.05)")
      ->check(Number(0, /*inclusive=*/true, 1));
  compare->add_flag("--fail-on-regression", options->fail_on_regression,
                    "exit 1 when any workload regressed or newly fails (for CI)");
  compare->add_option("--json", options->json_path, "also write the comparison as JSON to FILE ('-' for stdout)");
  compare->add_flag("--cross-machine", options->cross_machine, "compare runs taken on machines with different fingerprints");
  AddHistoryOptions(compare, &options->history, false);
  return [options](const CommandContext&) { return Compare(*options); };
}

}  // namespace duet
