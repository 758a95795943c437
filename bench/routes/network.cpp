// bench_routes's network: visors with stcp transports and routers, a fixed path table and an
// in-process setup node stand-in (network.hpp).
#include "network.hpp"

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "skywire/net/timeout.hpp"
#include "skywire/router/errc.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::bench::routes {

namespace asio = boost::asio;
namespace wt = wire::transport;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

asio::awaitable<result<std::pair<routing::path, routing::path>>> fixed_paths::find(crypto::public_key src,
                                                                                 crypto::public_key dst,
                                                                                 std::uint16_t, std::uint16_t) {
  auto f = table.find({src, dst});
  auto r = table.find({dst, src});
  if (f == table.end() || r == table.end()) co_return error_code(routing::errc::empty_path);
  co_return std::pair{f->second, r->second};
}

asio::awaitable<result<routing::edge_rules>> local_setup::dial_route_group(routing::bidirectional_route route) {
  std::map<crypto::public_key, std::vector<routing::route_id>> reserved;
  for (const auto& [pk, n] : routing::count_route_ids(route)) {
    auto v = visors.find(pk);
    if (v == visors.end()) co_return error_code(router::errc::no_transport);
    auto reserve = v->second->reserve_ids(node_pk, static_cast<std::uint8_t>(n));  // named: g++ 12
    auto ids = co_await std::move(reserve);
    if (!ids) co_return ids.error();
    reserved[pk] = std::move(*ids);
  }
  auto gen = routing::generate_rules(route, reserved);
  if (!gen) co_return gen.error();
  for (auto& [pk, rules] : gen->intermediaries) {
    auto add = visors.at(pk)->add_intermediary_rules(node_pk, rules);
    auto ok = co_await std::move(add);
    if (!ok) co_return ok.error();
  }
  auto edge = visors.at(route.desc.dst_pk)->add_edge_rules(node_pk, gen->responder);
  auto ok = co_await std::move(edge);
  if (!ok) co_return ok.error();
  co_return gen->initiator;
}

node::node(const std::string& seed) : keys(bench::keys(seed)), port(free_port()) {}

void network::start(asio::any_io_executor ex, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) nodes.push_back(std::make_unique<node>("bench-routes-" + std::to_string(i)));
  for (auto& np : nodes) {
    node& nd = *np;
    transport::stcp_config c;
    c.listen_address = loopback(nd.port);
    for (auto& other : nodes) {
      if (other.get() != &nd) c.pk_table[other->pk()] = loopback(other->port);
    }
    auto net = transport::stcp_network::create(ex, nd.keys, std::move(c));
    check_result(net, "stcp network");
    transport::manager_config mc{.keys = nd.keys};
    nd.m = std::make_unique<transport::manager>(ex, std::move(mc), clock, nullptr);
    nd.m->add_network(std::move(*net));
    nd.m->start();
    router::router_config rc{.keys = nd.keys};
    nd.r = std::make_unique<router::router>(ex, rc, *nd.m, clock, rng, nullptr);
    nd.r->set_path_finder(paths);
    nd.r->set_route_setup(setup);
    nd.r->start();
    setup->visors[nd.pk()] = nd.r.get();
  }
}

asio::awaitable<void> network::link(std::size_t i, std::size_t j) {
  auto save = nodes[i]->m->save_transport(nodes[j]->pk(), std::string(wt::type_stcp), wt::label_user);
  auto s = co_await std::move(save);
  check_result(s, "save_transport");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!nodes[j]->m->find(s->id).has_value()) {
    check(std::chrono::steady_clock::now() < deadline, "the remote manager listing a transport");
    co_await sleep_for(5ms);
  }
}

void network::route(const std::vector<std::size_t>& idx) {
  routing::path fwd, rev;
  for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
    const auto& a = nodes[idx[k]]->pk();
    const auto& b = nodes[idx[k + 1]]->pk();
    fwd.push_back({wt::make_transport_id(a, b, wt::type_stcp), a, b});
  }
  for (std::size_t k = idx.size() - 1; k > 0; --k) {
    const auto& a = nodes[idx[k]]->pk();
    const auto& b = nodes[idx[k - 1]]->pk();
    rev.push_back({wt::make_transport_id(a, b, wt::type_stcp), a, b});
  }
  paths->table[{nodes[idx.front()]->pk(), nodes[idx.back()]->pk()}] = fwd;
  paths->table[{nodes[idx.back()]->pk(), nodes[idx.front()]->pk()}] = rev;
}

asio::awaitable<void> network::close() {
  for (auto& n : nodes) co_await n->r->close();
  for (auto& n : nodes) co_await n->m->close();
}

asio::awaitable<route_pair> open_route(network& net, router::listener& l, std::size_t i, std::size_t j,
                                       std::uint16_t port, router::dial_options opts) {
  route_pair rp;
  auto dial = net[i].r->dial(net[j].pk(), port, opts);
  auto g = co_await std::move(dial);
  check_result(g, "router dial");
  rp.dialer.emplace(std::move(*g));
  auto acc = l.accept();
  auto a = co_await net::with_timeout(std::move(acc), 10s);
  check_result(a, "listener accept");
  rp.acceptor.emplace(std::move(*a));
  co_return rp;
}

asio::awaitable<void> close_pair(route_pair& rp) {
  if (rp.dialer) {
    auto s = rp.dialer->shutdown();
    co_await std::move(s);
  }
  if (rp.acceptor) {
    auto s = rp.acceptor->shutdown();
    co_await std::move(s);
  }
  rp.dialer.reset();
  rp.acceptor.reset();
}

}  // namespace skywire::bench::routes
