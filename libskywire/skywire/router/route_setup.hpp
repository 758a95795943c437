#pragma once
// route_setup: how the router has a route installed (spec/skywire.md §3.7 step 3, §4.2). The
// visor binds it to setup::client (SetupRPCGateway.DialRouteGroup on a setup node's dmsg port
// 36); tests bind it to an in-process stand-in that reserves ids and installs the rules on each
// visor's route_handler directly. Kept here, as an interface, so the router does not depend on
// dmsg or the RPC layer.
//
//   auto mine = co_await setup->dial_route_group(route);   // the dialler's EdgeRules
//
// Contract: on success every intermediary rule is installed and the destination visor holds
// its edge rules (and, when it is one of ours, its pending route group: route_handler.hpp); the
// result is the requester's EdgeRules: desc = route.desc.inverted(), forward = its forward rule
// (descriptor route.desc), reverse = its consume rule (descriptor desc). The router checks that
// shape (errc::bad_edge_rules) and bounds the call with router_config::setup_timeout.
// Executor: called on the router's executor.
#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/routing/route.hpp"

namespace skywire::router {

class route_setup {
 public:
  virtual ~route_setup() = default;

  virtual boost::asio::awaitable<result<routing::edge_rules>> dial_route_group(routing::bidirectional_route route) = 0;
};

}  // namespace skywire::router
