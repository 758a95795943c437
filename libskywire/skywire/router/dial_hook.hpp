#pragma once
// dial_hook: what the router runs before it dials a route (spec/skywire.md §3.7 step 1, §1.8;
// Go: RouteSetupHook). The visor binds it to its auto-transport (visor/auto_transport.hpp):
// make sure there is a direct transport to the remote, so the route finder has an edge to
// offer. Kept here, as an interface, so the router does not depend on the address resolver.
//
//   auto ready = co_await hook->before_dial(remote);
//
// Contract: called by dial() (not dial_ping_route, as in Go) when the dial's effective min hops
// is 0 or 1 (a direct transport cannot be part of a longer route's answer), bounded by
// router_config::hook_timeout. An error is logged and the dial goes on: a multi-hop route may
// still exist (Go fails the dial instead; ours succeeds in strictly more cases).
// Executor: called on the router's executor.
#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::router {

class dial_hook {
 public:
  virtual ~dial_hook() = default;

  virtual boost::asio::awaitable<result<void>> before_dial(crypto::public_key remote) = 0;
};

}  // namespace skywire::router
