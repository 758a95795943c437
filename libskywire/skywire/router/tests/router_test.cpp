// Routers end to end (spec/skywire.md §3.5–3.7, §6.7): 2–5 visors on 127.0.0.1, each a real
// transport manager with an stcp network and a router, linked by stcp transports. Routes are
// found by a fixed path table and installed by an in-process stand-in for the setup node that
// reserves ids, runs routing::generate_rules and calls each router's route_handler methods
// directly (the real setup node and its RPC come from the setup module).
//
// Proven here: 1- and 3-hop route groups carry data both ways, encrypted, with message
// boundaries; an intermediate hop sees only ciphertext and holds only intermediary rules that
// name its own transports (privacy); a side that declines encryption gets a plain route; Ping/
// Pong latency appears; a hop's manager closed mid-transfer is noticed by both ends within the
// keep-alive bound; idle rules expire; unknown route ids, wrong rule kinds, short typed
// payloads and Close on unknown ids are dropped and counted, and the router keeps working; no
// listener → Go's Error text reaches the dialler; sky-ping over a loop route; rule removal,
// listings and close.
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

namespace skywire::router {
namespace {

namespace asio = boost::asio;
namespace wr = wire::routing;
namespace wt = wire::transport;
using namespace std::chrono_literals;
using asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
const base::system_clock sys_clock;

template <class F>
void run(F&& make_body) {
  asio::io_context ctx;
  std::exception_ptr failure;
  asio::co_spawn(ctx, make_body(), [&](std::exception_ptr e) { failure = e; });
  ctx.run();
  if (failure) std::rethrow_exception(failure);
}

crypto::key_pair test_keys(const std::string& seed) { return crypto::deterministic_key_pair(as_bytes(seed)).value(); }

std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

// Polls cond every 10 ms until it holds or `limit` passes (a generous bound, not a timing test).
template <class F>
asio::awaitable<bool> eventually(F cond, std::chrono::milliseconds limit = 10000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    co_await sleep(10ms);
  }
  co_return true;
}

bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

bool contains(const bytes& hay, const bytes& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

wt::uuid tp_id(const crypto::public_key& a, const crypto::public_key& b) {
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
  void start(asio::any_io_executor ex, std::size_t n,
             const std::function<void(std::size_t, router_config&)>& tweak = {}) {
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

  asio::awaitable<void> close() {
    for (auto& n : nodes) {
      if (n->r) co_await n->r->close();
    }
    for (auto& n : nodes) {
      if (n->m) co_await n->m->close();
    }
  }
};

// Dials i → j:port while j listens: both ends (the responder's group is established, and so
// queued at the listener, before the dialler's handshake completes).
struct route_pair {
  std::optional<route_group> dialer;
  std::optional<route_group> acceptor;
};

asio::awaitable<route_pair> open_route(network& net, std::size_t i, std::size_t j, std::uint16_t port,
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
asio::awaitable<bool> exchange(route_group& from, route_group& to, const std::vector<bytes>& msgs) {
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

std::vector<bytes> sample_messages(std::string_view marker, std::size_t max) {
  std::vector<bytes> out;
  for (std::size_t size : {std::size_t{1}, std::size_t{100}, std::size_t{1400}, max}) {
    bytes m(size, 0);
    for (std::size_t i = 0; i < size; ++i) m[i] = static_cast<std::uint8_t>(i * 31 + size);
    if (size >= marker.size()) std::copy(marker.begin(), marker.end(), m.begin());
    out.push_back(std::move(m));
  }
  return out;
}

TEST(Router, OneHopRouteCarriesEncryptedMessagesBothWays) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 2);
    CO_ASSERT(co_await net.link(0, 1));
    net.route({0, 1});
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    auto& a = *rp.dialer;
    auto& b = *rp.acceptor;
    EXPECT_TRUE(a.encrypted());
    EXPECT_TRUE(b.encrypted());
    EXPECT_EQ(a.max_message(), 4070u);
    EXPECT_EQ(a.local_addr().pk, net[0].pk());
    EXPECT_GE(a.local_addr().port, 49153);
    EXPECT_EQ(a.remote_addr(), (skynet_addr{net[1].pk(), 44}));
    EXPECT_EQ(b.local_addr(), (skynet_addr{net[1].pk(), 44}));
    EXPECT_EQ(b.remote_addr(), a.local_addr());
    {
      const auto msgs = sample_messages("a to b", 4070);
      CO_ASSERT(co_await exchange(a, b, msgs));
    }
    {
      const auto msgs = sample_messages("b to a", 4070);
      CO_ASSERT(co_await exchange(b, a, msgs));
    }
    // A big write_all is split into max_message pieces and arrives in order.
    bytes big(20000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
    auto wa = a.write_all(big);
    CO_ASSERT((co_await std::move(wa)).has_value());
    bytes got;
    while (got.size() < big.size()) {
      std::array<std::uint8_t, 1000> buf{};
      auto rd = b.read_some(buf);
      auto n = co_await std::move(rd);
      CO_ASSERT(n.has_value());
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    EXPECT_EQ(got, big);
    // Each end holds exactly its forward and consume rule.
    EXPECT_EQ(net[0].r->rules().size(), 2u);
    EXPECT_EQ(net[1].r->rules().size(), 2u);
    auto groups = net[0].r->route_groups();
    CO_ASSERT(groups.size() == 1u);
    EXPECT_EQ(groups[0].role, group_role::initiator);
    EXPECT_EQ(groups[0].phase, group_phase::open);
    EXPECT_TRUE(groups[0].encrypted);
    EXPECT_EQ(groups[0].transport, tp_id(net[0].pk(), net[1].pk()));
    EXPECT_EQ(groups[0].desc, a.descriptor());
    EXPECT_GT(groups[0].stats.bytes_sent, 20000u);
    co_await net.close();
  });
}

TEST(Router, ThreeHopRouteIsEncryptedAndTheHopsSeeOnlyCiphertext) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 4);  // A=0 — C=2 — D=3 — B=1
    CO_ASSERT(co_await net.link(0, 2));
    CO_ASSERT(co_await net.link(2, 3));
    CO_ASSERT(co_await net.link(3, 1));
    net.route({0, 2, 3, 1});
    net[2].tap = true;
    net[3].tap = true;
    auto rp = co_await open_route(net, 0, 1, 3);
    CO_ASSERT(rp.dialer && rp.acceptor);
    EXPECT_TRUE(rp.dialer->encrypted());
    EXPECT_TRUE(rp.acceptor->encrypted());
    const auto there = sample_messages("TOP SECRET payload A->B", 4070);
    const auto back = sample_messages("TOP SECRET payload B->A", 4070);
    CO_ASSERT(co_await exchange(*rp.dialer, *rp.acceptor, there));
    CO_ASSERT(co_await exchange(*rp.acceptor, *rp.dialer, back));

    for (std::size_t hop : {std::size_t{2}, std::size_t{3}}) {
      const auto& n = net[hop];
      std::size_t data = 0;
      for (const auto& t : n.seen) {
        if (t.type != wr::packet_type::data) continue;
        ++data;
        EXPECT_FALSE(contains(t.payload, text("TOP SECRET"))) << "plaintext seen at hop " << hop;
        for (const auto& m : there) EXPECT_NE(t.payload, m);
      }
      EXPECT_GE(data, 2 * there.size());  // every message passed this hop, both ways
      // The hop holds only intermediary rules, naming only its own two transports.
      const auto prev = hop == 2 ? net[0].pk() : net[2].pk();
      const auto next = hop == 2 ? net[3].pk() : net[1].pk();
      const std::set<wt::uuid> mine{tp_id(n.pk(), prev), tp_id(n.pk(), next)};
      const auto rules = n.r->rules();
      EXPECT_EQ(rules.size(), 2u);
      for (const auto& r : rules) {
        EXPECT_EQ(r.type, routing::rule_type::intermediary);
        EXPECT_TRUE(mine.contains(r.next_transport_id));
        EXPECT_EQ(r.descriptor, routing::route_descriptor{});  // no endpoint is named
      }
      EXPECT_TRUE(n.r->route_groups().empty());
      EXPECT_GT(n.r->counters().forwarded, 2 * there.size());
      EXPECT_EQ(n.r->counters().dropped_unknown_route, 0u);
    }
    co_await net.close();
  });
}

