#pragma once
// disc::addr_resolver_client: the address resolver's HTTP API (spec/skywire.md §2.2; Go:
// pkg/transport/network/addrresolver/client.go, the HTTP half). Requests go through an
// httpauth_client, so they are signed and serialised, over whatever stream dialer its
// http_client uses.
//
//   disc::addr_resolver_client ar(auth);                       // shared_ptr<httpauth_client>
//   co_await ar.bind_stcpr("7777", {"203.0.113.5", "127.0.0.1"});
//   auto vd = co_await ar.resolve("stcpr", remote_pk);         // result<visor_data>
//   auto all = co_await ar.transports();                       // pk -> {"stcpr","sudph"}
//   co_await ar.delete_bind_stcpr();
//
// Bodies are Go's bytes: bind sends json.Encoder output of LocalAddresses
// (`{"port":"7777","addresses":[…]}\n`, `null` for no addresses), delete sends `{}\n`, both
// signed over exactly those bytes. The caller chooses the addresses (the Go visor sends every
// global-unicast or loopback IP of every interface); the AR refuses a bind unless the source IP
// of the request is among them.
//
// Errors: errc::no_entry (404 from resolve), errc::rejected (any other non-200; last_error()
// then holds "status N: <the service's error text>"), errc::bad_response (a 200 whose body is
// not the endpoint's JSON), and the httpauth_client's errors. SUDPH binding (UDP/KCP, §2.3) is
// not here yet: it needs KCP.
//
// Limits: at most max_addresses addresses are read from a resolve answer (more: bad_response).
// Executor: the httpauth_client's.
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/httpauth_client.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skywire::disc {

inline constexpr std::size_t max_addresses = 256;

// Go's addrresolver.VisorData: where a bound visor can be reached.
struct visor_data {
  std::string remote_addr;  // stcpr: the IP the AR saw; sudph: the observed ip:port
  bool is_local = false;    // requester shares remote_addr's host (never set by Go's AR v1.3.20)
  std::string port;         // the visor's listening port, as a string
  std::vector<std::string> addresses;

  friend bool operator==(const visor_data&, const visor_data&) = default;
};

// json.Encoder output of LocalAddresses{Port, Addresses} (trailing "\n"); empty -> "null".
std::string local_addresses_json(std::string_view port, const std::vector<std::string>& addresses);

// Parses a resolve answer (tolerant like Go: unknown keys ignored, absent fields zero).
result<visor_data> parse_visor_data(std::string_view body);

class addr_resolver_client {
 public:
  explicit addr_resolver_client(std::shared_ptr<httpauth_client> auth);

  // POST /bind/stcpr (signed).
  boost::asio::awaitable<result<void>> bind_stcpr(std::string port, std::vector<std::string> addresses);
  // DELETE /bind/stcpr with body "{}\n" (signed).
  boost::asio::awaitable<result<void>> delete_bind_stcpr();
  // GET /resolve/{type}/{pk} (signed); type is "stcpr" or "sudph".
  boost::asio::awaitable<result<visor_data>> resolve(std::string type, crypto::public_key pk);
  // GET /transports (open route): every bound pk with its types ("sudph", "stcpr"). Unparsable
  // pks in the answer are skipped, like Go.
  boost::asio::awaitable<result<std::map<crypto::public_key, std::vector<std::string>>>> transports();

  // "status N: <text>" of the last errc::rejected answer.
  const std::string& last_error() const noexcept { return last_error_; }
  httpauth_client& auth() noexcept { return *auth_; }

 private:
  error_code reject(const net::http_response& r);

  std::shared_ptr<httpauth_client> auth_;
  std::string last_error_;
};

}  // namespace skywire::disc
