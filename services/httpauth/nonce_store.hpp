#pragma once
// The per-key nonce counters of httpauth (spec/skywire.md §2.1; Go: skywire-utilities
// pkg/httpauth/{nonce-storer.go,memory_store.go}). A counter starts at 0 and only grows; the
// verifier (auth.hpp) accepts a request only when its SW-Nonce equals the stored counter and
// increments it after the handler answered 200.
//
// nonce_store is the interface; the memory store is below, the SQLite, Redis and PostgreSQL
// ones in persistent_nonce_stores.hpp (Go keys them per service: counters must not be shared
// between services). Calls are awaitables, so a store that waits on
// I/O fits behind the services' asynchronous routes (net::http_async_handler); they are made
// from the service's executor.
//
// make_memory_nonce_store: a std::map bounded to max_entries keys. Keys are only stored once
// their counter moves off 0, so looking up an unknown key creates nothing. When the table is full,
// nonce() and increment() of a key it does not hold fail with errc::nonce_store_full: the
// verifier answers 401 with that text and the nonce endpoint 500, so a full table refuses new
// callers instead of silently leaving their counter at 0 (which would allow replays). Counters
// are lost on restart (Go's memory store too): a client re-fetches its nonce after the 401.
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

namespace skywire::svc::httpauth {

enum class errc {
  nonce_store_full = 1,  // a new key does not fit into the bounded store
  malformed_nonce,       // a persistent store holds something that is not a decimal counter
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

inline constexpr std::size_t default_max_nonce_entries = 1'000'000;

class nonce_store {
 public:
  virtual ~nonce_store() = default;
  // The next expected nonce of pk (0 if it never authenticated).
  virtual boost::asio::awaitable<result<std::uint64_t>> nonce(crypto::public_key pk) = 0;
  // Increments pk's counter; returns the new value.
  virtual boost::asio::awaitable<result<std::uint64_t>> increment(crypto::public_key pk) = 0;
  // Number of keys with a counter.
  virtual boost::asio::awaitable<result<std::size_t>> count() = 0;
};

std::unique_ptr<nonce_store> make_memory_nonce_store(std::size_t max_entries = default_max_nonce_entries);

}  // namespace skywire::svc::httpauth

template <>
struct boost::system::is_error_code_enum<skywire::svc::httpauth::errc> : std::true_type {};
