// The PostgreSQL side of SqlDatabase over libpq: one connection, statements prepared once per
// connection and cached by their text, parameters sent as text. Part of libduet_pg.so, with
// the library's entry table; the executable reaches it through db/postgres_database.h.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "db/sql_database.h"

struct pg_conn;

namespace duet {

class LibpqDatabase : public SqlDatabase {
  struct Token {};  // only Open constructs one

 public:
  LibpqDatabase(Token, std::string location, pg_conn* connection);
  // Connects to `url` (a libpq connection URL).
  static Status Open(const std::string& url, std::unique_ptr<SqlDatabase>* out);

  Status Exec(const std::string& sql) override;
  Status Query(const std::string& sql, const std::vector<nlohmann::json>& params, SqlRows* rows) override;
  Status BeginWrite() override { return Exec("BEGIN"); }
  Status SchemaVersion(int64_t* version) override;
  Status SetSchemaVersion(int64_t version) override;
  Kind kind() const override { return Kind::kPostgres; }
  const std::string& location() const override { return location_; }

 private:
  struct Closer {
    void operator()(pg_conn* connection) const;
  };
  Status Error(const std::string& what) const;

  std::string location_;
  std::unique_ptr<pg_conn, Closer> connection_;
  std::map<std::string, std::string> prepared_;  // statement text -> its name on the server
};

}  // namespace duet
