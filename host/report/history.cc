// Storage of duet-run/1 documents on either backend; see history.h and, for the tables,
// history_schema.cc. Every statement here is written once for both backends.
#include "report/history.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "core/machine.h"
#include "core/runtime_id.h"
#include "report/history_schema.h"

namespace duet {
namespace {

std::string JoinCommandLine(const nlohmann::json& command_line) {
  std::string text;
  if (!command_line.is_array()) return text;
  for (const auto& word : command_line) text += (text.empty() ? "" : " ") + word.get<std::string>();
  return text;
}

const nlohmann::json& At(const nlohmann::json& object, std::initializer_list<const char*> path) {
  static const nlohmann::json kNull;
  const nlohmann::json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return kNull;
    at = &(*at)[key];
  }
  return *at;
}

// Sample rows per INSERT: 3 parameters each, well below both backends' limits (SQLite 32766,
// PostgreSQL 65535), and few distinct statement texts to prepare.
constexpr size_t kSamplesPerInsert = 1000;

// INSERT INTO samples ... VALUES ($1, $2, $3, $4, $5), ($1, $2, $6, $7, $8), ...: `rows` rows
// sharing the workload id and runtime.
std::string SampleInsert(size_t rows) {
  std::string sql = "INSERT INTO samples(workload_id, runtime, idx, wall_ns, cpu_ns) VALUES";
  for (size_t row = 0; row < rows; ++row) {
    size_t at = 3 + 3 * row;
    sql += (row == 0 ? " " : ", ") + ("($1, $2, $" + std::to_string(at)) + ", $" + std::to_string(at + 1) + ", $" +
           std::to_string(at + 2) + ")";
  }
  return sql;
}

// A database failure as the history reports it: its kind kept (an unwritable file stays I/O).
Status HistoryError(const Status& status) { return status.Prefixed("history: "); }

Status ParseColumn(const std::string& text, const std::string& what, nlohmann::json* out) {
  *out = nlohmann::json::parse(text, nullptr, false);
  if (out->is_discarded()) return Status::Error("history: a stored " + what + " is not valid JSON");
  return Status::Ok();
}

}  // namespace

std::string DefaultHistoryLocation() {
  if (const char* db = std::getenv("DUET_DB"); db != nullptr && *db != '\0') return db;
  std::filesystem::path data;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    data = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    data = std::filesystem::path(home) / ".local" / "share";
  } else {
    data = ".";
  }
  return (data / "duet" / "history.sqlite").string();
}

Status History::Open(const std::string& location, std::unique_ptr<History>* out) {
  std::unique_ptr<SqlDatabase> db;
  Status opened = OpenSqlDatabase(location, &db);
  if (opened.ok()) opened = MigrateHistory(*db);
  if (!opened.ok()) return HistoryError(opened);
  *out = std::make_unique<History>(Token{}, std::move(db));
  return Status::Ok();
}

Status History::Append(const nlohmann::json& run, int64_t* id) {
  std::vector<int64_t> ids;
  DUET_RETURN_IF_ERROR(AppendAll({run}, &ids));
  *id = ids.at(0);
  return Status::Ok();
}

Status History::AppendAll(const std::vector<nlohmann::json>& runs, std::vector<int64_t>* ids) {
  if (Status begun = db_->BeginWrite(); !begun.ok()) return HistoryError(begun);
  for (const nlohmann::json& run : runs) {
    int64_t id = 0;
    Status appended = AppendOne(run, &id);
    if (!appended.ok()) {
      db_->Rollback();
      return HistoryError(appended);
    }
    ids->push_back(id);
  }
  if (Status committed = db_->Commit(); !committed.ok()) return HistoryError(committed);
  return Status::Ok();
}

