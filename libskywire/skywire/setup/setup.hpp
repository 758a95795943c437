#pragma once
// setup: the route setup protocol (spec/skywire.md §4.2): Go net/rpc with gob over dmsg streams.
//   errc.hpp           error codes (category "skywire.setup"), Go's texts where Go has one.
//   limits.hpp         ports 36/136, deadlines, and the bounds of every list a peer sends.
//   gob_types.hpp      BidirectionalRoute, Hop, EdgeRules, []RouteID, []Rule as gob values (B.5).
//   rule_checks.hpp    what a visor accepts from a setup node (pure).
//   route_handler.hpp  the visor side's interface to the router (the router implements it).
//   visor_gateway.hpp  the visor's port 136: service "RPCGateway" for whitelisted setup nodes.
//   node.hpp           the setup node: "SetupRPCGateway.DialRouteGroup" on port 36, with rollback.
//   client.hpp         the visor's DialRouteGroup call to its setup nodes.
#include "skywire/setup/client.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/gob_types.hpp"
#include "skywire/setup/limits.hpp"
#include "skywire/setup/node.hpp"
#include "skywire/setup/route_handler.hpp"
#include "skywire/setup/rule_checks.hpp"
#include "skywire/setup/visor_gateway.hpp"
