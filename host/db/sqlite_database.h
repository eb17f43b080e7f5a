// The SQLite side of SqlDatabase: one file, prepared statements cached by their text.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "db/sql_database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace duet {

class SqliteDatabase : public SqlDatabase {
  struct Token {};  // only Open constructs one

 public:
  SqliteDatabase(Token, std::string path, sqlite3* db);
  // Opens (creating when missing) the file at `path` and its folder.
  static Status Open(const std::filesystem::path& path, std::unique_ptr<SqlDatabase>* out);

  Status Exec(const std::string& sql) override;
  Status Query(const std::string& sql, const std::vector<nlohmann::json>& params, SqlRows* rows) override;
  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  Status SchemaVersion(int64_t* version) override;
  Status SetSchemaVersion(int64_t version) override;
  Kind kind() const override { return Kind::kSqlite; }
  const std::string& location() const override { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
    void operator()(sqlite3_stmt* statement) const;
  };
  Status Error(const std::string& what) const;

  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
  // Declared after db_, so the statements are finalised before the connection closes.
  struct Prepared {
    std::unique_ptr<sqlite3_stmt, Closer> statement;
    std::vector<int> slots;  // slots[N - 1]: the bind index of `$N`, 0 when unused
  };
  std::map<std::string, Prepared> statements_;
};

}  // namespace duet
