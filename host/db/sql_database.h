// One connection to an SQL database, SQLite or PostgreSQL, behind one small interface so the
// history (and later the job queue) is written once: statements use PostgreSQL's `$1` parameter
// style, which SQLite accepts too, values travel as JSON scalars and rows come back as text. A
// SqlDatabase is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace duet {

// One result row; each column is its text form, or nothing for SQL NULL.
class SqlRow {
 public:
  explicit SqlRow(std::vector<std::optional<std::string>> columns) : columns_(std::move(columns)) {}
  bool IsNull(size_t column) const { return !columns_.at(column).has_value(); }
  const std::string& Text(size_t column) const;  // "" for NULL
  int64_t Int(size_t column) const;              // 0 for NULL
  double Double(size_t column) const;            // 0 for NULL

 private:
  std::vector<std::optional<std::string>> columns_;
};
using SqlRows = std::vector<SqlRow>;

class SqlDatabase {
 public:
  enum class Kind { kSqlite, kPostgres };
  virtual ~SqlDatabase() = default;

  // Statements without parameters or results, several separated by ';' (schema scripts).
  virtual Status Exec(const std::string& sql) = 0;
  // One statement; `params` bind $1, $2, ... (null, booleans and integers, doubles; anything
  // else binds its text, a JSON object or array its JSON text). Rows go to `rows` when given.
  virtual Status Query(const std::string& sql, const std::vector<nlohmann::json>& params, SqlRows* rows = nullptr) = 0;
  // A write transaction: it takes the write lock at once (SQLite's BEGIN IMMEDIATE), so
  // concurrent writers wait instead of failing half way.
  virtual Status BeginWrite() = 0;
  Status Commit() { return Exec("COMMIT"); }
  // After a failure, which is the error worth reporting; a ROLLBACK that fails too leaves no
  // transaction open either way.
  void Rollback() { (void)Exec("ROLLBACK"); }

  // The schema version recorded in the database (0 for a new one), and setting it inside the
  // current transaction. PostgreSQL's reading also serialises concurrent migrations.
  virtual Status SchemaVersion(int64_t* version) = 0;
  virtual Status SetSchemaVersion(int64_t version) = 0;

  virtual Kind kind() const = 0;
  // Where it is, for messages: the file's path, or the URL without a password.
  virtual const std::string& location() const = 0;
};

// A location is a postgresql:// (or postgres://) URL or a path to an SQLite file (created with
// its folder when missing). Any other URL is an error: duet cannot serve it.
Status OpenSqlDatabase(const std::string& location, std::unique_ptr<SqlDatabase>* out);
bool IsPostgresUrl(const std::string& location);

}  // namespace duet