asio::awaitable<std::uint64_t> write_many(route_group& g, std::size_t count, std::size_t size) {
  std::uint64_t sent = 0;
  const bytes m(size, 0x5a);
  for (std::size_t i = 0; i < count; ++i) {
    auto w = g.write(m);
    if (!(co_await std::move(w))) break;
    sent += size;
  }
  co_return sent;
}

asio::awaitable<std::uint64_t> read_bytes(route_group& g, std::uint64_t want) {
  std::uint64_t got = 0;
  while (got < want) {
    auto rd = g.read();
    auto m = co_await net::with_timeout(std::move(rd), 10s);
    if (!m) break;
    got += m->size();
  }
  co_return got;
}

// A bulk transfer through two hops whose forward queues are far smaller than the data: the hops
// pause the transports feeding them (back-pressure, as Go's blocking router) instead of
// dropping, so every byte arrives and nothing is counted as dropped.
TEST(Router, BulkTransferThroughSmallForwardQueuesLosesNothing) {
  using namespace boost::asio::experimental::awaitable_operators;
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 4, [](std::size_t, router_config& c) { c.max_forward_queue_bytes = 32 * 1024; });
    CO_ASSERT(co_await net.link(0, 2));
    CO_ASSERT(co_await net.link(2, 3));
    CO_ASSERT(co_await net.link(3, 1));
    net.route({0, 2, 3, 1});
    auto rp = co_await open_route(net, 0, 1, 3);
    CO_ASSERT(rp.dialer && rp.acceptor);
    constexpr std::size_t count = 3000, size = 4070;  // ~12 MB, 370 times a queue's bound
    auto [sent, got] = co_await (write_many(*rp.dialer, count, size) && read_bytes(*rp.acceptor, count * size));
    EXPECT_EQ(sent, count * size);
    EXPECT_EQ(got, count * size);
    for (std::size_t hop : {std::size_t{2}, std::size_t{3}}) {
      const auto c = net[hop].r->counters();
      EXPECT_EQ(c.dropped_queue_full, 0u) << "hop " << hop;
      EXPECT_GE(c.forwarded, count) << "hop " << hop;
    }
    co_await net.close();
  });
}

