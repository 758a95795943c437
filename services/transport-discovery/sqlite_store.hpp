#pragma once
// The transport discovery's embedded persistent store: one SQLite file (WAL journal), so that
// `skywire svc tpd --db FILE` keeps its transports across restarts without a PostgreSQL to run.
//
//   auto db = open_sqlite_store("/var/lib/skywire/tpd.db");   // ":memory:" works too
//
// Schema (created on open): Go's PostgreSQL table in SQLite types, so the two behave alike —
//   transports(id INTEGER PRIMARY KEY, created_at INTEGER (unix s), transport_id TEXT UNIQUE,
//              edge_a TEXT, edge_b TEXT, type TEXT, label TEXT)   + indexes on edge_a, edge_b
// (columns as in stored_entry.hpp). Like the PostgreSQL store, a duplicate t_id is refused with
// errc::duplicate_id (the memory store overwrites). Every write is its own auto-committed
// transaction: an acknowledged registration survives a crash.
//
// Bounds: registering a new ID into a store holding max_entries transports fails with
// errc::store_full (the count is read once at open, then kept in memory: one process per file).
// Lists are therefore bounded by max_entries too.
//
// Calls are short and local: they run inline on the caller's executor without suspending.
//
// Errors: SQLite failures in category "sqlite" (value = SQLite result code), errc::duplicate_id,
// errc::store_full, errc::bad_record for a row that is not a valid entry (an edited file).
#include "skywire/base/result.hpp"

#include <boost/system/error_category.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "store.hpp"

namespace skywire::svc::transport_discovery {

result<std::unique_ptr<store>> open_sqlite_store(const std::string& path,
                                                 std::size_t max_entries = default_max_transports);

}  // namespace skywire::svc::transport_discovery
