// What the executable asks of libduet_pg.so, the libpq side of duet as a library of its own:
// libpq brings Kerberos, LDAP, GnuTLS and a dozen more libraries (about 12 ms to load here), which
// only a run that talks to PostgreSQL should pay (core/host_library.h).
#pragma once

#include <memory>
#include <string>

#include "core/host_library.h"
#include "db/sql_database.h"

namespace duet {

struct PostgresLibrary {
  static constexpr uint32_t kInterfaceVersion = 1;
  HostLibraryStamp stamp;  // first: core/host_library.h checks it
  // Connects to `url` (a libpq connection URL or conninfo).
  Status (*open)(const std::string& url, std::unique_ptr<SqlDatabase>* out);
  // PQping: whether a server there accepts connections now.
  bool (*accepts_connections)(const std::string& conninfo);
};

}  // namespace duet

// Returns the table's stamp (its first member), as core/host_library.h expects of every library.
extern "C" const duet::HostLibraryStamp* duet_pg_library();