asio::awaitable<std::uint64_t> read_bytes_late(route_group& g, std::uint64_t want) {
  co_await sleep(1000ms);  // an app that does not read for a while: the sender must wait
  auto rd = read_bytes(g, want);
  co_return co_await std::move(rd);
}

// A reader that stops reading: its route group's buffer passes the high mark, the transport
// feeding it pauses, the sender blocks, and when the reader comes back everything arrives.
TEST(Router, ASlowReaderSlowsTheSenderInsteadOfLosingMessages) {
  using namespace boost::asio::experimental::awaitable_operators;
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 2);
    CO_ASSERT(co_await net.link(0, 1));
    net.route({0, 1});
    auto rp = co_await open_route(net, 0, 1, 3);
    CO_ASSERT(rp.dialer && rp.acceptor);
    constexpr std::size_t count = 2000, size = 4070;  // ~8 MB, 8 times the receive buffer
    auto [sent, got] = co_await (write_many(*rp.dialer, count, size) && read_bytes_late(*rp.acceptor, count * size));
    EXPECT_EQ(sent, count * size);
    EXPECT_EQ(got, count * size);
    EXPECT_EQ(rp.acceptor->stats().messages_dropped, 0u);
    co_await net.close();
  });
}

TEST(Router, ASideThatDeclinesEncryptionGetsAPlainRoute) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 2, [](std::size_t i, router_config& c) {
      if (i == 1) c.encrypt = false;  // the responder declines (sends Handshake 0)
    });
    CO_ASSERT(co_await net.link(0, 1));
    net.route({0, 1});
    net.route({1, 0});
    net[1].tap = true;
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    EXPECT_FALSE(rp.dialer->encrypted());
    EXPECT_FALSE(rp.acceptor->encrypted());
    EXPECT_EQ(rp.dialer->max_message(), 65535u);
    {
      const auto msgs = sample_messages("plain", 65535);
      CO_ASSERT(co_await exchange(*rp.dialer, *rp.acceptor, msgs));
    }
    {
      const auto msgs = sample_messages("plain back", 65535);
      CO_ASSERT(co_await exchange(*rp.acceptor, *rp.dialer, msgs));
    }
    const bool handshake0 = std::any_of(net[1].seen.begin(), net[1].seen.end(), [](const tapped& t) {
      return t.type == wr::packet_type::handshake && t.payload == bytes{1};
    });
    EXPECT_TRUE(handshake0);  // the dialler offered; the responder's 0 decided
    EXPECT_TRUE(std::any_of(net[1].seen.begin(), net[1].seen.end(),
                            [](const tapped& t) { return contains(t.payload, text("plain")); }));
    // And a dialler that declines with a responder that offers.
    auto rp2 = co_await open_route(net, 1, 0, 45, false);
    CO_ASSERT(rp2.dialer && rp2.acceptor);
    EXPECT_FALSE(rp2.dialer->encrypted());
    EXPECT_FALSE(rp2.acceptor->encrypted());
    {
      const auto msgs = sample_messages("x", 1000);
      CO_ASSERT(co_await exchange(*rp2.dialer, *rp2.acceptor, msgs));
    }
    co_await net.close();
  });
}

