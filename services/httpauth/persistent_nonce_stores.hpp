#pragma once
// Nonce stores that survive a restart of the service (nonce_store.hpp has the contract). With
// counters in memory only, a restarted service expects nonce 0 again from every key, so any
// signed request an eavesdropper kept from before could be replayed once; these keep them.
//
//   auto nonces = svc::httpauth::open_sqlite_nonce_store("/var/lib/ar.db");        // --db
//   auto nonces = co_await svc::httpauth::open_redis_nonce_store(ex, url, {});     // --redis
//   auto nonces = co_await svc::httpauth::open_pg_nonce_store(ex, pg_options, log); // --pg-host
//
// SQLite and PostgreSQL: table httpauth_nonces (pk text PRIMARY KEY, nonce) next to the
// service's own tables; increment is one INSERT … ON CONFLICT … RETURNING, so it is atomic.
// Redis: Go's layout (skywire-utilities httpauth redis store), so a Go and a C++ service can
// share a Redis: "<prefix>:nonces:<pk>" holds the decimal counter (INCR), the set
// "<prefix>:nonces" every key with one (SADD); without a prefix the keys are "nonces:<pk>" and
// "nonces". Where Go treats any Redis error as "nonce 0" (a replay window while Redis is
// unreachable), ours fails the request.
// Bound: like the memory store, max_entries keys; nonce() of a key the store does not hold
// fails with errc::nonce_store_full once that many exist.
// Errors: the backend's (common::sqlite_category, redis_errc, pg_errc, net::errc::timeout),
// errc::malformed_nonce for a stored value that is not a decimal counter.
// Executor: the service's; each store must outlive its calls.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/pg_client.hpp"
#include "common/redis_client.hpp"
#include "common/redis_url.hpp"
#include "nonce_store.hpp"
#include "skywire/base/log.hpp"

namespace skywire::svc::httpauth {

result<std::unique_ptr<nonce_store>> open_sqlite_nonce_store(const std::string& path,
                                                             std::size_t max_entries = default_max_nonce_entries);

boost::asio::awaitable<result<std::unique_ptr<nonce_store>>> open_redis_nonce_store(
    boost::asio::any_io_executor ex, common::redis_url url, common::redis_options options, std::string prefix = "",
    std::size_t max_entries = default_max_nonce_entries);

boost::asio::awaitable<result<std::unique_ptr<nonce_store>>> open_pg_nonce_store(
    boost::asio::any_io_executor ex, common::pg_options options, base::logger log,
    std::size_t max_entries = default_max_nonce_entries);

}  // namespace skywire::svc::httpauth
