// The history's schema as numbered migrations, each written for SQLite and for PostgreSQL, run
// in order at connect time on either backend inside one write transaction, so a database is
// always at one known version and two duet processes never migrate it at once.
#pragma once

#include "db/sql_database.h"

namespace duet {

// The schema version this duet writes.
int64_t HistorySchemaVersion();
// Brings `db` to HistorySchemaVersion(); an error when it was written by a newer duet.
Status MigrateHistory(SqlDatabase& db);

}  // namespace duet