Status History::AppendOne(const nlohmann::json& run, int64_t* id) {
  const nlohmann::json& environment = At(run, {"environment"});
  SqlRows inserted;
  DUET_RETURN_IF_ERROR(db_->Query(
      "INSERT INTO runs(schema, timestamp, duet_version, git_commit, command_line, environment, calibration, "
      "warnings, machine) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      {At(run, {"schema"}), At(environment, {"timestamp"}), At(environment, {"versions", "duet"}),
       At(environment, {"versions", "git_commit"}), JoinCommandLine(At(environment, {"command_line"})),
       environment.dump(), At(run, {"calibration"}).dump(), At(run, {"warnings"}).dump(),
       MachineFingerprint(environment)},
      &inserted));
  *id = inserted.at(0).Int(0);

  int64_t position = 0;
  for (const nlohmann::json& w : At(run, {"workloads"})) {
    // The samples go to their own table; the rest of the workload object is kept verbatim.
    nlohmann::json document = w;
    for (auto& [runtime, r] : document["runtimes"].items()) {
      r.erase("samples_ns");
      r.erase("cpu_samples_ns");
    }
    const nlohmann::json& ratio = At(w, {"ratio"});
    const nlohmann::json& ci = At(ratio, {"ci95"});
    SqlRows workload_row;
    DUET_RETURN_IF_ERROR(db_->Query(
        "INSERT INTO workloads(run_id, position, workload, failed, results_match, ratio, ratio_low, ratio_high, "
        "document) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        {*id, position++, w.value("category", "") + "/" + w.value("name", ""), int64_t{!At(w, {"error"}).is_null()},
         At(w, {"results_match"}), At(ratio, {"cpython_over_v8"}), ci.is_array() ? ci[0] : nlohmann::json(),
         ci.is_array() ? ci[1] : nlohmann::json(), document.dump()},
        &workload_row));
    int64_t workload_id = workload_row.at(0).Int(0);
    for (const auto& [runtime, r] : At(w, {"runtimes"}).items()) {
      const nlohmann::json& wall = At(r, {"stats", "wall"});
      if (wall.is_object()) {
        std::vector<nlohmann::json> values = {workload_id, runtime, wall["count"], wall["median_ns"],
                                              wall["median_ci95_ns"][0], wall["median_ci95_ns"][1]};
        for (const char* key : {"mean_ns", "stdev_ns", "min_ns", "max_ns", "q1_ns", "q3_ns", "outliers"}) {
          values.push_back(wall[key]);
        }
        DUET_RETURN_IF_ERROR(db_->Query(
            "INSERT INTO statistics(workload_id, runtime, count, median_ns, median_ci_low_ns, median_ci_high_ns, "
            "mean_ns, stdev_ns, min_ns, max_ns, q1_ns, q3_ns, outliers) "
            "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            values));
      }
      const nlohmann::json& walls = At(r, {"samples_ns"});
      const nlohmann::json& cpus = At(r, {"cpu_samples_ns"});
      size_t count = walls.is_array() ? walls.size() : 0;
      // Many rows per statement: one round trip to a PostgreSQL server per sample made a run of
      // 200 000 samples take 7.5 s to store.
      for (size_t first = 0; first < count; first += kSamplesPerInsert) {
        size_t rows = std::min(kSamplesPerInsert, count - first);
        std::vector<nlohmann::json> values = {workload_id, runtime};
        for (size_t i = first; i < first + rows; ++i) {
          values.insert(values.end(), {static_cast<int64_t>(i), walls[i],
                                       cpus.is_array() && i < cpus.size() ? cpus[i] : nlohmann::json(0)});
        }
        DUET_RETURN_IF_ERROR(db_->Query(SampleInsert(rows), values));
      }
    }
  }
  return Status::Ok();
}

