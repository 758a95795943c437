#pragma once
// Transport discovery storage (Go: skywire-services pkg/transport-discovery/store): transport
// entries keyed by transport ID, with an index by edge public key. Only what Go stores is kept:
// t_id, edges, type and label (not the signatures, not `registered`).
//
// Calls are awaitables so a database store never blocks the executor. Three stores: memory
// (below; like Go's in-memory test store it silently overwrites an entry registered again under
// the same ID), SQLite (sqlite_store.hpp, `--db FILE`) and PostgreSQL (postgres_store.hpp, Go's
// production store and schema). The two database stores refuse a duplicate t_id with
// errc::duplicate_id, whose text is the one Go's PostgreSQL store gives (the API answers 500
// with it). Go has no Redis store for transports (only its nonces live in Redis).
//
// make_memory_store(max_entries): a std::map by ID plus a std::map<pk, std::set<id>> edge
// index, bounded to max_entries transports; registering a new ID into a full store fails with
// errc::store_full (the API answers 500, as Go does for a store error). Re-registering an
// existing ID always succeeds.
//
// Executor: the service's; the store must outlive the api.
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/wire/transport/entry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

namespace skywire::svc::transport_discovery {

enum class errc {
  store_full = 1,
  duplicate_id,  // database stores: the t_id is registered already (Go: 500 + this text)
  bad_record,    // database stores: a stored row is not a valid entry (edited/foreign data)
};

// Go's answer to a duplicate t_id (pgx's text of the unique violation on the gorm-made table).
inline constexpr const char* duplicate_id_text =
    "ERROR: duplicate key value violates unique constraint \"transports_transport_id_key\" (SQLSTATE 23505)";

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

inline constexpr std::size_t default_max_transports = 1'000'000;

using entry = wire::transport::entry;
using transport_id = wire::transport::uuid;

class store {
 public:
  virtual ~store() = default;
  // Stores the entry under e.id. An ID registered already: the memory store replaces it, the
  // database stores fail with errc::duplicate_id and keep the first.
  virtual boost::asio::awaitable<result<void>> register_transport(entry e) = 0;
  // Returns whether an entry was removed.
  virtual boost::asio::awaitable<result<bool>> deregister_transport(transport_id id) = 0;
  virtual boost::asio::awaitable<result<std::optional<entry>>> get_by_id(transport_id id) = 0;
  // Entries that have pk as an edge, by ascending ID.
  virtual boost::asio::awaitable<result<std::vector<entry>>> get_by_edge(crypto::public_key pk) = 0;
  // Every entry, by ascending ID.
  virtual boost::asio::awaitable<result<std::vector<entry>>> all() = 0;
};

std::unique_ptr<store> make_memory_store(std::size_t max_entries = default_max_transports);

}  // namespace skywire::svc::transport_discovery

template <>
struct boost::system::is_error_code_enum<skywire::svc::transport_discovery::errc> : std::true_type {};
