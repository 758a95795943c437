#pragma once
// Auto-transport, the visor's route-setup hook (spec/skywire.md §1.8; Go: getRouteSetupHooks
// in pkg/visor/init.go): before the router dials a route to `remote`, make sure there is a
// direct transport to it, so a 1-hop route exists even between visors that never linked.
//
//   router.set_dial_hook(make_auto_transport(auto_transport_over(ar, tm), {}, log));
//
// Order, as Go's: nothing to do when a transport to `remote` is up. Otherwise ask the address
// resolver which types `remote` is bound for (GET /transports); stcpr if it is listed, then
// sudph if it is listed, then dmsg; each type tried up to `tries` times with a backoff from
// `first_backoff` growing by `factor` (Go's retrier: 3 tries, 1 s, ×1.3), each try bounded by
// `try_timeout`. Every transport made here carries the label "automatic". A type this visor
// cannot dial (no such network in the manager) is skipped.
// Differences from Go, on purpose: any transport to `remote` counts as up (Go ignores stcp and
// makes a second one); sudph is tried whenever it is listed (Go first asks its STUN client
// whether the local NAT is symmetric; ours has none, and a failed hole punch falls through to
// dmsg); the router goes on without a direct transport when this fails (dial_hook.hpp).
//
// The hook is written against three functions so it can be tested without a network; the
// visor binds them to its address-resolver client and transport manager.
// Executor: the router's (the visor's); the functions are called on it.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/router/dial_hook.hpp"
#include "skywire/transport/manager.hpp"

namespace skywire::visor {

struct auto_transport_config {
  unsigned tries = 3;
  std::chrono::steady_clock::duration first_backoff = std::chrono::seconds(1);
  double factor = 1.3;
  std::chrono::steady_clock::duration max_backoff = std::chrono::seconds(20);
  std::chrono::steady_clock::duration try_timeout = std::chrono::seconds(10);
};

struct auto_transport_functions {
  // True when a transport to pk is up (any type).
  std::function<bool(const crypto::public_key&)> connected;
  // The types each pk is bound for in the address resolver; unset when there is none.
  std::function<boost::asio::awaitable<result<std::map<crypto::public_key, std::vector<std::string>>>>()> registered;
  // The transport types this visor can dial.
  std::function<std::vector<std::string>()> types;
  // A transport of `type` to pk with label "automatic".
  std::function<boost::asio::awaitable<result<void>>(crypto::public_key, std::string)> save;
};

// The functions over the visor's address resolver client (may be null) and transport manager.
auto_transport_functions auto_transport_over(std::shared_ptr<disc::addr_resolver_client> ar, transport::manager& tm);

std::shared_ptr<router::dial_hook> make_auto_transport(auto_transport_functions fns, auto_transport_config cfg,
                                                       base::logger log);

}  // namespace skywire::visor
