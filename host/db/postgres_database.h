// PostgreSQL for the rest of duet: connections (a SqlDatabase over libpq) and readiness checks,
// through libduet_pg.so, which is loaded on first use (db/postgres_library.h).
#pragma once

#include <memory>
#include <string>

#include "db/sql_database.h"

namespace duet {

struct PostgresDatabase {
  // Connects to `url` (a libpq connection URL).
  static Status Open(const std::string& url, std::unique_ptr<SqlDatabase>* out);
  // Sets `*accepting` to whether a server at `conninfo` accepts connections now (PQping).
  static Status AcceptsConnections(const std::string& conninfo, bool* accepting);
};

// `url` with any password replaced by "***", for messages.
std::string RedactUrl(const std::string& url);

}  // namespace duet
