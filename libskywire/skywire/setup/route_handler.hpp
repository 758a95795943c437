#pragma once
// What a visor does with a setup node's requests (spec/skywire.md §4.2 step 3): the interface
// between the visor-side RPC gateway (setup/visor_gateway.hpp, which speaks Go's net/rpc on
// dmsg port 136 to whitelisted setup nodes only) and the router, which implements it.
//
// The gateway, not the handler, enforces that a stream from a setup node may only add rules keyed
// by ids reserved on that same stream, each once (so a replayed or forged AddEdgeRules/
// AddIntermediaryRules on another stream is refused before it reaches the handler).
//
// Errors returned here reach the setup node as Go's `routing.Failure` text
// "failure code <n> (<message>)" with the code of the method (reserve → 4, rules → 1).
#include <cstdint>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/routing/rule.hpp"

namespace skywire::setup {

class route_handler {
 public:
  virtual ~route_handler() = default;

  // RPCGateway.ReserveIDs(n uint8) → n consecutive new route ids.
  virtual boost::asio::awaitable<result<std::vector<routing::route_id>>> reserve_ids(
      const crypto::public_key& setup_node, std::uint8_t n) = 0;

  // RPCGateway.AddIntermediaryRules([]Rule): save them (each must be an intermediary rule keyed
  // by an id this visor reserved).
  virtual boost::asio::awaitable<result<void>> add_intermediary_rules(
      const crypto::public_key& setup_node, std::vector<routing::rule> rules) = 0;

  // RPCGateway.AddEdgeRules(EdgeRules): this visor is the route's destination. Unlike Go, the
  // rules are saved and the pending route group exists before this returns (spec §3.5's race).
  virtual boost::asio::awaitable<result<void>> add_edge_rules(
      const crypto::public_key& setup_node, routing::edge_rules rules) = 0;

  // RPCGateway.RemoveRules([]RouteID) → bool: our extension, for a setup node that rolls back a
  // failed setup (Go's setup node never calls it; a Go visor answers "rpc: can't find method",
  // which our setup node tolerates: the rules then expire after their keep-alive). Removes only
  // rules keyed by the given ids; closes a pending route group whose consume rule goes.
  virtual boost::asio::awaitable<result<void>> remove_rules(
      const crypto::public_key& setup_node, std::vector<routing::route_id> ids) = 0;
};

}  // namespace skywire::setup
