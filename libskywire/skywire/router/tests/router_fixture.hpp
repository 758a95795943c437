#pragma once
// The router tests' fixture: visors in one process (a transport manager with an stcp network on
// 127.0.0.1 and a router each), a fixed path finder, an in-process setup node that reserves ids,
// generates the rules and installs them through each router's route_handler, and helpers to
// open routes and exchange messages. Used by router_test.cpp (routes, privacy, back-pressure)
// and router_faults_test.cpp (faults, hostile input, sky-ping, rule removal).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/router/errc.hpp"
#include "skywire/router/router.hpp"
#include "skywire/router/sky_ping.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/wire/routing/packet.hpp"

#define CO_ASSERT(cond)                            \
  do {                                             \
    if (!(cond)) {                                 \
      ADD_FAILURE() << "assertion failed: " #cond; \
      co_return;                                   \
    }                                              \
  } while (0)

namespace skywire::router::test_fixture {

namespace asio = boost::asio;
namespace wr = wire::routing;
namespace wt = wire::transport;
using namespace std::chrono_literals;
using asio::ip::tcp;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
inline const base::system_clock sys_clock;

template <class F>
inline void run(F&& make_body) {
  asio::io_context ctx;
  std::exception_ptr failure;
  asio::co_spawn(ctx, make_body(), [&](std::exception_ptr e) { failure = e; });
  ctx.run();
  if (failure) std::rethrow_exception(failure);
}

inline crypto::key_pair test_keys(const std::string& seed) { return crypto::deterministic_key_pair(as_bytes(seed)).value(); }

inline std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

inline std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

inline asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

// Polls cond every 10 ms until it holds or `limit` passes (a generous bound, not a timing test).
template <class F>
inline asio::awaitable<bool> eventually(F cond, std::chrono::milliseconds limit = 10000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    co_await sleep(10ms);
  }
  co_return true;
}

inline bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

