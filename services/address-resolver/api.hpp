#pragma once
// The address resolver's HTTP API (spec/skywire.md §2.2; Go: skywire-services
// pkg/address-resolver/api/api.go) over a store, a nonce store, an injected clock and a logger.
// No sockets here: service.hpp puts it behind net::http_server. Go's status codes and bodies:
//
//   POST   /bind/stcpr        httpauth. Body LocalAddresses {"port":"…","addresses":[…]}.
//                             Not JSON (or wrong types): 200, empty body, nothing stored and the
//                             caller's nonce NOT incremented (Go's handler writes nothing).
//                             Source IP not acceptable: 400 {"error":"Cannot bind <pk> to <ip>
//                             (STCPR). Invalid IP address in request: {<port> [<addr> …]}"};
//                             source IP not among addresses: 400 {"error":"… Remote address not
//                             present in request: …"}; store error: 500 empty; else 200 empty and
//                             {remote_addr: source IP (no port), port, addresses} is stored.
//   DELETE /bind/stcpr        httpauth, body `{}\n`: 200 empty (also when nothing was bound).
//   GET    /resolve/{type}/{pk} httpauth. 200 {"remote_addr":…,["is_local":true,]"port":…,
//                             "addresses":[…]|null} (json.Marshal, no newline); 404 empty when not
//                             bound (any {type}); 400 empty for an unparsable pk.
//   GET    /transports        {"sudph":[pk…],"stcpr":[pk…]} (each omitted when empty; pks sorted)
//   DELETE /deregister/{network} network monitors only: NM-PK must be whitelisted (403), parse
//                             (400), NM-Sign must sign the NM-PK hex (400 unparsable, 403 wrong);
//                             network stcpr|sudph (400); body JSON array of pk strings (400);
//                             200 `null`. All error answers have empty bodies, like Go.
//   GET    /security/nonces/{pk}, GET /health   as in §1.9.
// Paths that do not fit a route: 404 "404 page not found\n"; a known path with another method:
// 405 (net::http_router, like chi). httpauth failures: svc/httpauth/auth.hpp.
//
// Which source IPs may bind (Go: netutil.IsPublicIP): public IPv4 only — not loopback, link-local,
// 10/8, 172.16/12, 192.168/16, and never IPv6. options.local_mode additionally accepts loopback
// (127/8, ::1) and private (10/8, 172.16/12, 192.168/16, fc00::/7) sources, so a whole test
// deployment can run on one machine or a LAN. options.trust_forwarding: see
// httpauth::remote_ip (Go always trusts X-Real-IP & co., since it runs behind a proxy).
//
// The UDP/KCP side (§2.3: SUDPH binding over KCP, heartbeats, delBind) is udp_server.hpp; a
// successful GET /resolve/sudph/{pk} calls options.punch_notifier(pk, caller), which asks pk's
// link to punch towards the caller (empty: no one is asked).
//
// Deviations: a bind with more than max_bind_addresses addresses is refused with 400
// {"error":"too many addresses"} (Go stores any number); Prometheus metrics are not exported.
// is_local is computed like Go, whose comparison never matches in this version (the field is
// never set), to stay byte-compatible.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpauth/nonce_store.hpp"
#include "store.hpp"

namespace skywire::svc::address_resolver {

inline constexpr std::size_t max_bind_addresses = 256;

struct build_info {
  std::string version = "unknown";
  std::string commit = "unknown";
  std::string date = "unknown";
};

// Called after a successful GET /resolve/sudph/{target} by `requester` (udp_server::ask_to_punch).
using punch_notifier =
    std::function<boost::asio::awaitable<void>(crypto::public_key target, crypto::public_key requester)>;

struct api_options {
  bool local_mode = false;
  bool trust_forwarding = false;
  std::vector<crypto::public_key> nm_whitelist;  // deregister callers; empty = always 403
  build_info build;
  punch_notifier notify_punch;  // empty: nobody is asked to punch
};

// Go's netutil.IsPublicIP on the text of an IP (false when it does not parse).
bool is_public_ip(std::string_view ip);
// What local mode accepts on top: loopback or private.
bool is_local_ip(std::string_view ip);

// Go's json.Unmarshal into LocalAddresses (case-insensitive keys, unknown keys ignored, null =
// zero value); nullopt where Go returns an error.
std::optional<visor_data> parse_local_addresses(std::string_view body);

class api {
 public:
  // All references must outlive the api.
  api(store& db, httpauth::nonce_store& nonces, const base::clock& clock, base::logger log, api_options options);
  api(const api&) = delete;  // the router's handlers point at this object
  api& operator=(const api&) = delete;

  // The whole API as one asynchronous handler (routing included).
  boost::asio::awaitable<net::http_reply> handle(const net::http_request& req) const;

  // Authenticated endpoints, after httpauth (`caller` is SW-Public); nullopt = "wrote nothing".
  boost::asio::awaitable<std::optional<net::http_reply>> bind(const net::http_request& req,
                                                              crypto::public_key caller) const;
  boost::asio::awaitable<std::optional<net::http_reply>> del_bind(const net::http_request& req,
                                                                  crypto::public_key caller) const;
  boost::asio::awaitable<std::optional<net::http_reply>> resolve(const net::http_request& req,
                                                                 crypto::public_key caller) const;
  boost::asio::awaitable<net::http_reply> transports() const;
  boost::asio::awaitable<net::http_reply> deregister(const net::http_request& req) const;
  net::http_reply health() const;

 private:
  store& db_;
  httpauth::nonce_store& nonces_;
  base::logger log_;
  api_options opt_;
  std::string started_at_;
  net::http_router router_;
};

}  // namespace skywire::svc::address_resolver
