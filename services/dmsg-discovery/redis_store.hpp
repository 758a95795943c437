#pragma once
// The Redis store (spec/dmsg.md §7.6), in the Go discovery's own layout so that a Go discovery
// and ours can share one Redis (internal/dmsg-discovery/store/redis.go):
//   key `<pk hex>`         the entry JSON; SET with PX <ttl ms> for entries that expire (server
//                          entries 2 min, ?timeout=true clients 3 min), without a TTL otherwise
//   set `servers`          pks of entries with a server part
//   set `clients`          pks of entries with a client part
//   set `visorClients`     pks of entries with client_type "visor" (vendored Go version)
// Writes are pipelined: SET, then SADD to the sets the entry belongs to and SREM from the others
// (Go only SADDs; removing keeps our listings exact and is harmless to Go). remove() is DEL plus
// SREM from all three sets, like Go's DelEntry.
//
// Expiry: Redis' TTL is the clock; the `now` of reads is not used. A set member whose key has
// expired is never served: listings check EXISTS (clients, visors) or MGET (servers) for every
// member, and drop_expired() SREMs such members from all three sets (Go's sweep does this for
// `servers` only), each with a one-line EVAL script that re-checks EXISTS first, so a pk that a
// concurrent write revived is never dropped from its set. Sets are read with SSCAN (bounded replies), at most max_set_members members.
//
// Errors: the client's (common/redis_client.hpp); an error reply from Redis (e.g. WRONGTYPE) is
// redis_errc::server_error, a reply of the wrong shape redis_errc::unexpected_reply.
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>

#include "common/redis_client.hpp"
#include "store.hpp"

namespace skywire::svc::dmsg_discovery {

inline constexpr std::size_t max_set_members = 1 << 20;

// Connects and checks the server with PING, so that a discovery fails at start when Redis is
// unreachable or refuses the credentials (later outages are per-request 500s, and the client
// reconnects by itself).
boost::asio::awaitable<result<std::unique_ptr<store>>> open_redis_store(boost::asio::any_io_executor ex,
                                                                        common::redis_url url,
                                                                        common::redis_options options = {});

}  // namespace skywire::svc::dmsg_discovery