TEST(Router, PingPongLatencyAppearsOnBothEnds) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 3);
    CO_ASSERT(co_await net.link(0, 2));
    CO_ASSERT(co_await net.link(2, 1));
    net.route({0, 2, 1});
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    auto& a = *rp.dialer;
    auto& b = *rp.acceptor;
    {
      const auto msgs = sample_messages("load", 4070);
      CO_ASSERT(co_await exchange(a, b, msgs));
    }
    auto cond1 = [&] { return a.stats().latency.has_value() && b.stats().latency.has_value(); };
    CO_ASSERT(co_await eventually(cond1));
    EXPECT_LT(*a.stats().latency, 5s);
    EXPECT_GT(a.stats().pongs_received, 0u);
    EXPECT_GT(b.stats().pings_sent, 0u);
    auto s = net[1].r->route_groups();
    CO_ASSERT(s.size() == 1u);
    EXPECT_TRUE(s[0].stats.latency.has_value());
    co_await net.close();
  });
}

TEST(Router, AHopClosedMidTransferIsNoticedByBothEndsWithinTheKeepAlive) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 4, [](std::size_t, router_config& c) {
      c.route_keep_alive = 2s;  // the dialler's rules carry it; both ends declare death after it
      c.rules_gc_interval = 200ms;
    });
    CO_ASSERT(co_await net.link(0, 2));
    CO_ASSERT(co_await net.link(2, 3));
    CO_ASSERT(co_await net.link(3, 1));
    net.route({0, 2, 3, 1});
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    auto& a = *rp.dialer;
    auto& b = *rp.acceptor;
    // Traffic keeps flowing for longer than the keep-alive: the route stays up.
    for (int i = 0; i < 6; ++i) {
      const std::vector<bytes> one{bytes(3000, static_cast<std::uint8_t>(i))};
      CO_ASSERT(co_await exchange(a, b, one));
      co_await sleep(500ms);
    }
    CO_ASSERT(a.alive() && b.alive());
    // C (node 2) goes away mid-transfer: A's transport to it closes, B only stops hearing.
    const auto cut = std::chrono::steady_clock::now();
    co_await net[2].r->close();
    co_await net[2].m->close();
    auto rd_a = a.read();
    auto ra = co_await net::with_timeout(std::move(rd_a), 10s);
    auto rd_b = b.read();
    auto rb = co_await net::with_timeout(std::move(rd_b), 10s);
    const auto noticed = std::chrono::steady_clock::now() - cut;
    CO_ASSERT(!ra.has_value() && !rb.has_value());
    EXPECT_NE(ra.error(), make_error_code(net::errc::timeout));
    EXPECT_NE(rb.error(), make_error_code(net::errc::timeout));
    const std::set<error_code> dead{errc::transport_gone, errc::route_dead, errc::route_expired};
    EXPECT_TRUE(dead.contains(ra.error())) << ra.error().message();
    EXPECT_TRUE(dead.contains(rb.error())) << rb.error().message();
    EXPECT_LT(noticed, 8s);  // keep-alive 2 s plus GC and scheduling slack
    // Both ends dropped the route's rules.
    auto cond2 = [&] { return net[0].r->rules().empty() && net[1].r->rules().empty(); };
    CO_ASSERT(co_await eventually(cond2));
    co_await net.close();
  });
}

