#pragma once
// Paths, bidirectional route requests and the rules a setup node generates for them
// (spec/skywire.md §3.4, §4.2).
//
//   hop{tp_id, from, to}           one transport crossed in one direction
//   path                           hops from the route's source to its destination
//   check_path(p, src, dst)        contiguous, from src to dst, no pk visited twice, ≤ max_path_hops
//   bidirectional_route            what a visor asks a setup node for (DialRouteGroup's argument)
//   check(route)                   Go's Check() plus check_path on both paths (loops refused)
//   count_route_ids(route)         how many ids each visor must reserve (§3.4)
//   generate_rules(route, ids)     §3.4's algorithm: edge rules for both ends, intermediary
//                                  rules for the hops in between (worked example in the spec)
//
// A loop route (src == dst, as `PingRoute` builds: self→…→self) is the one case where a pk
// repeats: the last hop may end where the first began, and nothing else may repeat.
//
// Loop routes and Go's GenerateRules (pkg/router/setupnode.go, v1.3.20): Go files edge rules in
// maps keyed by the *address* "pk:port" (port = the descriptor's port at that end, 0 for
// intermediaries) and then takes `fwd[src addr][0]`, `consume[src addr][0]` for the initiator
// and the same at the dst address for the responder. For src ≠ dst that is one pair per pk.
// For a loop route (src = dst = self, ports lPort ≠ rPort) the two addresses still differ, so
// Go produces two distinct EdgeRules, both for self: the reply {D⁻¹, forward route's Forward
// rule, reverse route's Consume} and AddEdgeRules {D, reverse route's Forward, forward route's
// Consume}; self ends up with an initiating and a responding route group, as for any route.
// generated_rules::initiator / responder reproduce exactly that (the `edges` map, keyed by pk,
// cannot hold both; it keeps the initiator's for a loop). If also lPort = rPort, both addresses
// coincide and Go's `[0]` picks the forward route's rules for both ends: initiator and
// responder are then both {D, forward route's Forward, forward route's Consume}; we do the same.
// Route ids never collide in a loop: they are popped from one per-pk list (self reserves 4).
//
// Pure functions, no I/O.
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/routing/route_descriptor.hpp"
#include "skywire/routing/rule.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::routing {

struct hop {
  wire::transport::uuid tp_id;
  crypto::public_key from;
  crypto::public_key to;
  friend bool operator==(const hop&, const hop&) = default;
};

using path = std::vector<hop>;

// The route finder is asked for at most 50 hops (Go's DialRoutes MaxHops); longer paths are
// refused everywhere.
inline constexpr std::size_t max_path_hops = 50;

// errc::empty_path, errc::path_too_long, errc::broken_path (hop i's `to` is not hop i+1's
// `from`, or a hop goes from a pk to itself), errc::path_endpoints (first from / last to differ
// from src / dst), errc::route_loop (a pk visited twice).
result<void> check_path(const path& p, const crypto::public_key& src, const crypto::public_key& dst);

struct bidirectional_route {
  route_descriptor desc;  // src = the requesting visor, dst = the remote one
  std::chrono::nanoseconds keep_alive = default_rule_keep_alive;
  path forward;           // desc.src → desc.dst
  path reverse;           // desc.dst → desc.src
  friend bool operator==(const bidirectional_route&, const bidirectional_route&) = default;
};

// Go's Check() first, in its order and with its texts (errc messages): errc::no_forward_hops,
// errc::no_reverse_hops, errc::invalid_route (Forward[0].From or Reverse[last].To ≠ desc.src,
// Reverse[0].From or Forward[last].To ≠ desc.dst); then a keep_alive ≤ 0 (errc::invalid_route),
// then check_path(forward, src, dst) and check_path(reverse, dst, src).
result<void> check(const bidirectional_route& r);

// What a setup node sends to each end (§3.4): desc is the descriptor of that end's consume rule.
struct edge_rules {
  route_descriptor desc;
  rule forward;
  rule reverse;  // the consume rule
  friend bool operator==(const edge_rules&, const edge_rules&) = default;
};

// Ids each visor of the route must reserve: routes starting at it + hops ending at it.
std::map<crypto::public_key, std::size_t> count_route_ids(const bidirectional_route& r);

struct generated_rules {
  std::map<crypto::public_key, edge_rules> edges;  // desc.src and desc.dst (one entry if equal)
  std::map<crypto::public_key, std::vector<rule>> intermediaries;  // forward route's rules first
  // What the setup node replies to desc.src (desc D⁻¹) and sends desc.dst in AddEdgeRules
  // (desc D). Equal to edges[src] / edges[dst] unless src = dst (loop route, see above): use
  // these to send rules.
  edge_rules initiator;
  edge_rules responder;
};

// `reserved` holds, for every pk of count_route_ids(r), that many ids in ascending order; ids
// are popped front to back in §3.4's order (extra ids are left unused). errc::not_enough_ids
// when one is missing or short. Runs check(r) first and returns its error.
result<generated_rules> generate_rules(const bidirectional_route& r,
                                       const std::map<crypto::public_key, std::vector<route_id>>& reserved);

}  // namespace skywire::routing
