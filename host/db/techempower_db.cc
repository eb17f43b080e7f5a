// Loads TechEmpower's World and Fortune tables and provides the database they live in; see
// techempower_db.h. The rows follow TechEmpower's own PostgreSQL script: World's randomNumber
// drawn by the server in 1..10000, Fortune's twelve messages verbatim (one holds markup, one
// Japanese, two an em dash: the fortunes test checks escaping and UTF-8 with them).
#include "db/techempower_db.h"

#include "db/postgres_database.h"

namespace duet {

const std::vector<FortuneRow>& StandardFortunes() {
  static const std::vector<FortuneRow> rows = {
      {1, "fortune: No such file or directory"},
      {2, "A computer scientist is someone who fixes things that aren't broken."},
      {3, "After enough decimal places, nobody gives a damn."},
      {4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"},
      {5, "A computer program does what you tell it to do, not what you want it to do."},
      {6, "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen"},
      {7, "Any program that runs right is obsolete."},
      {8, "A list is only as strong as its weakest link. \u2014 Donald Knuth"},
      {9, "Feature: A bug with seniority."},
      {10, "Computers make very fast, very accurate mistakes."},
      {11, "<script>alert(\"This should not be displayed in a browser alert box.\");</script>"},
      {12, "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af"},
  };
  return rows;
}

Status LoadTechEmpowerTables(SqlDatabase* db, const std::string& grant_to) {
  DUET_RETURN_IF_ERROR(db->Exec("BEGIN"));
  Status status = db->Exec(
      "DROP TABLE IF EXISTS world; DROP TABLE IF EXISTS fortune;"
      "CREATE TABLE world (id integer NOT NULL PRIMARY KEY, randomnumber integer NOT NULL DEFAULT 0);"
      "CREATE TABLE fortune (id integer NOT NULL PRIMARY KEY, message varchar(2048) NOT NULL);"
      "INSERT INTO world (id, randomnumber) SELECT x, least(floor(random() * 10000 + 1), 10000) "
      "FROM generate_series(1, " + std::to_string(kTechEmpowerWorldRows) + ") AS x");
  for (const FortuneRow& row : StandardFortunes()) {
    if (!status.ok()) break;
    status = db->Query("INSERT INTO fortune (id, message) VALUES ($1, $2)", {row.id, row.message});
  }
  if (status.ok() && !grant_to.empty()) {
    // Identifier quoting by hand: the role name comes from duet itself, never from a request.
    status = db->Exec("GRANT SELECT, UPDATE ON world TO \"" + grant_to + "\"; GRANT SELECT ON fortune TO \"" +
                      grant_to + "\"");
  }
  // ANALYZE: the planner's statistics from the start, as after TechEmpower's own load.
  if (status.ok()) status = db->Commit();
  if (status.ok()) status = db->Exec("ANALYZE world; ANALYZE fortune");
  if (!status.ok()) {
    db->Rollback();
    return Status::Error("TechEmpower data: cannot load the tables into " + db->location() + ": " +
                         status.ToString());
  }
  return Status::Ok();
}

Status ReadDurability(SqlDatabase* db, nlohmann::json* settings) {
  SqlRows rows;
  DUET_RETURN_IF_ERROR(
      db->Query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')", {}, &rows));
  *settings = nlohmann::json::object();
  for (const SqlRow& row : rows) (*settings)[row.Text(0)] = row.Text(1);
  return Status::Ok();
}

Status CountStatements(SqlDatabase* db, int64_t* statements) {
  SqlRows rows;
  DUET_RETURN_IF_ERROR(db->Query(
      "SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_statements WHERE userid = (SELECT oid FROM pg_roles WHERE "
      "rolname = current_user) AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query "
      "NOT LIKE '%pg_stat_statements%'",
      {}, &rows));
  if (rows.size() != 1) return Status::Error("pg_stat_statements: no row");
  *statements = rows[0].Int(0);
  return Status::Ok();
}

Status TechEmpowerDb::Start(const TechEmpowerDbOptions& options, std::unique_ptr<TechEmpowerDb>* out) {
  std::unique_ptr<SqlDatabase> db;
  if (!options.pg_url.empty()) {
    DUET_RETURN_IF_ERROR(PostgresDatabase::Open(options.pg_url, &db));
    DUET_RETURN_IF_ERROR(LoadTechEmpowerTables(db.get(), ""));
    *out = std::make_unique<TechEmpowerDb>(Token{}, nullptr, options.pg_url, options.pg_url);
    return Status::Ok();
  }
  PrivateClusterOptions cluster_options = options.cluster;
  cluster_options.peer_roles.push_back(kTechEmpowerRole);
  // pg_stat_statements counts the statements the servers run, exactly and at once (the
  // cumulative statistics views may lag by seconds): duet run's database statements per request.
  cluster_options.settings.push_back("shared_preload_libraries=pg_stat_statements");
  std::unique_ptr<PrivateCluster> cluster;
  DUET_RETURN_IF_ERROR(PrivateCluster::Start(cluster_options, &cluster));
  // From here a failure returns and `cluster` going out of scope stops and removes it.
  std::unique_ptr<SqlDatabase> admin;
  DUET_RETURN_IF_ERROR(PostgresDatabase::Open(cluster->Url(), &admin));
  // Two statements: CREATE DATABASE refuses to run inside the implicit transaction of a batch.
  DUET_RETURN_IF_ERROR(admin->Exec(std::string("CREATE ROLE ") + kTechEmpowerRole + " LOGIN"));
  DUET_RETURN_IF_ERROR(admin->Exec(std::string("CREATE DATABASE ") + kTechEmpowerDatabase));
  std::string admin_url = cluster->UrlFor(kTechEmpowerDatabase);
  DUET_RETURN_IF_ERROR(PostgresDatabase::Open(admin_url, &db));
  DUET_RETURN_IF_ERROR(db->Exec("CREATE EXTENSION pg_stat_statements"));
  DUET_RETURN_IF_ERROR(LoadTechEmpowerTables(db.get(), kTechEmpowerRole));
  std::string app_url = cluster->UrlFor(kTechEmpowerDatabase, kTechEmpowerRole);
  *out = std::make_unique<TechEmpowerDb>(Token{}, std::move(cluster), std::move(app_url), std::move(admin_url));
  return Status::Ok();
}

}  // namespace duet
