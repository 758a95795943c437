#pragma once
// The address resolver's Redis store, in the Go resolver's own key layout so that a Go address
// resolver and ours can share one Redis (skywire-services pkg/address-resolver/store/
// redis_store.go):
//
//   key `address-resolver:<type>:<pk hex>`   the binding: json.Marshal(VisorData)
//                                            (visor_data_json.hpp), SET without expiry
//
//   co_await open_redis_store(ex, *common::parse_redis_url("redis://127.0.0.1:6379"), {});
//
// bind = SET, del_bind = DEL, resolve = GET (nil -> no binding), all = SCAN MATCH
// `address-resolver:<type>:*` (glob characters in <type> escaped), keys whose last part is not
// a public key skipped, sorted and de-duplicated (SCAN may repeat a key).
//
// Bounds: all() fails with redis_errc::reply_too_large beyond max_per_type keys, rather than
// building an unbounded list. bind() does NOT enforce max_per_type (counting keys would cost a
// SCAN per bind; Go has no bound at all): Redis' own maxmemory bounds the database. Replies are
// bounded by the client (redis_options::limits).
//
// Differences from Go: Go's Redis store refuses types other than "stcpr"/"sudph" (its resolve
// then answers 500); ours, like the memory store, treats them as types without entries (404).
//
// Errors: the client's (common/redis_client.hpp: socket errors, net::errc::timeout,
// redis_errc); an error reply (e.g. WRONGTYPE) is redis_errc::server_error, a reply of the
// wrong shape redis_errc::unexpected_reply, a stored value that is not VisorData JSON
// disc::errc::bad_response.
//
// Executor: the one given (the service's); the store must outlive every call in flight.
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "common/redis_client.hpp"
#include "store.hpp"

namespace skywire::svc::address_resolver {

// The Go resolver's key prefix (its cmd's redisPrefix / store's serviceName).
inline constexpr const char* redis_key_prefix = "address-resolver";

// `address-resolver:<type>:<pk hex>`
std::string redis_binding_key(std::string_view type, const crypto::public_key& pk);

// Connects and checks the server with PING, so a resolver fails at start when Redis is
// unreachable or refuses the credentials (later outages are per-request 500s; the client
// reconnects by itself).
boost::asio::awaitable<result<std::unique_ptr<store>>> open_redis_store(boost::asio::any_io_executor ex,
                                                                        common::redis_url url,
                                                                        common::redis_options options = {},
                                                                        std::size_t max_per_type = default_max_bindings);

}  // namespace skywire::svc::address_resolver
