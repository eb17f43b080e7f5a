// The history plumbing the commands share: --db and --no-history, appending a run, loading a
// run from a file or the history. The commands that read results (report, history, compare)
// are rows of the Command table defined in report_commands.cc.
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/status.h"

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
Status ReadRun(const std::string& which, const HistoryOptions& options, nlohmann::json* run, std::string* title);
// The bundled suite's claims file: workloads/claims.json beside the bundled workloads.
std::string DefaultClaimsPath();

}  // namespace duet
