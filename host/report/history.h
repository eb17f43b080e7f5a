// The run history: every `duet run` appended to one SQLite database, one transaction per run
// (the run, its environment record, every workload's statistics and raw samples), read back by
// `duet history`, `duet compare` and `duet report`. A History is used from one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

struct sqlite3;

namespace duet {

// $DUET_DB when set, else $XDG_DATA_HOME/duet/history.sqlite, else
// ~/.local/share/duet/history.sqlite (the XDG default data directory).
std::filesystem::path DefaultHistoryPath();

// One workload of a listed run, as `duet history --workload RE` prints it.
struct HistoryWorkload {
  std::string id;  // category/name
  bool failed = false;
  int64_t v8_median_ns = 0, cpython_median_ns = 0;  // 0 without samples
  double ratio = 0;                                 // 0 when there is no ratio (a failure)
};

struct HistoryRun {
  int64_t id = 0;
  std::string timestamp, duet_version, git_commit, command_line;
  int workload_count = 0, failed_count = 0;
  std::vector<HistoryWorkload> workloads;  // only those matching the listing's regex
};

class History {
  struct Token {};  // only Open constructs a History

 public:
  History(Token, std::filesystem::path path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  // Opens the database at `path`, creating it and its folder when missing.
  static Status Open(const std::filesystem::path& path, std::unique_ptr<History>* out);

  // Appends a duet-run/1 document in one transaction; `*id` receives the new run's id.
  Status Append(const nlohmann::json& run, int64_t* id);
  // Runs oldest first; with a non-empty `workload_regex` only runs holding a matching workload,
  // each listing the matching ones.
  Status List(const std::string& workload_regex, std::vector<HistoryRun>* runs);
  // The duet-run/1 document of run `id`, exactly as it was appended.
  Status Load(int64_t id, nlohmann::json* run);
  // The newest run's id; an error when the history is empty.
  Status LatestId(int64_t* id);

  const std::filesystem::path& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Status Exec(const char* sql);

  std::filesystem::path path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace duet