TEST(Router, IdleIntermediaryRulesExpire) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 1, [](std::size_t, router_config& c) {
      c.rules_gc_interval = 100ms;
    });
    auto& r = *net[0].r;
    const crypto::public_key sn = test_keys("setup-node").pk;
    auto rs = r.reserve_ids(sn, 2);
    auto ids = co_await std::move(rs);
    CO_ASSERT(ids.has_value() && ids->size() == 2u);
    const wt::uuid tp = tp_id(net[0].pk(), test_keys("elsewhere").pk);
    auto add = r.add_intermediary_rules(sn, {routing::rule::make_intermediary(300ms, (*ids)[0], 7, tp),
                                             routing::rule::make_intermediary(30s, (*ids)[1], 8, tp)});
    CO_ASSERT((co_await std::move(add)).has_value());
    EXPECT_EQ(r.rules().size(), 2u);
    auto cond3 = [&] { return r.rules().size() == 1u; };
    CO_ASSERT(co_await eventually(cond3, 5000ms));
    EXPECT_EQ(r.rules()[0].key_route_id, (*ids)[1]);
    // Wrong kinds are refused, all or nothing; so are ids never reserved.
    auto rs2 = r.reserve_ids(sn, 1);
    auto more = co_await std::move(rs2);
    CO_ASSERT(more.has_value());
    auto bad = r.add_intermediary_rules(sn, {routing::rule::make_intermediary(30s, (*more)[0], 9, tp),
                                             routing::rule::make_consume(30s, (*more)[0], {})});
    EXPECT_EQ((co_await std::move(bad)).error(), make_error_code(errc::wrong_rule_type));
    auto unreserved = r.add_intermediary_rules(sn, {routing::rule::make_intermediary(30s, 999, 9, tp)});
    EXPECT_FALSE((co_await std::move(unreserved)).has_value());
    EXPECT_EQ(r.rules().size(), 1u);
    co_await net.close();
  });
}

TEST(Router, HostilePacketsAreDroppedAndCountedAndTheRouterKeepsWorking) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 3);  // 0 → 2 → 1, and 0 also misbehaves
    CO_ASSERT(co_await net.link(0, 2));
    CO_ASSERT(co_await net.link(2, 1));
    net.route({0, 2, 1});
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    auto& hop = *net[2].r;
    const auto before = hop.counters();
    // Intermediary rule ids at the hop: the one A's packets use.
    const auto rules = hop.rules();
    CO_ASSERT(rules.size() == 2u);
    const auto tp = tp_id(net[0].pk(), net[2].pk());
    const std::uint32_t unknown = 0xdeadbeef;
    const std::uint32_t known = rules[0].key_route_id;
    const std::vector<bytes> hostile{
        *wr::encode_data(unknown, bytes(65535, 0xee)),  // the largest packet, unknown id
        wr::encode_close(unknown),                      // Close on an unknown id
        wr::encode_keep_alive(unknown),
        *wr::encode_packet(wr::packet_type::ping, known, bytes(3, 0)),  // short typed payloads
        *wr::encode_packet(wr::packet_type::pong, known, bytes(15, 0)),
        *wr::encode_packet(wr::packet_type::close, known, {}),
        *wr::encode_packet(wr::packet_type::handshake, known, {}),
    };
    for (const auto& pkt : hostile) {
      auto w = net[0].m->write_packet(tp, pkt);
      CO_ASSERT((co_await std::move(w)).has_value());
    }
    auto cond4 = [&] {
      const auto c = hop.counters();
      return c.dropped_unknown_route >= before.dropped_unknown_route + 3 && c.dropped_malformed >= before.dropped_malformed + 4;
    };
    CO_ASSERT(co_await eventually(cond4));
    // Unknown types never reach the router through a manager (it drops them); straight in:
    transport::transport_info from;
    const bytes junk{0x09, 0, 0, 0, 1, 0, 0};
    hop.handle_packet(from, *wr::parse_packet(junk));
    EXPECT_EQ(hop.counters().dropped_unknown_type, before.dropped_unknown_type + 1);
    // A KeepAlive or Close on the dialler's forward rule: wrong kind, and the rule stays.
    auto& a = *net[0].r;
    const auto fwd = rp.dialer->summary().forward_rule;
    const bytes ka = wr::encode_keep_alive(fwd);
    a.handle_packet(from, *wr::parse_packet(ka));
    const bytes cl = wr::encode_close(fwd);
    a.handle_packet(from, *wr::parse_packet(cl));
    EXPECT_EQ(a.counters().dropped_wrong_rule, 2u);
    // The route survived all of it (the malformed Close deleted nothing).
    EXPECT_EQ(hop.rules().size(), 2u);
    {
      const auto msgs = sample_messages("still fine", 4070);
      CO_ASSERT(co_await exchange(*rp.dialer, *rp.acceptor, msgs));
    }
    {
      const auto msgs = sample_messages("still fine", 4070);
      CO_ASSERT(co_await exchange(*rp.acceptor, *rp.dialer, msgs));
    }
    co_await net.close();
  });
}

