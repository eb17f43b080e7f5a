// The commands that read results instead of measuring them: `report`, `history`, `compare`;
// plus the history plumbing `run` and `claims` share (--db, --no-history, appending a run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/workload_pair.h"
#include "core/status.h"
#include "report/claims.h"
#include "report/json_report.h"

namespace duet {

struct HistoryOptions {
  std::string db;  // empty: DefaultHistoryLocation()
  bool no_history = false;
};

// --db when given, else DefaultHistoryLocation().
std::string HistoryLocation(const HistoryOptions& options);
// Adds --db (and, for commands that measure, --no-history) to `command`.
void AddHistoryOptions(CLI::App* command, HistoryOptions* options, bool measuring);
// Appends a finished run to the history unless --no-history; says where on stderr. A history
// that cannot be written is reported and the run's own result stands.
void RecordRun(const HistoryOptions& options, const nlohmann::json& run);
// A duet-run/1 document from a JSON file, or from the history by id ("12", or "latest").
// `*title` names it for reports ("run.json", "history run 12").
Status LoadRun(const std::string& which, const HistoryOptions& options, nlohmann::json* run, std::string* title);
// The bundled suite's claims file: workloads/claims.json beside the bundled workloads.
std::string DefaultClaimsPath();
// `duet claims --html FILE`: the verdicts, the untestable claims of `claims_path`, the machine,
// and the code of every workload in `pairs` the claims name.
Status WriteClaimsPage(const std::string& path, const std::string& claims_path, const std::vector<ClaimVerdict>& verdicts,
                       const SessionRecord& record, const std::string& size, const std::vector<WorkloadPair>& pairs);

// Registers report, history and compare on `app`; Dispatch runs whichever was parsed.
class ReportCommands {
 public:
  explicit ReportCommands(CLI::App& app);
  // The exit code of the parsed command, or nothing when none of these was parsed.
  std::optional<int> Dispatch() const;

 private:
  int Report() const;
  int HistoryList() const;
  int HistoryExport() const;
  int HistoryImport() const;
  int Compare() const;

  CLI::App* report_ = nullptr;
  CLI::App* history_ = nullptr;
  CLI::App* compare_ = nullptr;
  CLI::App* export_ = nullptr;
  CLI::App* import_ = nullptr;
  HistoryOptions history_options_;
  std::string run_, output_, format_ = "html", claims_;
  std::string workload_regex_, machine_;
  std::vector<int64_t> export_ids_;
  std::string import_file_;
  bool json_ = false;
  std::string run_a_, run_b_, compare_json_;
  double threshold_percent_ = 5, alpha_ = 0.05;
  bool fail_on_regression_ = false, cross_machine_ = false;
};

}  // namespace duet
