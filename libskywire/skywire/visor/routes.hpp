#pragma once
// visor routes: how a visor's router reaches the deployment (spec/skywire.md §3.7, §4).
//
//   auto finder = make_rf_path_finder(std::make_shared<disc::rf_client>(http, cfg.routing.route_finder));
//   auto setup = make_dmsg_route_setup(dmsg, cfg.routing.route_setup_nodes, log);
//   router.set_path_finder(finder);  router.set_route_setup(setup);
//
// The path finder asks the route finder for edges [src,dst] and [dst,src] with Go's retry (every
// 500 ms for up to 2 s, never after a 404) and converts disc's hops into routing's; the route
// setup calls SetupRPCGateway.DialRouteGroup on the first setup node of the list that answers on
// dmsg port 36, bounded by Go's 30 s. Errors keep the services' texts ("transport not found",
// "route setup: …", "failed to dial to a setup node"), which the local API shows as they are.
// Executor: the visor's; the dmsg client must outlive the route setup.
#include <memory>
#include <vector>

#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/router/path_finder.hpp"
#include "skywire/router/route_setup.hpp"
#include "skywire/routing/route.hpp"

namespace skywire::visor {

std::shared_ptr<router::path_finder> make_rf_path_finder(std::shared_ptr<disc::rf_client> rf);

std::shared_ptr<router::route_setup> make_dmsg_route_setup(dmsg::client& dmsg,
                                                           std::vector<crypto::public_key> setup_nodes,
                                                           base::logger log);

// disc's hops as routing's (the same three fields).
routing::path to_routing_path(const disc::rf_path& p);

}  // namespace skywire::visor
