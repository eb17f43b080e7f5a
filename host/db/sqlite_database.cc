// SqliteDatabase; see sqlite_database.h. Parameters are bound by their `$N` names, so a
// statement may use them in any order, as in PostgreSQL.
#include "db/sqlite_database.h"

#include <sqlite3.h>

#include <charconv>
#include <cstdlib>

namespace duet {

SqliteDatabase::SqliteDatabase(Token, std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

void SqliteDatabase::Closer::operator()(sqlite3* db) const { sqlite3_close(db); }
void SqliteDatabase::Closer::operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }

Status SqliteDatabase::Error(const std::string& what) const {
  return Status::Error(path_ + ": " + what + sqlite3_errmsg(db_.get()));
}

Status SqliteDatabase::Open(const std::filesystem::path& path, std::unique_ptr<SqlDatabase>* out) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::Io("cannot create " + path.parent_path().string() + ": " + ec.message());
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto db = std::make_unique<SqliteDatabase>(Token{}, path.string(), raw);  // owns `raw` even when the open failed
  if (rc != SQLITE_OK) return Status::Io("cannot open " + path.string() + ": " + sqlite3_errmsg(raw));
  // Two duet processes may write at once (parallel test runs, a CI matrix on one machine).
  sqlite3_busy_timeout(raw, 10'000);
  DUET_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys = ON"));
  *out = std::move(db);
  return Status::Ok();
}

Status SqliteDatabase::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errmsg(db_.get());
  sqlite3_free(message);
  return Status::Error(path_ + ": " + text);
}

Status SqliteDatabase::Query(const std::string& sql, const std::vector<nlohmann::json>& params, SqlRows* rows) {
  Prepared& cached = statements_[sql];
  if (!cached.statement) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      statements_.erase(sql);
      return Error("");
    }
    cached.statement.reset(raw);
    // SQLite numbers named parameters by first appearance, so `$N` need not be slot N; looking
    // each name up per call would cost a scan of all names (quadratic in a many-row INSERT).
    for (int slot = 1; slot <= sqlite3_bind_parameter_count(raw); ++slot) {
      const char* name = sqlite3_bind_parameter_name(raw, slot);
      if (name == nullptr || name[0] != '$') continue;
      size_t n = std::strtoul(name + 1, nullptr, 10);
      if (n == 0) continue;
      if (cached.slots.size() < n) cached.slots.resize(n, 0);
      cached.slots[n - 1] = slot;
    }
  }
  sqlite3_stmt* statement = cached.statement.get();
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  for (size_t i = 0; i < params.size(); ++i) {
    int at = i < cached.slots.size() ? cached.slots[i] : 0;
    if (at == 0) continue;  // a parameter the statement does not use
    const nlohmann::json& value = params[i];
    if (value.is_null()) {
      sqlite3_bind_null(statement, at);
    } else if (value.is_boolean()) {
      sqlite3_bind_int64(statement, at, value.get<bool>() ? 1 : 0);
    } else if (value.is_number_integer()) {
      sqlite3_bind_int64(statement, at, value.get<int64_t>());
    } else if (value.is_number()) {
      sqlite3_bind_double(statement, at, value.get<double>());
    } else {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      sqlite3_bind_text(statement, at, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
  }
  int columns = sqlite3_column_count(statement);
  while (true) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Status failed = Error("");
      sqlite3_reset(statement);
      return failed;
    }
    if (rows == nullptr) continue;
    std::vector<std::optional<std::string>> row;
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(statement, c) == SQLITE_FLOAT) {
        // The shortest text that reads back as the same double, as PostgreSQL prints it; SQLite's
        // own conversion keeps 15 digits only.
        char text[32];
        auto end = std::to_chars(text, text + sizeof text, sqlite3_column_double(statement, c)).ptr;
        row.emplace_back(std::string(text, end));
        continue;
      }
      const unsigned char* text = sqlite3_column_text(statement, c);
      row.push_back(text == nullptr ? std::nullopt : std::optional<std::string>(reinterpret_cast<const char*>(text)));
    }
    rows->emplace_back(std::move(row));
  }
  sqlite3_reset(statement);
  return Status::Ok();
}

Status SqliteDatabase::SchemaVersion(int64_t* version) {
  SqlRows rows;
  DUET_RETURN_IF_ERROR(Query("PRAGMA user_version", {}, &rows));
  *version = rows.empty() ? 0 : rows[0].Int(0);
  return Status::Ok();
}

Status SqliteDatabase::SetSchemaVersion(int64_t version) {
  return Exec("PRAGMA user_version = " + std::to_string(version));
}

}  // namespace duet
