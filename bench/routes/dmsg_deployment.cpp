// bench_routes's dmsg deployment: discovery, server, setup node and the visors' gateways
// (dmsg_deployment.hpp).
#include "dmsg_deployment.hpp"

#include <chrono>

#include "skywire/setup/limits.hpp"
#include "skywire/visor/routes.hpp"

namespace skywire::bench::routes {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A dmsg client of the deployment, ready (one session, entry posted) within 10 s. The name is
// taken by value: the coroutine starts after the caller's temporaries are gone.
asio::awaitable<std::unique_ptr<dmsg::client>> ready_client(test::local_dmsg& infra, crypto::key_pair kp,
                                                            std::string name) {
  auto cfg = infra.client_config(std::move(kp));
  cfg.dial_timeout = 5s;
  auto ready = infra.ready_client(std::move(cfg), std::move(name));
  auto c = co_await std::move(ready);
  check_result(c, "dmsg client ready");
  co_return std::move(*c);
}

}  // namespace

asio::awaitable<void> dmsg_deployment::start(network& net) {
  auto ex = co_await asio::this_coro::executor;
  background = std::make_unique<net::task_group>(ex, 64);
  auto starting = infra.start({"bench-routes-dmsg-server"});
  auto up = co_await std::move(starting);
  check_result(up, "dmsg discovery and server start");

  auto nc = ready_client(infra, keys("bench-routes-setup-node"), "setup-node");
  node_client = co_await std::move(nc);
  setup_node = std::make_unique<setup::node>(ex, setup::dmsg_stream_dialer(*node_client), setup::node_options{},
                                       base::make_null_logger("setup-node"));
  auto nl = node_client->listen(setup::setup_node_port);
  check_result(nl, "setup node listen on port 36");
  node_listener.emplace(std::move(*nl));
  check(background->spawn(setup_node->serve(*node_listener)).has_value(), "spawn the setup node");

  const std::vector<crypto::public_key> setup_nodes{node_client->pk()};
  visors.reserve(net.nodes.size());  // the gateways' serve loops hold their listeners
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    auto& nd = net[i];
    const std::string name = "visor-" + std::to_string(i);
    visor_side v;
    auto vc = ready_client(infra, nd.keys, name);
    v.dmsg = co_await std::move(vc);
    setup::gateway_options go;
    go.setup_nodes.insert(node_client->pk());
    v.gateway = std::make_unique<setup::visor_gateway>(ex, nd.pk(), *nd.r, go, infra.clock,
                                                       base::make_null_logger(name + "-gateway"));
    auto l = v.dmsg->listen(setup::visor_setup_port);
    check_result(l, "visor listen on port 136");
    v.listener.emplace(std::move(*l));
    v.route_setup = visor::make_dmsg_route_setup(*v.dmsg, setup_nodes, base::make_null_logger(name + "-routes"));
    visors.push_back(std::move(v));
    auto& back = visors.back();
    check(background->spawn(back.gateway->serve(*back.listener)).has_value(), "spawn a visor gateway");
  }
}

void dmsg_deployment::use_dmsg(network& net) {
  for (std::size_t i = 0; i < visors.size(); ++i) net[i].r->set_route_setup(visors[i].route_setup);
}

void dmsg_deployment::use_stand_in(network& net) {
  for (std::size_t i = 0; i < visors.size(); ++i) net[i].r->set_route_setup(net.setup);
}

asio::awaitable<void> dmsg_deployment::stop() {
  if (node_listener) node_listener->close();
  for (auto& v : visors) v.listener->close();
  if (background) co_await background->join();
  if (setup_node) co_await setup_node->shutdown();
  for (auto& v : visors) {
    co_await v.gateway->shutdown();
    co_await v.dmsg->close();
  }
  if (node_client) co_await node_client->close();
  co_await infra.stop();
}

}  // namespace skywire::bench::routes
