// SQLite storage of duet-run/1 documents; see history.h. Tables: runs, workloads (each workload's
// duet-run/1 object minus its sample arrays, plus columns to query), statistics, samples.
#include "report/history.h"

#include <sqlite3.h>

#include <cstdlib>
#include <regex>

namespace duet {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY,
  schema TEXT NOT NULL,
  timestamp TEXT,
  duet_version TEXT,
  git_commit TEXT,
  command_line TEXT,
  environment TEXT NOT NULL,
  calibration TEXT NOT NULL,
  warnings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workloads(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  workload TEXT NOT NULL,
  failed INTEGER NOT NULL,
  results_match INTEGER,
  ratio REAL, ratio_low REAL, ratio_high REAL,
  document TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS workloads_by_run ON workloads(run_id, position);
CREATE TABLE IF NOT EXISTS statistics(
  workload_id INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
  runtime TEXT NOT NULL,
  count INTEGER NOT NULL,
  median_ns INTEGER, median_ci_low_ns INTEGER, median_ci_high_ns INTEGER,
  mean_ns INTEGER, stdev_ns INTEGER, min_ns INTEGER, max_ns INTEGER, q1_ns INTEGER, q3_ns INTEGER,
  outliers INTEGER,
  PRIMARY KEY(workload_id, runtime));
CREATE TABLE IF NOT EXISTS samples(
  workload_id INTEGER NOT NULL REFERENCES workloads(id) ON DELETE CASCADE,
  runtime TEXT NOT NULL,
  idx INTEGER NOT NULL,
  wall_ns INTEGER NOT NULL,
  cpu_ns INTEGER NOT NULL,
  PRIMARY KEY(workload_id, runtime, idx)) WITHOUT ROWID;
)sql";

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

// One prepared statement; binds by 1-based position and steps. Errors name the database file.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    prepared_ = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    statement_.reset(raw);
  }
  Statement& Bind(int at, int64_t value) {
    sqlite3_bind_int64(statement_.get(), at, value);
    return *this;
  }
  Statement& Bind(int at, const std::string& value) {
    sqlite3_bind_text(statement_.get(), at, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // JSON null binds SQL NULL; numbers keep their kind; anything else binds its JSON text.
  Statement& Bind(int at, const nlohmann::json& value) {
    if (value.is_null()) {
      sqlite3_bind_null(statement_.get(), at);
    } else if (value.is_number_integer() || value.is_boolean()) {
      Bind(at, value.is_boolean() ? int64_t{value.get<bool>()} : value.get<int64_t>());
    } else if (value.is_number()) {
      sqlite3_bind_double(statement_.get(), at, value.get<double>());
    } else {
      Bind(at, value.is_string() ? value.get<std::string>() : value.dump());
    }
    return *this;
  }
  // SQLITE_ROW (true) or SQLITE_DONE (false); anything else lands in `status`.
  bool Step(Status* status) {
    if (prepared_ != SQLITE_OK) {
      *status = Status::Error(std::string("history: ") + sqlite3_errmsg(db_));
      return false;
    }
    int rc = sqlite3_step(statement_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) *status = Status::Error(std::string("history: ") + sqlite3_errmsg(db_));
    return false;
  }
  // Runs a statement that returns no rows, then makes it ready for new bindings.
  Status Run() {
    Status status;
    Step(&status);
    Reset();
    return status;
  }
  void Reset() { sqlite3_reset(statement_.get()); }
  int64_t Int(int column) const { return sqlite3_column_int64(statement_.get(), column); }
  double Double(int column) const { return sqlite3_column_double(statement_.get(), column); }
  bool IsNull(int column) const { return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL; }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_.get(), column);
    return text == nullptr ? "" : reinterpret_cast<const char*>(text);
  }

 private:
  sqlite3* db_;
  int prepared_ = SQLITE_ERROR;
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> statement_;
};

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

}  // namespace

std::filesystem::path DefaultHistoryPath() {
  if (const char* db = std::getenv("DUET_DB"); db != nullptr && *db != '\0') return db;
  std::filesystem::path data;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    data = xdg;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    data = std::filesystem::path(home) / ".local" / "share";
  } else {
    data = ".";
  }
  return data / "duet" / "history.sqlite";
}

void History::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }

