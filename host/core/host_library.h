// Loading one of duet's own shared libraries on first use: the parts that pull in large
// libraries (Node's adapter: libnode; PostgreSQL's: libpq and its Kerberos/LDAP/TLS chain), so a
// command that needs neither does not pay to map and relocate them. Each library exports one C
// symbol returning a table of entry points that starts with a HostLibraryStamp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "core/status.h"

namespace duet {

// The first member of every library's table: the executable and the library must come from one
// build (the table's layout is C++, not a stable ABI).
struct HostLibraryStamp {
  uint32_t interface_version;  // the table's own version, bumped when it changes
  const char* git_commit;      // kDuetGitCommit of the build that made the library
};

// Finds `file_name` beside the executable (the build tree) or in ../lib/duet (an install),
// dlopens it (RTLD_GLOBAL, RTLD_NODELETE: it stays until exit) and sets `*table` to what its
// `entry_symbol` returns, after checking the stamp against `interface_version` and this build's
// commit. A process linked with the library (the tests) gets the linked copy.
Status LoadHostLibrary(const char* file_name, const char* entry_symbol, uint32_t interface_version,
                       const HostLibraryStamp** table);

// The process's one `Table` (a standard-layout struct whose first member is `HostLibraryStamp
// stamp`, with a `kInterfaceVersion`), loaded by the first call; later calls get the same table
// or the same error.
template <typename Table>
Status LoadHostLibraryOnce(const char* file_name, const char* entry_symbol, const Table** table) {
  static_assert(std::is_standard_layout_v<Table> && offsetof(Table, stamp) == 0);
  static const Table* loaded = nullptr;
  static const Status status = [&] {
    const HostLibraryStamp* stamp = nullptr;
    Status found = LoadHostLibrary(file_name, entry_symbol, Table::kInterfaceVersion, &stamp);
    loaded = reinterpret_cast<const Table*>(stamp);  // pointer-interconvertible with its first member
    return found;
  }();
  *table = loaded;
  return status;
}

}  // namespace duet
