// PostgreSQL through libduet_pg.so; see postgres_database.h.
#include "db/postgres_database.h"

#include <regex>

#include "db/postgres_library.h"

namespace duet {
namespace {

Status Library(const PostgresLibrary** library) {
  Status status = LoadHostLibraryOnce("libduet_pg.so", "duet_pg_library", library);
  return status.ok() ? status : Status::Error("cannot load duet's PostgreSQL client: " + status.message());
}

}  // namespace

Status PostgresDatabase::Open(const std::string& url, std::unique_ptr<SqlDatabase>* out) {
  const PostgresLibrary* library = nullptr;
  DUET_RETURN_IF_ERROR(Library(&library));
  return library->open(url, out);
}

Status PostgresDatabase::AcceptsConnections(const std::string& conninfo, bool* accepting) {
  const PostgresLibrary* library = nullptr;
  DUET_RETURN_IF_ERROR(Library(&library));
  *accepting = library->accepts_connections(conninfo);
  return Status::Ok();
}

std::string RedactUrl(const std::string& url) {
  static const std::regex kUserPassword("(://[^:/@]*):[^@/]*@"), kPasswordParam("([?&]password=)[^&]*");
  return std::regex_replace(std::regex_replace(url, kUserPassword, "$1:***@"), kPasswordParam, "$1***");
}

}  // namespace duet