Status History::Open(const std::filesystem::path& path, std::unique_ptr<History>* out) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::Error("history: cannot create " + path.parent_path().string() + ": " + ec.message());
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto history = std::make_unique<History>(Token{}, path, raw);  // owns `raw` even when the open failed
  if (rc != SQLITE_OK) return Status::Error("history: cannot open " + path.string() + ": " + sqlite3_errmsg(raw));
  // Two duet processes may append at once (parallel test runs, a CI matrix on one machine).
  sqlite3_busy_timeout(raw, 10'000);
  DUET_RETURN_IF_ERROR(history->Exec("PRAGMA foreign_keys = ON"));
  Statement version(raw, "PRAGMA user_version");
  Status status;
  int64_t found = version.Step(&status) ? version.Int(0) : 0;
  DUET_RETURN_IF_ERROR(status);
  if (found > kSchemaVersion) {
    return Status::Error("history: " + path.string() + " was written by a newer duet (schema version " +
                         std::to_string(found) + ")");
  }
  DUET_RETURN_IF_ERROR(history->Exec(kSchemaSql));
  DUET_RETURN_IF_ERROR(history->Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str()));
  *out = std::move(history);
  return Status::Ok();
}

Status History::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errmsg(db_.get());
  sqlite3_free(message);
  return Status::Error("history: " + path_.string() + ": " + text);
}

Status History::Append(const nlohmann::json& run, int64_t* id) {
  // IMMEDIATE takes the write lock up front, so a concurrent writer waits instead of failing later.
  DUET_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto append = [&]() -> Status {
    const nlohmann::json& environment = At(run, {"environment"});
    Statement insert_run(db_.get(),
                         "INSERT INTO runs(schema, timestamp, duet_version, git_commit, command_line, environment, "
                         "calibration, warnings) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    insert_run.Bind(1, At(run, {"schema"}))
        .Bind(2, At(environment, {"timestamp"}))
        .Bind(3, At(environment, {"versions", "duet"}))
        .Bind(4, At(environment, {"versions", "git_commit"}))
        .Bind(5, JoinCommandLine(At(environment, {"command_line"})))
        .Bind(6, environment.dump())
        .Bind(7, At(run, {"calibration"}).dump())
        .Bind(8, At(run, {"warnings"}).dump());
    DUET_RETURN_IF_ERROR(insert_run.Run());
    *id = sqlite3_last_insert_rowid(db_.get());

    Statement insert_workload(db_.get(),
                              "INSERT INTO workloads(run_id, position, workload, failed, results_match, ratio, "
                              "ratio_low, ratio_high, document) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Statement insert_stats(db_.get(),
                           "INSERT INTO statistics(workload_id, runtime, count, median_ns, median_ci_low_ns, "
                           "median_ci_high_ns, mean_ns, stdev_ns, min_ns, max_ns, q1_ns, q3_ns, outliers) "
                           "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Statement insert_sample(db_.get(),
                            "INSERT INTO samples(workload_id, runtime, idx, wall_ns, cpu_ns) VALUES(?, ?, ?, ?, ?)");
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
      insert_workload.Bind(1, *id)
          .Bind(2, position++)
          .Bind(3, w.value("category", "") + "/" + w.value("name", ""))
          .Bind(4, int64_t{!At(w, {"error"}).is_null()})
          .Bind(5, At(w, {"results_match"}))
          .Bind(6, At(ratio, {"cpython_over_v8"}))
          .Bind(7, ci.is_array() ? ci[0] : nlohmann::json())
          .Bind(8, ci.is_array() ? ci[1] : nlohmann::json())
          .Bind(9, document.dump());
      DUET_RETURN_IF_ERROR(insert_workload.Run());
      int64_t workload_id = sqlite3_last_insert_rowid(db_.get());
      for (const auto& [runtime, r] : At(w, {"runtimes"}).items()) {
        const nlohmann::json& wall = At(r, {"stats", "wall"});
        if (wall.is_object()) {
          insert_stats.Bind(1, workload_id).Bind(2, runtime).Bind(3, wall["count"]).Bind(4, wall["median_ns"]);
          insert_stats.Bind(5, wall["median_ci95_ns"][0]).Bind(6, wall["median_ci95_ns"][1]);
          int at = 7;
          for (const char* key : {"mean_ns", "stdev_ns", "min_ns", "max_ns", "q1_ns", "q3_ns", "outliers"}) {
            insert_stats.Bind(at++, wall[key]);
          }
          DUET_RETURN_IF_ERROR(insert_stats.Run());
        }
        const nlohmann::json& walls = At(r, {"samples_ns"});
        const nlohmann::json& cpus = At(r, {"cpu_samples_ns"});
        for (size_t i = 0; walls.is_array() && i < walls.size(); ++i) {
          insert_sample.Bind(1, workload_id)
              .Bind(2, runtime)
              .Bind(3, static_cast<int64_t>(i))
              .Bind(4, walls[i])
              .Bind(5, cpus.is_array() && i < cpus.size() ? cpus[i] : nlohmann::json(0));
          DUET_RETURN_IF_ERROR(insert_sample.Run());
        }
      }
    }
    return Status::Ok();
  };
  Status appended = append();
  if (!appended.ok()) {
    Exec("ROLLBACK");
    return appended;
  }
  return Exec("COMMIT");
}

