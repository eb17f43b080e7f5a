// The run history: every `duet run` appended to one database, SQLite by default or PostgreSQL
// for a history shared by many machines, one transaction per run (the run, its environment
// record and machine fingerprint, every workload's statistics and raw samples), read back by
// `duet history`, `duet compare` and `duet report`. A History is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "db/sql_database.h"

namespace duet {

// $DUET_DB when set, else $XDG_DATA_HOME/duet/history.sqlite, else
// ~/.local/share/duet/history.sqlite (the XDG default data directory).
std::string DefaultHistoryLocation();

// One workload of a listed run, as `duet history --workload RE` prints it.
struct HistoryWorkload {
  std::string id;  // category/name
  bool failed = false;
  int64_t v8_median_ns = 0, cpython_median_ns = 0;  // 0 without samples
  double ratio = 0;                                 // 0 when there is no ratio (a failure)
};

struct HistoryRun {
  int64_t id = 0;
  std::string timestamp, duet_version, git_commit, command_line, machine;
  int workload_count = 0, failed_count = 0;
  std::vector<HistoryWorkload> workloads;  // only those matching the listing's regex
};

// What `duet history` lists: empty fields match everything.
struct HistoryFilter {
  std::string workload_regex;  // runs holding a matching workload, listing only those
  std::string machine;         // runs whose machine fingerprint starts with this
};

class History {
  struct Token {};  // only Open constructs a History

 public:
  History(Token, std::unique_ptr<SqlDatabase> db) : db_(std::move(db)) {}

  // Opens the history at `location` (an SQLite path or a postgresql:// URL; see
  // OpenSqlDatabase) and brings its schema up to date.
  static Status Open(const std::string& location, std::unique_ptr<History>* out);

  // Appends a duet-run/1 document in one transaction; `*id` receives the new run's id.
  Status Append(const nlohmann::json& run, int64_t* id);
  // Appends several documents in one transaction (all or none); `ids` receives their new ids.
  Status AppendAll(const std::vector<nlohmann::json>& runs, std::vector<int64_t>* ids);
  // Runs oldest first, as `filter` selects them.
  Status List(const HistoryFilter& filter, std::vector<HistoryRun>* runs);
  // The duet-run/1 document of run `id`, exactly as it was appended.
  Status Load(int64_t id, nlohmann::json* run);
  // The newest run's id; an error when the history is empty.
  Status LatestId(int64_t* id);
  // Every run's id, oldest first.
  Status Ids(std::vector<int64_t>* ids);

  // For a caller holding a write transaction of its own (the job queue stores a run and marks
  // its job done in one): Append without the transaction.
  Status AppendInTransaction(const nlohmann::json& run, int64_t* id) { return AppendOne(run, id); }
  SqlDatabase& database() { return *db_; }

  const std::string& location() const { return db_->location(); }

 private:
  Status AppendOne(const nlohmann::json& run, int64_t* id);

  std::unique_ptr<SqlDatabase> db_;
};

}  // namespace duet
