// PostgreSQL through libduet_pg.so; see postgres_database.h.
#include "db/postgres_database.h"

#include <regex>

#include "db/postgres_library.h"

namespace duet {
namespace {

Status Library(const PostgresLibrary** library) {
  static const PostgresLibrary* loaded = nullptr;
  static Status status = [] {
    const HostLibraryStamp* table = nullptr;
    Status found = LoadHostLibrary("libduet_pg.so", "duet_pg_library", PostgresLibrary::kInterfaceVersion, &table);
    if (!found.ok()) return Status::Error("cannot load duet's PostgreSQL client: " + found.message());
    loaded = reinterpret_cast<const PostgresLibrary*>(table);  // the stamp is its first member
    return found;
  }();
  *library = loaded;
  return status;
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
