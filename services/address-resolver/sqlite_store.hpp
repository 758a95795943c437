#pragma once
// The address resolver's embedded persistent store: one SQLite file (WAL journal), so that
// `skywire svc ar --db FILE` keeps its bindings across restarts without a Redis to run.
//
//   auto db = open_sqlite_store("/var/lib/skywire/ar.db");   // ":memory:" works too
//
// Schema (created on open; ours, SQLite has no Go counterpart):
//   bindings(type TEXT, pk TEXT (lowercase hex), data TEXT (visor_data_json.hpp), PRIMARY KEY(type, pk))
// Every write is its own auto-committed transaction: an acknowledged bind survives a crash.
//
// Bounds: like the memory store, binding a new key into a type that already holds max_per_type
// keys fails with errc::store_full (rebinding a bound key always succeeds); the per-type count
// is read from the file once per type, then kept in memory. all() returns at most what was
// bound, so it is bounded by the same limit.
//
// Calls are short and local: they run inline on the caller's executor without suspending (a
// slow disk therefore stalls the executor for that write, as with the dmsg discovery's SQLite
// store). One process per file: the count cache assumes nobody else writes the file.
//
// Errors: SQLite failures in category "sqlite" (value = SQLite result code), a stored value
// that is not VisorData JSON disc::errc::bad_response, errc::store_full.
#include "skywire/base/result.hpp"

#include <boost/system/error_category.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "store.hpp"

namespace skywire::svc::address_resolver {

result<std::unique_ptr<store>> open_sqlite_store(const std::string& path,
                                                 std::size_t max_per_type = default_max_bindings);

}  // namespace skywire::svc::address_resolver
