#pragma once
// The visor's call to a setup node (spec/skywire.md §4.2 step 1; Go: pkg/router/setupclient.go,
// wrappers.go): dial the setup nodes on dmsg port 36 in order until one answers, call
// "SetupRPCGateway.DialRouteGroup" once, close the stream.
//
//   auto rules = co_await setup::dial_route_group(dmsg_client, cfg.route_setup_nodes, route, 30s, log);
//   if (!rules) log->warn("{}", rules.error().message);    // Go's text, e.g. "route setup: …"
//   else router.save(rules->forward, rules->reverse);       // desc = route.desc.inverted()
//
// Errors are values with Go's texts (the router and the visor API show them as they are):
//   errc::no_setup_node  "failed to dial to a setup node"     no setup node could be dialled
//   errc::route_setup    "route setup: <the node's text>"     the node refused (e.g. "route setup:
//                                                              failed to reserve route ids: …")
//   errc::bad_reply      "route setup: <what is wrong>"       the EdgeRules do not fit the route
//                                                              (setup/rule_checks.hpp; desc must
//                                                              be route.desc inverted)
//   net::errc::timeout   "route setup: operation timed out"   `timeout` passed (the node's own
//                                                              limit is 30 s; Go's visor waits
//                                                              without one)
//   stream / rpc errors  "route setup: <message>"             e.g. the node closed the stream at
//                                                              its deadline
// Executor: the dmsg client's. The logger may be null (no logs).
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/routing/route.hpp"

namespace skywire::setup {

struct setup_error {
  error_code code;
  std::string message;  // Go's full text
};

using dial_result = boost::system::result<routing::edge_rules, setup_error>;

boost::asio::awaitable<dial_result> dial_route_group(dmsg::client& c, std::vector<crypto::public_key> setup_nodes,
                                                     routing::bidirectional_route route,
                                                     std::chrono::steady_clock::duration timeout,
                                                     base::logger log = nullptr);

// The same over a stream already connected to a setup node's port 36 (tests, other carriers).
// No deadline of its own: bound it with net::with_timeout.
boost::asio::awaitable<dial_result> call_dial_route_group(std::unique_ptr<net::stream> s,
                                                          routing::bidirectional_route route);

}  // namespace skywire::setup
