#pragma once
// dmsg discovery storage (spec/dmsg.md §7.6): pk -> the entry's JSON as served, with what the
// listing endpoints need (has client part, has server part, client_type "visor") and an expiry.
//
// The Go discovery stores in Redis (keys `<pk hex>` with TTL, sets servers/clients/
// visorClients). Redis is NOT implemented here: we offer an in-memory store (lost on restart;
// the default of `skywire dmsg disc`) and SQLite (one file, WAL, survives restarts). A Redis
// store would be a third implementation of this interface.
//
// Time: `now` is Unix nanoseconds from the service's injected clock. A record whose expiry has
// passed is invisible to every read at once (like a Redis key TTL); drop_expired() removes such
// records (the discovery's 10 s sweep). expires_at_ns == 0 means never.
//
// Errors: the SQLite store reports SQLite failures in category "sqlite" (value = SQLite result
// code); the memory store never fails. Stores are used from the service's single executor and
// are not thread-safe.
#include "skywire/base/result.hpp"

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

class store {
 public:
  virtual ~store() = default;
  virtual result<void> put(const record& r) = 0;
  virtual result<std::optional<std::string>> get(std::string_view pk, std::int64_t now) = 0;
  // Removing an absent key is not an error.
  virtual result<void> remove(std::string_view pk) = 0;
  virtual result<std::vector<std::string>> client_pks(std::int64_t now) = 0;
  virtual result<std::vector<std::string>> visor_pks(std::int64_t now) = 0;
  // JSON of server records, a random sample of at most `limit`.
  virtual result<std::vector<std::string>> server_entries(std::int64_t now, std::size_t limit) = 0;
  // Returns how many records were dropped.
  virtual result<std::size_t> drop_expired(std::int64_t now) = 0;
};

std::unique_ptr<store> make_memory_store();

// Opens (creating if needed) the SQLite database at `path` (":memory:" works too), WAL mode,
// schema created on open.
result<std::unique_ptr<store>> open_sqlite_store(const std::string& path);

const boost::system::error_category& sqlite_category() noexcept;

}  // namespace skywire::svc::dmsg_discovery
