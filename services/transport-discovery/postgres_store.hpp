#pragma once
// The transport discovery's PostgreSQL store, on Go's schema so that a Go transport discovery
// and ours can share one database (skywire-services pkg/transport-discovery/store/
// postgres_store.go: gorm model `Transport`, AutoMigrate'd as):
//
//   CREATE TABLE transports (id bigserial, created_at timestamptz, transport_id text UNIQUE,
//                            edge_a text, edge_b text, type text, label text, PRIMARY KEY (id))
//
// created on open when missing (CREATE TABLE IF NOT EXISTS, the same definition, so the unique
// constraint gets gorm's name `transports_transport_id_key`), plus two indexes of ours on edge_a
// and edge_b (Go has none; gorm's AutoMigrate leaves unknown indexes alone).
//
//   auto op = open_postgres_store(ex, {.params = {{"host", "127.0.0.1"}, {"port", "5432"},
//                                                 {"user", "postgres"}, {"dbname", "tpd"}}}, log);
//   result<std::unique_ptr<store>> db = co_await std::move(op);
//
// register = INSERT (created_at = now()); a duplicate t_id violates the unique constraint:
// errc::duplicate_id, whose text is Go's 500 body. deregister = DELETE by transport_id;
// get_by_id = the row with the lowest id for that transport_id; get_by_edge = edge_a = pk OR
// edge_b = pk; all = every row; lists ordered by transport_id (COLLATE "C": byte order, the
// memory store's uuid order). Parameterised queries only (stored_entry.hpp has the columns).
//
// Bounds: lists fail with common::pg_errc::too_many_rows beyond max_entries rows instead of
// growing without limit; registering does NOT count rows (a COUNT per insert on a shared table
// is too costly; Go has no bound): the database's own size is the operator's to bound. The
// client bounds connections (pool), time (query_timeout, also the server's statement_timeout)
// and result bytes (pg_client.hpp).
//
// Errors: common::pg_errc, net::errc::timeout (pg_client.hpp); errc::duplicate_id; errc::
// bad_record for a row that is not a valid entry.
//
// Executor: the one given (the service's); the store must outlive every call in flight.
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>

#include "common/pg_client.hpp"
#include "store.hpp"

namespace skywire::svc::transport_discovery {

// Connects (a failure here is a start-up error: the pg_client's last_error() text is logged)
// and creates the table and indexes if missing.
boost::asio::awaitable<result<std::unique_ptr<store>>> open_postgres_store(boost::asio::any_io_executor ex,
                                                                           common::pg_options options,
                                                                           base::logger log,
                                                                           std::size_t max_entries = default_max_transports);

}  // namespace skywire::svc::transport_discovery
