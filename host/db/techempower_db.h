// The database of TechEmpower's test types: tables World (10 000 rows of id, randomNumber) and
// Fortune (the 12 standard rows), in a private PostgreSQL cluster started for the run (a role
// of lesser rights for the servers, as TechEmpower's benchmarkdbuser) or in an existing server
// given by URL (--pg-url). Used from one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "db/private_cluster.h"
#include "db/sql_database.h"

namespace duet {

inline constexpr const char* kTechEmpowerDatabase = "hello_world";
inline constexpr const char* kTechEmpowerRole = "benchmarkdbuser";
inline constexpr int kTechEmpowerWorldRows = 10000;

struct FortuneRow {
  int id;
  std::string message;
};
// TechEmpower's Fortune rows, exactly as their database scripts insert them.
const std::vector<FortuneRow>& StandardFortunes();

// (Re)creates World and Fortune in `db` (unquoted names, so PostgreSQL folds them to `world`
// and `fortune`, columns `id`, `randomnumber`, `message`) and fills them, in one transaction.
// `grant_to`, when not empty, may read both tables and update World.
Status LoadTechEmpowerTables(SqlDatabase* db, const std::string& grant_to);

// The server settings the database tests' figures depend on, as the server reports them:
// {"fsync": "on"|"off", "synchronous_commit": "on"|"off"|...}, to be recorded with the results.
Status ReadDurability(SqlDatabase* db, nlohmann::json* settings);

// Statements `role` has run in the database so far (pg_stat_statements, whose extension a private
// cluster loads; an existing server may lack it: then an error), the counting query excluded.
Status CountStatements(SqlDatabase* db, int64_t* statements);

struct TechEmpowerDbOptions {
  // An existing server's database to load the tables into and hand to the servers as it is;
  // empty: a private cluster (below) with database hello_world and role benchmarkdbuser.
  std::string pg_url;
  PrivateClusterOptions cluster;
};

class TechEmpowerDb {
  struct Token {};

 public:
  TechEmpowerDb(Token, std::unique_ptr<PrivateCluster> cluster, std::string app_url, std::string admin_url)
      : cluster_(std::move(cluster)), app_url_(std::move(app_url)), admin_url_(std::move(admin_url)) {}

  // Starts the cluster (unless options.pg_url) and loads the data; on failure a started
  // cluster is stopped and removed, and the error says which step failed.
  static Status Start(const TechEmpowerDbOptions& options, std::unique_ptr<TechEmpowerDb>* out);

  // What the servers connect with (libpq URL; node-postgres and asyncpg read it too).
  const std::string& app_url() const { return app_url_; }
  // The same database as a role that may inspect it (the superuser in a private cluster).
  const std::string& admin_url() const { return admin_url_; }
  // Null when the database is an existing server's.
  PrivateCluster* cluster() const { return cluster_.get(); }
  // Stops and removes a private cluster (bounded); an existing server is left as it is.
  Status Stop() { return cluster_ ? cluster_->Stop() : Status::Ok(); }

 private:
  std::unique_ptr<PrivateCluster> cluster_;
  std::string app_url_;
  std::string admin_url_;
};

}  // namespace duet
