#pragma once
// bench_routes's network (see bench_routes.cpp for the rows): visors in one process, each a real
// transport::manager with an stcp network on 127.0.0.1 and a router::router, linked by stcp
// transports the bench chooses; paths come from a fixed table the bench fills (fixed_paths),
// and routes are installed by an in-process stand-in for the setup node (local_setup) until
// the bench gives the routers another route_setup (dmsg_deployment.hpp).
//
//   network net;
//   net.start(ex, 4);                    // visors 0 = A, 1 = B, 2 = C, 3 = D
//   co_await net.link(0, 2);             // an stcp transport A — C, listed by both
//   net.route({0, 2, 3, 1});             // the table's path A → C → D → B and its reverse
//   auto l = net[1].r->listen(44);
//   auto rp = co_await open_route(net, *l, 0, 1, 44, min_hops(3));  // both ends of a route group
//   co_await close_pair(rp);
//   co_await net.close();
//
// Executor: one (single-threaded) for every object; a failed step ends the bench (support.hpp).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/router/router.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/transport/manager.hpp"
#include "support.hpp"

namespace skywire::bench::routes {

// The path finder: whatever the bench put into the table for (src, dst).
struct fixed_paths final : router::path_finder {
  std::map<std::pair<crypto::public_key, crypto::public_key>, routing::path> table;
  boost::asio::awaitable<result<std::pair<routing::path, routing::path>>> find(crypto::public_key src,
                                                                               crypto::public_key dst, std::uint16_t,
                                                                               std::uint16_t) override;
};

// The setup node's work (§4.2 step 2) in process: reserve ids, generate the rules, install the
// intermediaries', then the responder's edge rules, and reply the initiator's, by calling the
// routers' route_handler methods directly (no dmsg, RPC or gob).
struct local_setup final : router::route_setup {
  std::map<crypto::public_key, setup::route_handler*> visors;
  crypto::public_key node_pk = keys("bench-routes-setup-node").pk;
  boost::asio::awaitable<result<routing::edge_rules>> dial_route_group(routing::bidirectional_route route) override;
};

struct node {
  explicit node(const std::string& seed);
  crypto::key_pair keys;
  std::uint16_t port;  // its stcp listener's, on 127.0.0.1
  std::unique_ptr<transport::manager> m;
  std::unique_ptr<router::router> r;
  const crypto::public_key& pk() const { return keys.pk; }
};

struct network {
  base::system_clock clock;
  crypto::system_random rng;
  std::vector<std::unique_ptr<node>> nodes;
  std::shared_ptr<fixed_paths> paths = std::make_shared<fixed_paths>();
  std::shared_ptr<local_setup> setup = std::make_shared<local_setup>();

  // n visors, each knowing every other's stcp address, their routers on `paths` and `setup`.
  void start(boost::asio::any_io_executor ex, std::size_t n);
  node& operator[](std::size_t i) { return *nodes[i]; }
  // An stcp transport i — j, listed by both managers (within 10 s, or the bench fails).
  boost::asio::awaitable<void> link(std::size_t i, std::size_t j);
  // The path idx[0] → idx[1] → … and its reverse, in the finder's table (replacing the pair's).
  void route(const std::vector<std::size_t>& idx);
  // Every router, then every manager.
  boost::asio::awaitable<void> close();
};

// Dial options that make a router take a route of at least n hops from the path finder (with
// n < 2 it takes a direct transport to the peer when it has one, without asking).
inline router::dial_options min_hops(std::uint16_t n) { return {.min_hops = n}; }

// Both ends of one route.
struct route_pair {
  std::optional<router::route_group> dialer;
  std::optional<router::route_group> acceptor;
};

// Visor i dials j:port with opts while l (j's listener on port) accepts.
boost::asio::awaitable<route_pair> open_route(network& net, router::listener& l, std::size_t i, std::size_t j,
                                              std::uint16_t port, router::dial_options opts);
// Shuts both ends down (each sends Close) and drops them.
boost::asio::awaitable<void> close_pair(route_pair& rp);

}  // namespace skywire::bench::routes
