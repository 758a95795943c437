#pragma once
// dmsg discovery storage (spec/dmsg.md §7.6): pk -> the entry's JSON as served, with what the
// listing endpoints need (has client part, has server part, client_type "visor") and an expiry.
//
// Three implementations: in memory (lost on restart; the default of `skywire dmsg disc`),
// SQLite (one file, WAL, survives restarts) and Redis (redis_store.hpp: the Go discovery's own
// key layout, so a Go discovery and ours can share one Redis).
//
// Every operation is a coroutine (awaitable<result<…>>) so that a networked store never blocks
// the service's executor; the memory and SQLite stores complete without suspending. Arguments
// are taken by value, so a caller may pass temporaries to the call (but, g++ 12, must name the
// returned awaitable before co_await-ing it).
//
// Time: `now` is Unix nanoseconds from the service's injected clock. A record whose expiry has
// passed is invisible to every read at once (like a Redis key TTL); drop_expired() removes such
// records (the discovery's 10 s sweep). expires_at_ns == 0 means never. put() gets `now` too:
// Redis turns expires_at_ns into a relative TTL (expires_at_ns - now) and from then on Redis'
// own clock decides; a record put already expired is not stored.
//
// Errors: the SQLite store reports SQLite failures in category "sqlite" (value = SQLite result
// code); the Redis store reports the Redis client's errors (common/redis_errc.hpp, socket
// errors, net::errc::timeout); the memory store never fails. Stores are used from the service's
// single executor and are not thread-safe.
#include "skywire/base/result.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skywire::svc::dmsg_discovery {

struct record {
  std::string pk;    // lowercase hex, 66 chars
  std::string json;  // the entry as served by GET (wire::disc::to_json)
  bool client = false;
  bool server = false;
  bool visor = false;  // client_type == "visor"
  std::int64_t expires_at_ns = 0;
};

template <class T>
using store_op = boost::asio::awaitable<result<T>>;

class store {
 public:
  virtual ~store() = default;
  virtual store_op<void> put(record r, std::int64_t now) = 0;
  virtual store_op<std::optional<std::string>> get(std::string pk, std::int64_t now) = 0;
  // Removing an absent key is not an error.
  virtual store_op<void> remove(std::string pk) = 0;
  // Sorted by pk.
  virtual store_op<std::vector<std::string>> client_pks(std::int64_t now) = 0;
  virtual store_op<std::vector<std::string>> visor_pks(std::int64_t now) = 0;
  // JSON of server records, a random sample of at most `limit`.
  virtual store_op<std::vector<std::string>> server_entries(std::int64_t now, std::size_t limit) = 0;
  // Returns how many records (Redis: stale set members) were dropped.
  virtual store_op<std::size_t> drop_expired(std::int64_t now) = 0;
};

std::unique_ptr<store> make_memory_store();

// Opens (creating if needed) the SQLite database at `path` (":memory:" works too), WAL mode,
// schema created on open.
result<std::unique_ptr<store>> open_sqlite_store(const std::string& path);

}  // namespace skywire::svc::dmsg_discovery