inline bool contains(const bytes& hay, const bytes& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

inline wt::uuid tp_id(const crypto::public_key& a, const crypto::public_key& b) {
  return wt::make_transport_id(a, b, wt::type_stcp);
}

// A fixed route table: the path finder returns what the test put in.
struct fixed_paths final : path_finder {
  std::map<std::pair<crypto::public_key, crypto::public_key>, routing::path> table;
  int calls = 0;
  asio::awaitable<result<std::pair<routing::path, routing::path>>> find(crypto::public_key src, crypto::public_key dst,
                                                                        std::uint16_t, std::uint16_t) override {
    ++calls;
    auto f = table.find({src, dst});
    auto r = table.find({dst, src});
    if (f == table.end() || r == table.end()) co_return error_code(routing::errc::empty_path);
    co_return std::pair{f->second, r->second};
  }
};

// The setup node's work (§4.2 step 2), in process: reserve, generate, install, reply.
struct fake_setup final : route_setup {
  std::map<crypto::public_key, setup::route_handler*> visors;
  crypto::public_key node_pk = test_keys("setup-node").pk;
  int calls = 0;
  asio::awaitable<result<routing::edge_rules>> dial_route_group(routing::bidirectional_route route) override {
    ++calls;
    std::map<crypto::public_key, std::vector<routing::route_id>> reserved;
    for (const auto& [pk, n] : routing::count_route_ids(route)) {
      auto v = visors.find(pk);
      if (v == visors.end()) co_return error_code(errc::no_transport);
      auto reserve = v->second->reserve_ids(node_pk, static_cast<std::uint8_t>(n));
      auto ids = co_await std::move(reserve);
      if (!ids) co_return ids.error();
      reserved[pk] = *ids;
    }
    auto gen = routing::generate_rules(route, reserved);
    if (!gen) co_return gen.error();
    for (auto& [pk, rules] : gen->intermediaries) {
      auto add = visors.at(pk)->add_intermediary_rules(node_pk, rules);  // named: g++ 12 (DESIGN §4)
      auto ok = co_await std::move(add);
      if (!ok) co_return ok.error();
    }
    auto edge = visors.at(route.desc.dst_pk)->add_edge_rules(node_pk, gen->responder);
    auto ok = co_await std::move(edge);
    if (!ok) co_return ok.error();
    co_return gen->initiator;
  }
};

struct tapped {
  wr::packet_type type;
  std::uint32_t route_id;
  bytes payload;
};

// One visor's data plane: manager + stcp network + router. With `tap` set, every packet the
// manager hands over is recorded before the router sees it.
struct node {
  explicit node(const std::string& seed) : keys(test_keys(seed)), port(free_port()) {}
  crypto::key_pair keys;
  std::uint16_t port;
  std::unique_ptr<transport::manager> m;
  std::unique_ptr<router> r;
  bool tap = false;
  std::vector<tapped> seen;

  const crypto::public_key& pk() const { return keys.pk; }
};

struct network {
  crypto::system_random rng;
  std::vector<std::unique_ptr<node>> nodes;
  std::shared_ptr<fixed_paths> paths = std::make_shared<fixed_paths>();
  std::shared_ptr<fake_setup> setup = std::make_shared<fake_setup>();

  // n visors; `tweak` adjusts each router's config (index given).
  void start(asio::any_io_executor ex, std::size_t n, const std::function<void(std::size_t, router_config&)>& tweak = {}) {
    for (std::size_t i = 0; i < n; ++i) nodes.push_back(std::make_unique<node>("router-test-" + std::to_string(i)));
    for (std::size_t i = 0; i < n; ++i) {
      node& nd = *nodes[i];
      transport::stcp_config c;
      c.listen_address = loopback(nd.port);
      for (auto& other : nodes) {
        if (other.get() != &nd) c.pk_table[other->pk()] = loopback(other->port);
      }
      auto net = transport::stcp_network::create(ex, nd.keys, std::move(c));
      ASSERT_TRUE(net.has_value()) << net.error().message();
      transport::manager_config mc{.keys = nd.keys};
      mc.dial_timeout = 10s;
      mc.settlement_timeout = 5s;
      mc.registry_backoff = 5ms;
      nd.m = std::make_unique<transport::manager>(ex, std::move(mc), sys_clock, nullptr);
      nd.m->add_network(std::move(*net));
      nd.m->start();
      router_config rc{.keys = nd.keys};
      rc.timing.ping_interval = 200ms;
      if (tweak) tweak(i, rc);
      // ROUTER_TEST_LOG=1 shows every router's debug log on stderr.
      base::logger lg = std::getenv("ROUTER_TEST_LOG")
                            ? base::make_stderr_logger("router-" + std::to_string(i), spdlog::level::debug)
                            : nullptr;
      nd.r = std::make_unique<router>(ex, rc, *nd.m, sys_clock, rng, lg);
      nd.r->set_path_finder(paths);
      nd.r->set_route_setup(setup);
      nd.r->start();
      node* np = &nd;
      nd.m->set_packet_handler([np](const transport::transport_info& from, const wr::packet_view& p) {
        if (np->tap) np->seen.push_back({p.type, p.route_id, bytes(p.payload.begin(), p.payload.end())});
        np->r->handle_packet(from, p);
      });
      setup->visors[nd.pk()] = nd.r.get();
    }
  }

  node& operator[](std::size_t i) { return *nodes[i]; }

  // An stcp transport between nodes i and j, up on both sides.
  asio::awaitable<bool> link(std::size_t i, std::size_t j) {
    auto save = nodes[i]->m->save_transport(nodes[j]->pk(), "stcp", wt::label_user);
    auto s = co_await std::move(save);
    if (!s) {
      ADD_FAILURE() << "link: " << s.error().message();
      co_return false;
    }
    const auto id = s->id;
    node* other = nodes[j].get();
    auto cond0 = [&] { return other->m->find(id).has_value(); };
    co_return co_await eventually(cond0);
  }

  // The path through nodes idx[0] → idx[1] → … and its reverse, registered with the finder.
  void route(const std::vector<std::size_t>& idx) {
    routing::path fwd, rev;
    for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
      const auto& a = nodes[idx[k]]->pk();
      const auto& b = nodes[idx[k + 1]]->pk();
      fwd.push_back({tp_id(a, b), a, b});
    }
    for (std::size_t k = idx.size() - 1; k > 0; --k) {
      const auto& a = nodes[idx[k]]->pk();
      const auto& b = nodes[idx[k - 1]]->pk();
      rev.push_back({tp_id(a, b), a, b});
    }
    paths->table[{nodes[idx.front()]->pk(), nodes[idx.back()]->pk()}] = fwd;
    paths->table[{nodes[idx.back()]->pk(), nodes[idx.front()]->pk()}] = rev;
  }

  // The usual set-up of a test route: stcp transports between neighbours of the nodes given,
  // and the path through them registered with the finder. Indices as arguments, not a braced
  // list: g++ 12 mishandles an initializer_list's array created inside a co_await expression.
  template <class... Index>
  asio::awaitable<bool> line(Index... i) {
    const std::vector<std::size_t> idx{static_cast<std::size_t>(i)...};
    for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
      auto linking = link(idx[k], idx[k + 1]);
      if (!co_await std::move(linking)) co_return false;
    }
    route(idx);
    co_return true;
  }

  asio::awaitable<void> close() {
    for (auto& n : nodes) {
      if (n->r) co_await n->r->close();
    }
    for (auto& n : nodes) {
      if (n->m) co_await n->m->close();
    }
  }
};

