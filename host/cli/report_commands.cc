// report, history and compare; see report_commands.h. Exit codes as in main.cc: 0 ok, 1 failed
// (or, with --fail-on-regression, a regression), 2 usage.
#include "cli/report_commands.h"

#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>

#include "cli/bundled_files.h"
#include "cli/options.h"
#include "report/claims.h"
#include "report/compare.h"
#include "report/gbench.h"
#include "report/history.h"
#include "report/html_report.h"
#include "report/json_report.h"
#include "report/table.h"

namespace duet {
namespace {

std::filesystem::path HistoryPath(const HistoryOptions& options) {
  return options.db.empty() ? DefaultHistoryPath() : std::filesystem::path(options.db);
}

int Fail(const Status& status, int code = 1) {
  fmt::print(stderr, "duet: {}\n", status.ToString());
  return code;
}

// The run `which` names, parsed into results; the claims file is read when `claims_path` is set.
Status LoadResults(const std::string& which, const HistoryOptions& options, SessionRecord* record,
                   std::vector<WorkloadResult>* results, std::string* title) {
  nlohmann::json doc;
  DUET_RETURN_IF_ERROR(LoadRun(which, options, &doc, title));
  Status parsed = ResultsFromRunJson(doc, record, results);
  if (!parsed.ok()) return Status::Error(*title + ": " + parsed.message());
  return Status::Ok();
}

}  // namespace

void AddHistoryOptions(CLI::App* command, HistoryOptions* options, bool measuring) {
  command->add_option("--db", options->db,
                      "the history database (default: $DUET_DB, else $XDG_DATA_HOME/duet/history.sqlite, else "
                      "~/.local/share/duet/history.sqlite)");
  if (measuring) command->add_flag("--no-history", options->no_history, "do not append this run to the history");
}

void RecordRun(const HistoryOptions& options, const nlohmann::json& run) {
  if (options.no_history) return;
  std::unique_ptr<History> history;
  Status status = History::Open(HistoryPath(options), &history);
  int64_t id = 0;
  if (status.ok()) status = history->Append(run, &id);
  if (!status.ok()) {
    fmt::print(stderr, "duet: the run was not recorded: {}\n", status.ToString());
    return;
  }
  fmt::print(stderr, "history: run {} appended to {}\n", id, history->path().string());
}

Status LoadRun(const std::string& which, const HistoryOptions& options, nlohmann::json* run, std::string* title) {
  bool is_id = which == "latest" || (!which.empty() && which.find_first_not_of("0123456789") == std::string::npos);
  if (!is_id || std::filesystem::exists(which)) {
    *title = std::filesystem::path(which).filename().string();
    return ReadRunJson(which, run);
  }
  std::unique_ptr<History> history;
  DUET_RETURN_IF_ERROR(History::Open(HistoryPath(options), &history));
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

ReportCommands::ReportCommands(CLI::App& app) {
  report_ = app.add_subcommand("report", "write a report of a run: HTML with charts, or an export other tools read");
  report_->add_option("run", run_, "a duet-run/1 JSON file, or a history id ('latest' for the newest)")->required();
  report_->add_option("-o,--output", output_, "where to write it (default: report.html for html, else stdout; '-' is stdout)");
  report_->add_option("--export", format_,
                      "html (default), markdown (a PR comment), csv, gbench (Google Benchmark JSON for its compare.py), "
                      "json (duet-run/1) or table")
      ->check(CLI::IsMember({"html", "markdown", "csv", "gbench", "json", "table"}));
  report_->add_option("--claims", claims_, "the claims file the HTML report judges (default: workloads/claims.json)");
  AddHistoryOptions(report_, &history_options_, false);

  history_ = app.add_subcommand("history", "list the runs recorded in the history");
  history_->add_option("--workload", workload_regex_, "only runs holding a workload (category/name) matching this regex, "
                                                      "with its medians and ratio");
  history_->add_flag("--json", json_, "print the list as JSON");
  AddHistoryOptions(history_, &history_options_, false);

  compare_ = app.add_subcommand("compare", "compare two runs per workload and runtime, with a significance test");
  compare_->add_option("a", run_a_, "the baseline: a history id, 'latest' or a duet-run/1 JSON file")->required();
  compare_->add_option("b", run_b_, "the candidate: a history id, 'latest' or a duet-run/1 JSON file")->required();
  compare_->add_option("--threshold", threshold_percent_, "a change counts when the median moved more than this many percent (default: 5)")
      ->check(Number(0, /*inclusive=*/true));
  compare_->add_option("--alpha", alpha_, "significance level of the Mann-Whitney U test (default: 0.05)")
      ->check(Number(0, /*inclusive=*/true, 1));
  compare_->add_flag("--fail-on-regression", fail_on_regression_, "exit 1 when any workload regressed or newly fails (for CI)");
  compare_->add_option("--json", compare_json_, "also write the comparison as JSON to FILE ('-' for stdout)");
  AddHistoryOptions(compare_, &history_options_, false);
}

std::optional<int> ReportCommands::Dispatch() const {
  if (report_->parsed()) return Report();
  if (history_->parsed()) return HistoryList();
  if (compare_->parsed()) return Compare();
  return std::nullopt;
}

int ReportCommands::Report() const {
  SessionRecord record;
  std::vector<WorkloadResult> results;
  std::string title;
  Status loaded = LoadResults(run_, history_options_, &record, &results, &title);
  if (!loaded.ok()) return Fail(loaded);
  std::string output = output_.empty() ? (format_ == "html" ? "report.html" : "-") : output_;
  std::string text;
  if (format_ == "html") {
    std::vector<ClaimSpec> claims;
    Status read = LoadClaims(claims_.empty() ? DefaultClaimsPath() : claims_, &claims);
    if (!read.ok()) return Fail(read);
    text = HtmlReport(title, record, results, MeasuredClaims(JudgeClaims(claims, results)));
  } else if (format_ == "markdown") {
    text = FormatMarkdown(results);
  } else if (format_ == "csv") {
    text = FormatCsv(results);
  } else if (format_ == "gbench") {
    text = GbenchJson(record, results).dump(2) + "\n";
  } else if (format_ == "json") {
    text = RunJson(record, results).dump(2) + "\n";
  } else {
    text = FormatTable(results, output == "-" ? TableWidth(STDOUT_FILENO) : kTableWidth);
  }
  Status written = WriteFileAtomically(output, text);
  if (!written.ok()) return Fail(written);
  if (output != "-") fmt::print(stderr, "duet: wrote {}\n", output);
  return 0;
}

int ReportCommands::HistoryList() const {
  std::unique_ptr<History> history;
  Status opened = History::Open(HistoryPath(history_options_), &history);
  if (!opened.ok()) return Fail(opened);
  std::vector<HistoryRun> runs;
  Status listed = history->List(workload_regex_, &runs);
  if (!listed.ok()) return Fail(listed, 2);
  if (json_) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& run : runs) {
      nlohmann::json workloads = nlohmann::json::array();
      for (const auto& w : run.workloads) {
        workloads.push_back({{"workload", w.id}, {"failed", w.failed}, {"v8_median_ns", w.v8_median_ns},
                             {"cpython_median_ns", w.cpython_median_ns},
                             {"cpython_over_v8", w.ratio > 0 ? nlohmann::json(w.ratio) : nlohmann::json(nullptr)}});
      }
      out.push_back({{"id", run.id}, {"timestamp", run.timestamp}, {"duet_version", run.duet_version},
                     {"git_commit", run.git_commit}, {"command_line", run.command_line},
                     {"workload_count", run.workload_count}, {"failed_count", run.failed_count},
                     {"workloads", workloads}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& run : runs) {
    rows.push_back({std::to_string(run.id), run.timestamp, run.git_commit,
                    fmt::format("{} ({} failed)", run.workload_count, run.failed_count), run.command_line});
    for (const auto& w : run.workloads) {
      if (workload_regex_.empty()) break;
      std::string figures = w.failed ? "FAILED"
                                     : fmt::format("v8 {}  cpython {}  py/js {:.2f}x", FormatDuration(w.v8_median_ns),
                                                   FormatDuration(w.cpython_median_ns), w.ratio);
      rows.push_back({"", "", "", "  " + w.id, figures});
    }
  }
  fmt::print("{}", FormatColumns({"id", "measured at", "commit", "workloads", "command line"}, rows, {1, 2, 3, 4}));
  fmt::print(stderr, "{} run(s) in {}\n", runs.size(), history->path().string());
  return 0;
}

int ReportCommands::Compare() const {
  SessionRecord record_a, record_b;
  std::vector<WorkloadResult> a, b;
  std::string title_a, title_b;
  Status loaded = LoadResults(run_a_, history_options_, &record_a, &a, &title_a);
  if (loaded.ok()) loaded = LoadResults(run_b_, history_options_, &record_b, &b, &title_b);
  if (!loaded.ok()) return Fail(loaded);
  CompareOptions options{threshold_percent_ / 100, alpha_};
  std::vector<Change> changes = CompareRuns(a, b, options);
  bool json_to_stdout = compare_json_ == "-";
  std::string text = fmt::format("A: {} ({})\nB: {} ({})\n", title_a, record_a.environment.value("timestamp", "?"),
                                 title_b, record_b.environment.value("timestamp", "?")) +
                     FormatComparison(changes, options);
  std::fputs(text.c_str(), json_to_stdout ? stderr : stdout);
  if (!compare_json_.empty()) {
    Status written = WriteJsonFile(compare_json_, ComparisonJson(changes, options));
    if (!written.ok()) return Fail(written);
  }
  return fail_on_regression_ && CountRegressions(changes) > 0 ? 1 : 0;
}

}  // namespace duet
