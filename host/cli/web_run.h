// The web pairs' part of `duet run`: they join the run only when asked for (a --filter or a
// path; the bundled suite alone leaves them out, they take minutes), and they get one database
// for the whole run: a private PostgreSQL 15 with TechEmpower's tables, started here and stopped
// when the WebRunDatabase goes, or the server --pg-url names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "db/techempower_db.h"
#include "harness/workload_pair.h"

namespace duet {

// Drops the web pairs the user did not ask for, returning how many: a --filter asks for what it
// matches, a path for the web pairs in that folder (the pair's own, or web/ itself); the bundled
// suite's root or no path at all leaves them out.
size_t SkipWebPairsUnlessAsked(const std::string& filter, const std::vector<std::string>& paths,
                               std::vector<WorkloadPair>* pairs);

class WebRunDatabase {
 public:
  // When `pairs` hold web tests: starts the database (or loads the tables into `pg_url`'s) and
  // sets each web pair's "db" param to the URL its servers connect with. Nothing otherwise.
  Status Prepare(const std::string& pg_url, std::vector<WorkloadPair>* pairs);
  // SessionRecord::web_database: {"kind": "private PostgreSQL 15" | "--pg-url", "version", "fsync",
  // "synchronous_commit"}; null when there is no database.
  const nlohmann::json& record() const { return record_; }
  // The URL the servers use; empty when there is no database.
  std::string app_url() const { return db_ ? db_->app_url() : ""; }
  // OK while the database is still there (a private cluster that died says how).
  Status CheckRunning() const;

 private:
  std::unique_ptr<TechEmpowerDb> db_;  // stops and removes a private cluster when it goes
  nlohmann::json record_;
};

}  // namespace duet
