// SqlRow's conversions and the choice of backend from a --db location; see sql_database.h.
#include "db/sql_database.h"

#include <cstdlib>

#include "db/postgres_database.h"
#include "db/sqlite_database.h"

namespace duet {

const std::string& SqlRow::Text(size_t column) const {
  static const std::string kEmpty;
  const auto& value = columns_.at(column);
  return value ? *value : kEmpty;
}

int64_t SqlRow::Int(size_t column) const {
  const auto& value = columns_.at(column);
  return value ? std::strtoll(value->c_str(), nullptr, 10) : 0;
}

double SqlRow::Double(size_t column) const {
  const auto& value = columns_.at(column);
  return value ? std::strtod(value->c_str(), nullptr) : 0;
}

bool IsPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Status OpenSqlDatabase(const std::string& location, std::unique_ptr<SqlDatabase>* out) {
  if (IsPostgresUrl(location)) return PostgresDatabase::Open(location, out);
  if (size_t scheme = location.find("://"); scheme != std::string::npos) {
    return Status::Error("'" + RedactUrl(location) + "' is a " + location.substr(0, scheme) +
                         ":// URL, which duet cannot serve: give an SQLite file path or a postgresql:// URL");
  }
  return SqliteDatabase::Open(location, out);
}

}  // namespace duet
