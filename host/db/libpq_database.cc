// LibpqDatabase and libduet_pg.so's entry table; see libpq_database.h.
#include "db/libpq_database.h"

#include <libpq-fe.h>

#include "core/version.h"
#include "db/postgres_database.h"  // RedactUrl, from the executable
#include "db/postgres_library.h"

namespace duet {
namespace {

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

// Any number we choose, so that concurrent duet processes migrate one after the other.
constexpr int64_t kMigrationLock = 0x64756574;  // "duet"

bool Succeeded(const Result& result) {
  ExecStatusType status = PQresultStatus(result.get());
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

LibpqDatabase::LibpqDatabase(Token, std::string location, pg_conn* connection)
    : location_(std::move(location)), connection_(connection) {}

void LibpqDatabase::Closer::operator()(pg_conn* connection) const { PQfinish(connection); }

Status LibpqDatabase::Error(const std::string& what) const {
  std::string message = PQerrorMessage(connection_.get());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return Status::Error(location_ + ": " + what + message);
}

Status LibpqDatabase::Open(const std::string& url, std::unique_ptr<SqlDatabase>* out) {
  auto db = std::make_unique<LibpqDatabase>(Token{}, RedactUrl(url), PQconnectdb(url.c_str()));
  if (db->connection_ == nullptr) return Status::Error(db->location_ + ": out of memory");
  if (PQstatus(db->connection_.get()) != CONNECTION_OK) return db->Error("cannot connect: ");
  // The schema's CREATE ... IF NOT EXISTS notices would otherwise land on stderr.
  PQsetNoticeProcessor(db->connection_.get(), [](void*, const char*) {}, nullptr);
  *out = std::move(db);
  return Status::Ok();
}

Status LibpqDatabase::Exec(const std::string& sql) {
  Result result(PQexec(connection_.get(), sql.c_str()));
  return Succeeded(result) ? Status::Ok() : Error("");
}

Status LibpqDatabase::Query(const std::string& sql, const std::vector<nlohmann::json>& params, SqlRows* rows) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "duet_" + std::to_string(prepared_.size() + 1);
    Result prepared(PQprepare(connection_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    if (!Succeeded(prepared)) return Error("");
    found = prepared_.emplace(sql, name).first;
  }
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const nlohmann::json& value = params[i];
    if (value.is_null()) continue;
    if (value.is_boolean()) {
      texts[i] = value.get<bool>() ? "1" : "0";
    } else {
      texts[i] = value.is_string() ? value.get<std::string>() : value.dump();
    }
    values[i] = texts[i].c_str();
  }
  Result result(PQexecPrepared(connection_.get(), found->second.c_str(), static_cast<int>(params.size()),
                               values.data(), nullptr, nullptr, 0));
  if (!Succeeded(result)) return Error("");
  if (rows == nullptr) return Status::Ok();
  int columns = PQnfields(result.get());
  for (int r = 0; r < PQntuples(result.get()); ++r) {
    std::vector<std::optional<std::string>> row;
    for (int c = 0; c < columns; ++c) {
      row.push_back(PQgetisnull(result.get(), r, c) ? std::nullopt
                                                    : std::optional<std::string>(PQgetvalue(result.get(), r, c)));
    }
    rows->emplace_back(std::move(row));
  }
  return Status::Ok();
}

Status LibpqDatabase::SchemaVersion(int64_t* version) {
  // Inside the migration's transaction: the lock is held until it commits.
  DUET_RETURN_IF_ERROR(Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")"));
  DUET_RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS duet_schema(version BIGINT NOT NULL)"));
  SqlRows rows;
  DUET_RETURN_IF_ERROR(Query("SELECT max(version) FROM duet_schema", {}, &rows));
  *version = rows.empty() ? 0 : rows[0].Int(0);
  return Status::Ok();
}

Status LibpqDatabase::SetSchemaVersion(int64_t version) {
  DUET_RETURN_IF_ERROR(Exec("DELETE FROM duet_schema"));
  return Query("INSERT INTO duet_schema(version) VALUES($1)", {version}, nullptr);
}

namespace {

bool AcceptsConnections(const std::string& conninfo) { return PQping(conninfo.c_str()) == PQPING_OK; }

constexpr PostgresLibrary kLibrary = {{PostgresLibrary::kInterfaceVersion, kDuetGitCommit}, &LibpqDatabase::Open,
                                      &AcceptsConnections};

}  // namespace
}  // namespace duet

// Typed as core/host_library.h calls it (UBSan checks the function type): the stamp, which is
// the table's first member.
extern "C" __attribute__((visibility("default"))) const duet::HostLibraryStamp* duet_pg_library() {
  return &duet::kLibrary.stamp;
}