TEST(Router, NoListenerSendsGoErrorTextToTheDialler) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 2);
    CO_ASSERT(co_await net.link(0, 1));
    net.route({0, 1});
    auto d = net[0].r->dial(net[1].pk(), 44);
    auto g = co_await std::move(d);
    CO_ASSERT(g.has_value());  // as in Go, the route comes up first; then B turns it away
    auto rd = g->read();
    auto got = co_await net::with_timeout(std::move(rd), 10s);
    CO_ASSERT(!got.has_value());
    EXPECT_EQ(got.error(), make_error_code(errc::peer_error));
    EXPECT_EQ(g->error_text(), "no listener on port 44, vpn-server offline");
    // B cleaned up: no rules, no groups.
    auto cond5 = [&] { return net[1].r->rules().empty() && net[1].r->route_groups().empty(); };
    CO_ASSERT(co_await eventually(cond5));
    auto cond6 = [&] { return net[0].r->rules().empty(); };
    CO_ASSERT(co_await eventually(cond6));
    auto d2 = net[0].r->dial(net[1].pk(), 1234);
    auto g2 = co_await std::move(d2);
    CO_ASSERT(g2.has_value());
    auto rd2 = g2->read();
    (void)co_await net::with_timeout(std::move(rd2), 10s);
    EXPECT_EQ(g2->error_text(), "no listener on port 1234, service offline");
    co_await net.close();
  });
}

TEST(Router, DialFailuresAreValues) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 2);
    // No transport at all.
    auto d0 = net[0].r->dial(net[1].pk(), 44);
    EXPECT_EQ((co_await std::move(d0)).error(), make_error_code(errc::no_transport));
    auto d1 = net[0].r->dial(crypto::public_key{}, 44);
    EXPECT_EQ((co_await std::move(d1)).error(), make_error_code(errc::empty_remote));
    CO_ASSERT(co_await net.link(0, 1));
    // No path known: the finder's error comes back; nothing was set up.
    auto d2 = net[0].r->dial(net[1].pk(), 44);
    EXPECT_EQ((co_await std::move(d2)).error(), make_error_code(routing::errc::empty_path));
    EXPECT_EQ(net.setup->calls, 0);
    // A path that does not end at the remote is refused before the setup node is asked.
    net.paths->table[{net[0].pk(), net[1].pk()}] = {{tp_id(net[0].pk(), net[1].pk()), net[0].pk(), net[0].pk()}};
    net.paths->table[{net[1].pk(), net[0].pk()}] = {{tp_id(net[0].pk(), net[1].pk()), net[1].pk(), net[0].pk()}};
    auto d3 = net[0].r->dial(net[1].pk(), 44);
    EXPECT_FALSE((co_await std::move(d3)).has_value());
    EXPECT_EQ(net.setup->calls, 0);
    EXPECT_TRUE(net[0].r->rules().empty());
    co_await net.close();
  });
}