Status History::List(const HistoryFilter& filter, std::vector<HistoryRun>* runs) {
  std::regex re;
  try {
    re = std::regex(filter.workload_regex.empty() ? ".*" : filter.workload_regex);
  } catch (const std::regex_error& e) {
    return Status::Usage("--workload: invalid regular expression '" + filter.workload_regex + "': " + e.what());
  }
  SqlRows rows;
  Status listed = db_->Query(
      "SELECT r.id, r.timestamp, r.duet_version, r.git_commit, r.command_line, r.machine, w.workload, w.failed, "
      "w.ratio, (SELECT median_ns FROM statistics WHERE workload_id = w.id AND runtime = $1), "
      "(SELECT median_ns FROM statistics WHERE workload_id = w.id AND runtime = $2) "
      "FROM runs r LEFT JOIN workloads w ON w.run_id = r.id ORDER BY r.id, w.position",
      {std::string(RuntimeKey(RuntimeId::kV8)), std::string(RuntimeKey(RuntimeId::kCPython))}, &rows);
  if (!listed.ok()) return HistoryError(listed);
  std::vector<HistoryRun> all;
  for (const SqlRow& row : rows) {
    if (all.empty() || all.back().id != row.Int(0)) {
      all.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5), 0, 0, {}});
    }
    HistoryRun& run = all.back();
    if (row.IsNull(6)) continue;  // a run without workloads
    HistoryWorkload w{row.Text(6), row.Int(7) != 0, row.Int(9), row.Int(10), row.Double(8)};
    ++run.workload_count;
    run.failed_count += w.failed;
    if (std::regex_search(w.id, re)) run.workloads.push_back(std::move(w));
  }
  for (HistoryRun& run : all) {
    if (!filter.workload_regex.empty() && run.workloads.empty()) continue;
    if (run.machine.rfind(filter.machine, 0) != 0) continue;
    runs->push_back(std::move(run));
  }
  return Status::Ok();
}

Status History::Load(int64_t id, nlohmann::json* run) {
  SqlRows head;
  Status read = db_->Query("SELECT schema, environment, calibration, warnings FROM runs WHERE id = $1", {id}, &head);
  if (!read.ok()) return HistoryError(read);
  if (head.empty()) return Status::Error("history: no run " + std::to_string(id) + " in " + location());
  nlohmann::json environment, calibration, warnings;
  DUET_RETURN_IF_ERROR(ParseColumn(head[0].Text(1), "environment", &environment));
  DUET_RETURN_IF_ERROR(ParseColumn(head[0].Text(2), "calibration", &calibration));
  DUET_RETURN_IF_ERROR(ParseColumn(head[0].Text(3), "warnings list", &warnings));
  *run = {{"schema", head[0].Text(0)},
          {"environment", environment},
          {"calibration", calibration},
          {"warnings", warnings},
          {"workloads", nlohmann::json::array()}};
  SqlRows workloads;
  read = db_->Query("SELECT id, document FROM workloads WHERE run_id = $1 ORDER BY position", {id}, &workloads);
  if (!read.ok()) return HistoryError(read);
  for (const SqlRow& row : workloads) {
    nlohmann::json w;
    DUET_RETURN_IF_ERROR(ParseColumn(row.Text(1), "workload", &w));
    for (auto& [runtime, r] : w["runtimes"].items()) {
      r["samples_ns"] = nlohmann::json::array();
      r["cpu_samples_ns"] = nlohmann::json::array();
    }
    SqlRows samples;
    read = db_->Query("SELECT runtime, wall_ns, cpu_ns FROM samples WHERE workload_id = $1 ORDER BY runtime, idx",
                      {row.Int(0)}, &samples);
    if (!read.ok()) return HistoryError(read);
    for (const SqlRow& sample : samples) {
      nlohmann::json& r = w["runtimes"][sample.Text(0)];
      r["samples_ns"].push_back(static_cast<uint64_t>(sample.Int(1)));
      r["cpu_samples_ns"].push_back(static_cast<uint64_t>(sample.Int(2)));
    }
    (*run)["workloads"].push_back(std::move(w));
  }
  return Status::Ok();
}

Status History::LatestId(int64_t* id) {
  std::vector<int64_t> ids;
  DUET_RETURN_IF_ERROR(Ids(&ids));
  if (ids.empty()) return Status::Error("history: " + location() + " holds no runs yet");
  *id = ids.back();
  return Status::Ok();
}

Status History::Ids(std::vector<int64_t>* ids) {
  SqlRows rows;
  Status read = db_->Query("SELECT id FROM runs ORDER BY id", {}, &rows);
  if (!read.ok()) return HistoryError(read);
  for (const SqlRow& row : rows) ids->push_back(row.Int(0));
  return Status::Ok();
}

}  // namespace duet