Status History::List(const std::string& workload_regex, std::vector<HistoryRun>* runs) {
  std::regex re;
  try {
    re = std::regex(workload_regex.empty() ? ".*" : workload_regex);
  } catch (const std::regex_error& e) {
    return Status::Error("--workload: invalid regular expression '" + workload_regex + "': " + e.what());
  }
  Statement list(db_.get(),
                 "SELECT r.id, r.timestamp, r.duet_version, r.git_commit, r.command_line, w.workload, w.failed, "
                 "w.ratio, (SELECT median_ns FROM statistics WHERE workload_id = w.id AND runtime = 'v8'), "
                 "(SELECT median_ns FROM statistics WHERE workload_id = w.id AND runtime = 'cpython') "
                 "FROM runs r LEFT JOIN workloads w ON w.run_id = r.id ORDER BY r.id, w.position");
  Status status;
  std::vector<HistoryRun> all;
  while (list.Step(&status)) {
    if (all.empty() || all.back().id != list.Int(0)) {
      HistoryRun run;
      run.id = list.Int(0);
      run.timestamp = list.Text(1);
      run.duet_version = list.Text(2);
      run.git_commit = list.Text(3);
      run.command_line = list.Text(4);
      all.push_back(std::move(run));
    }
    HistoryRun& run = all.back();
    if (list.IsNull(5)) continue;  // a run without workloads
    HistoryWorkload w{list.Text(5), list.Int(6) != 0, list.Int(8), list.Int(9), list.IsNull(7) ? 0 : list.Double(7)};
    ++run.workload_count;
    run.failed_count += w.failed;
    if (std::regex_search(w.id, re)) run.workloads.push_back(std::move(w));
  }
  DUET_RETURN_IF_ERROR(status);
  for (HistoryRun& run : all) {
    if (workload_regex.empty() || !run.workloads.empty()) runs->push_back(std::move(run));
  }
  return Status::Ok();
}

Status History::Load(int64_t id, nlohmann::json* run) {
  Statement head(db_.get(), "SELECT schema, environment, calibration, warnings FROM runs WHERE id = ?");
  head.Bind(1, id);
  Status status;
  if (!head.Step(&status)) {
    DUET_RETURN_IF_ERROR(status);
    return Status::Error("history: no run " + std::to_string(id) + " in " + path_.string());
  }
  *run = {{"schema", head.Text(0)},
          {"environment", nlohmann::json::parse(head.Text(1))},
          {"calibration", nlohmann::json::parse(head.Text(2))},
          {"warnings", nlohmann::json::parse(head.Text(3))},
          {"workloads", nlohmann::json::array()}};
  Statement workloads(db_.get(), "SELECT id, document FROM workloads WHERE run_id = ? ORDER BY position");
  Statement samples(db_.get(), "SELECT runtime, wall_ns, cpu_ns FROM samples WHERE workload_id = ? ORDER BY runtime, idx");
  workloads.Bind(1, id);
  while (workloads.Step(&status)) {
    nlohmann::json w = nlohmann::json::parse(workloads.Text(1));
    for (auto& [runtime, r] : w["runtimes"].items()) {
      r["samples_ns"] = nlohmann::json::array();
      r["cpu_samples_ns"] = nlohmann::json::array();
    }
    samples.Bind(1, workloads.Int(0));
    while (samples.Step(&status)) {
      nlohmann::json& r = w["runtimes"][samples.Text(0)];
      r["samples_ns"].push_back(static_cast<uint64_t>(samples.Int(1)));
      r["cpu_samples_ns"].push_back(static_cast<uint64_t>(samples.Int(2)));
    }
    samples.Reset();
    DUET_RETURN_IF_ERROR(status);
    (*run)["workloads"].push_back(std::move(w));
  }
  return status;
}

Status History::LatestId(int64_t* id) {
  Statement latest(db_.get(), "SELECT max(id) FROM runs");
  Status status;
  if (latest.Step(&status) && !latest.IsNull(0)) {
    *id = latest.Int(0);
    return Status::Ok();
  }
  DUET_RETURN_IF_ERROR(status);
  return Status::Error("history: " + path_.string() + " holds no runs yet");
}

}  // namespace duet