TEST(Router, SkyPingOverALoopRoute) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex = co_await asio::this_coro::executor;
    net.start(ex, 2);
    CO_ASSERT(co_await net.link(0, 1));
    sky_ping sp(ex, *net[0].r, sys_clock, nullptr);
    CO_ASSERT(sp.start().has_value());
    auto p = sp.ping(net[1].pk(), {.tries = 3, .payload_bytes = 10000, .loop = true});
    auto res = co_await std::move(p);
    CO_ASSERT(res.has_value());
    CO_ASSERT(res->size() == 3u);
    for (const auto& r : *res) {
      EXPECT_LT(r.latency, 5s);
      EXPECT_GT(r.bytes, 10000u * 4 / 3);
      EXPECT_GT(r.throughput, 0u);
    }
    // The remote only forwarded: both ends of the loop were visor 0's.
    EXPECT_GT(net[1].r->counters().forwarded, 0u);
    EXPECT_TRUE(net[1].r->route_groups().empty());
    co_await sp.close();
    co_await net.close();
  });
}

// `visor ping PK --min-hops 3`: a route of three hops to the remote visor's own sky-ping port,
// which answers every {"Size":n} with "ok" once it has read the previous message.
TEST(Router, SkyPingToARemoteVisorOverThreeHops) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex = co_await asio::this_coro::executor;
    net.start(ex, 4);
    CO_ASSERT(co_await net.link(0, 2));
    CO_ASSERT(co_await net.link(2, 3));
    CO_ASSERT(co_await net.link(3, 1));
    net.route({0, 2, 3, 1});
    sky_ping client(ex, *net[0].r, sys_clock, nullptr);
    sky_ping service(ex, *net[1].r, sys_clock, nullptr);
    CO_ASSERT(client.start().has_value());
    CO_ASSERT(service.start().has_value());
    auto p = client.ping(net[1].pk(), {.tries = 3, .payload_bytes = 20000, .min_hops = 3, .max_hops = 3});
    auto res = co_await std::move(p);
    CO_ASSERT(res.has_value());
    CO_ASSERT(res->size() == 3u);
    for (const auto& r : *res) {
      EXPECT_GT(r.latency.count(), 0);
      EXPECT_LT(r.latency, 5s);
      EXPECT_GT(r.bytes, 20000u * 4 / 3);
      EXPECT_GT(r.throughput, 0u);
    }
    // Both middle hops forwarded; the route's ends were visors 0 and 1.
    EXPECT_GT(net[2].r->counters().forwarded, 0u);
    EXPECT_GT(net[3].r->counters().forwarded, 0u);
    co_await client.close();
    co_await service.close();
    co_await net.close();
  });
}

TEST(Router, RemovingAConsumeRuleClosesItsGroupAndCloseReachesThePeer) {
  run([]() -> asio::awaitable<void> {
    network net;
    auto ex0 = co_await asio::this_coro::executor;
    net.start(ex0, 2);
    CO_ASSERT(co_await net.link(0, 1));
    net.route({0, 1});
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    const auto consume = rp.acceptor->summary().consume_rule;
    EXPECT_EQ(net[1].r->remove_rule(424242).error(), make_error_code(errc::rule_not_found));
    CO_ASSERT(net[1].r->remove_rule(consume).has_value());
    auto rb = rp.acceptor->read();
    auto gotb = co_await net::with_timeout(std::move(rb), 10s);
    CO_ASSERT(!gotb.has_value());
    EXPECT_EQ(gotb.error(), make_error_code(errc::rules_removed));
    // Its Close reached the dialler, which ended in order.
    auto ra = rp.dialer->read();
    auto gota = co_await net::with_timeout(std::move(ra), 10s);
    CO_ASSERT(!gota.has_value());
    EXPECT_EQ(gota.error(), make_error_code(net::errc::closed));
    auto cond7 = [&] { return net[0].r->rules().empty() && net[1].r->rules().empty(); };
    CO_ASSERT(co_await eventually(cond7));

    // A second route, closed by the dialler's router: the peer reads an orderly end.
    auto rp2 = co_await open_route(net, 0, 1, 45);
    CO_ASSERT(rp2.dialer && rp2.acceptor);
    co_await net[0].r->close();
    auto r2 = rp2.acceptor->read();
    auto got2 = co_await net::with_timeout(std::move(r2), 10s);
    CO_ASSERT(!got2.has_value());
    EXPECT_EQ(got2.error(), make_error_code(net::errc::closed));
    EXPECT_EQ(rp2.dialer->error(), make_error_code(errc::router_closed));
    co_await net.close();
  });
}

}  // namespace
}  // namespace skywire::router
