#pragma once
// Address resolver storage (Go: skywire-services pkg/address-resolver/store): per network type
// ("stcpr", "sudph"), public key -> VisorData. Bindings have no TTL (Go's Redis SET with expiry
// 0): they stay until unbound or deregistered.
//
// Calls are awaitables so a networked store never blocks the executor. Three stores: memory
// (below; completes at once), SQLite (sqlite_store.hpp, `--db FILE`, survives restarts) and
// Redis (redis_store.hpp, Go's production store in its key layout). Any type string may be
// asked for (Go's resolve passes the URL's {type} through): an unknown type simply has no
// entries.
//
// make_memory_store(max_per_type): a std::map per type, bounded to max_per_type keys; binding a
// new key into a full type fails with errc::store_full (the API answers 500, as Go does for a
// store error). Rebinding a bound key always succeeds.
//
// Executor: the service's; the store must outlive the api.
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace skywire::svc::address_resolver {

enum class errc {
  store_full = 1,
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

inline constexpr std::size_t default_max_bindings = 1'000'000;

using visor_data = disc::visor_data;

class store {
 public:
  virtual ~store() = default;
  virtual boost::asio::awaitable<result<void>> bind(std::string type, crypto::public_key pk, visor_data d) = 0;
  // Removing an absent binding is not an error.
  virtual boost::asio::awaitable<result<void>> del_bind(std::string type, crypto::public_key pk) = 0;
  virtual boost::asio::awaitable<result<std::optional<visor_data>>> resolve(std::string type,
                                                                             crypto::public_key pk) = 0;
  // Bound keys of `type`, ascending.
  virtual boost::asio::awaitable<result<std::vector<crypto::public_key>>> all(std::string type) = 0;
};

std::unique_ptr<store> make_memory_store(std::size_t max_per_type = default_max_bindings);

}  // namespace skywire::svc::address_resolver

template <>
struct boost::system::is_error_code_enum<skywire::svc::address_resolver::errc> : std::true_type {};
