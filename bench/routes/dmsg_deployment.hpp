#pragma once
// The deployment a visor's route setup goes through, in process on 127.0.0.1 (spec/skywire.md
// §4.2): our dmsg discovery (test mode) and one dmsg server (tests/support/local_dmsg.hpp, as the
// dmsg, transport and setup tests run them), a real setup::node on its own dmsg
// client listening on port 36, and for every visor of a bench network (network.hpp) a dmsg
// client with a setup::visor_gateway on port 136 over the visor's router, trusting that node:
// what visor.cpp builds, minus the rest of the visor.
//
//   dmsg_deployment d;
//   co_await d.start(net);     // every client ready, the node and the gateways serving
//   d.use_dmsg(net);           // routers dial through visor::make_dmsg_route_setup
//   d.use_stand_in(net);       // back to net.setup (network.hpp's local_setup)
//   co_await d.stop();         // before net.close(): the gateways hold the routers
//
// The routers' path finder stays net.paths (a fixed table). Executor: the network's (one
// thread for everything); a failed step ends the bench (support.hpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "local_dmsg.hpp"
#include "network.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/setup/node.hpp"
#include "skywire/setup/visor_gateway.hpp"

namespace skywire::bench::routes {

struct dmsg_deployment {
  struct visor_side {
    std::unique_ptr<dmsg::client> dmsg;
    std::unique_ptr<setup::visor_gateway> gateway;
    std::optional<dmsg::listener> listener;  // port 136
    std::shared_ptr<router::route_setup> route_setup;
  };

  test::local_dmsg infra;  // the discovery and the dmsg server
  std::unique_ptr<dmsg::client> node_client;
  std::unique_ptr<setup::node> setup_node;
  std::optional<dmsg::listener> node_listener;  // port 36
  std::vector<visor_side> visors;               // by the network's visor index; never reallocated
  std::unique_ptr<net::task_group> background;  // the node's and the gateways' serve loops

  boost::asio::awaitable<void> start(network& net);
  void use_dmsg(network& net);
  void use_stand_in(network& net);
  boost::asio::awaitable<void> stop();
};

}  // namespace skywire::bench::routes