using config_tweak = std::function<void(std::size_t, router_config&)>;

// A test on n visors: starts them (each router's config adjusted by `tweak`), runs body(net) on
// one io_context and closes the network however the body ended (CO_ASSERT returns early).
template <class Body>
inline void with_network(std::size_t n, const config_tweak& tweak, Body body) {
  run([&]() -> asio::awaitable<void> {
    network net;
    net.start(co_await asio::this_coro::executor, n, tweak);
    auto test = body(net);
    co_await std::move(test);
    co_await net.close();
  });
}

template <class Body>
inline void with_network(std::size_t n, Body body) {
  with_network(n, config_tweak{}, std::move(body));
}

// Dials i → j:port while j listens: both ends (the responder's group is established, and so
// queued at the listener, before the dialler's handshake completes).
struct route_pair {
  std::optional<route_group> dialer;
  std::optional<route_group> acceptor;
};

inline asio::awaitable<route_pair> open_route(network& net, std::size_t i, std::size_t j, std::uint16_t port,
                                       bool encrypt = true) {
  dial_options opts;
  opts.encrypt = encrypt;
  route_pair rp;
  auto l = net[j].r->listen(port);
  EXPECT_TRUE(l.has_value());
  if (!l) co_return rp;
  auto dial = net[i].r->dial(net[j].pk(), port, opts);
  auto g = co_await std::move(dial);
  EXPECT_TRUE(g.has_value()) << (g ? "" : g.error().message());
  if (!g) co_return rp;
  rp.dialer.emplace(std::move(*g));
  auto acc = l->accept();
  auto a = co_await net::with_timeout(std::move(acc), 10s);
  EXPECT_TRUE(a.has_value());
  if (a) rp.acceptor.emplace(std::move(*a));
  co_return rp;
}

// Writes `msgs` from `from` and reads them at `to`, checking each message arrives whole.
inline asio::awaitable<bool> exchange(route_group& from, route_group& to, const std::vector<bytes>& msgs) {
  for (const auto& m : msgs) {
    auto w = from.write(m);
    auto wr_ = co_await std::move(w);
    if (!wr_) {
      ADD_FAILURE() << "write: " << wr_.error().message();
      co_return false;
    }
  }
  for (const auto& m : msgs) {
    auto rd = to.read();
    auto got = co_await net::with_timeout(std::move(rd), 10s);
    if (!got) {
      ADD_FAILURE() << "read: " << got.error().message();
      co_return false;
    }
    if (*got != m) {
      ADD_FAILURE() << "message of " << m.size() << " bytes arrived as " << got->size();
      co_return false;
    }
  }
  co_return true;
}

inline std::vector<bytes> sample_messages(std::string_view marker, std::size_t max);

// sample_messages(marker, max) from a to b, then from b to a.
inline asio::awaitable<bool> exchange_both_ways(route_group& a, route_group& b, std::string_view marker,
                                                std::size_t max) {
  const auto msgs = sample_messages(marker, max);
  auto there = exchange(a, b, msgs);
  if (!co_await std::move(there)) co_return false;
  auto back = exchange(b, a, msgs);
  co_return co_await std::move(back);
}

inline std::vector<bytes> sample_messages(std::string_view marker, std::size_t max) {
  std::vector<bytes> out;
  for (std::size_t size : {std::size_t{1}, std::size_t{100}, std::size_t{1400}, max}) {
    bytes m(size, 0);
    for (std::size_t i = 0; i < size; ++i) m[i] = static_cast<std::uint8_t>(i * 31 + size);
    if (size >= marker.size()) std::copy(marker.begin(), marker.end(), m.begin());
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace skywire::router::test_fixture
