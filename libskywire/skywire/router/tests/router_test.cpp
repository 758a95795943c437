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
// listings and close; the dial hook runs before 0–1-hop dials and its failure is not fatal.
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "router_fixture.hpp"

namespace skywire::router {
namespace {

using namespace test_fixture;

TEST(Router, OneHopRouteCarriesEncryptedMessagesBothWays) {
  with_network(2, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 1));
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
    CO_ASSERT(co_await exchange_both_ways(a, b, "a to b", 4070));
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
  });
}

TEST(Router, ThreeHopRouteIsEncryptedAndTheHopsSeeOnlyCiphertext) {
  with_network(4, [](network& net) -> asio::awaitable<void> {  // A=0 — C=2 — D=3 — B=1
    CO_ASSERT(co_await net.line(0, 2, 3, 1));
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
  const auto small_queues = [](std::size_t, router_config& c) { c.max_forward_queue_bytes = 32 * 1024; };
  with_network(4, small_queues, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 2, 3, 1));
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
  with_network(2, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 1));
    auto rp = co_await open_route(net, 0, 1, 3);
    CO_ASSERT(rp.dialer && rp.acceptor);
    constexpr std::size_t count = 2000, size = 4070;  // ~8 MB, 8 times the receive buffer
    auto [sent, got] = co_await (write_many(*rp.dialer, count, size) && read_bytes_late(*rp.acceptor, count * size));
    EXPECT_EQ(sent, count * size);
    EXPECT_EQ(got, count * size);
    EXPECT_EQ(rp.acceptor->stats().messages_dropped, 0u);
  });
}

TEST(Router, ASideThatDeclinesEncryptionGetsAPlainRoute) {
  const auto tweak = [](std::size_t i, router_config& c) {
    if (i == 1) c.encrypt = false;  // the responder declines (sends Handshake 0)
  };
  with_network(2, tweak, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 1));
    net.route({1, 0});
    net[1].tap = true;
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    EXPECT_FALSE(rp.dialer->encrypted());
    EXPECT_FALSE(rp.acceptor->encrypted());
    EXPECT_EQ(rp.dialer->max_message(), 65535u);
    CO_ASSERT(co_await exchange_both_ways(*rp.dialer, *rp.acceptor, "plain", 65535));
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
  });
}

TEST(Router, PingPongLatencyAppearsOnBothEnds) {
  with_network(3, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 2, 1));
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
  });
}

// The dial hook (§3.7 step 1) runs before the route finder: here it makes the direct transport
// the 1-hop route needs. Dials asking for 2+ hops skip it, and a failing hook does not fail a
// dial that has a route anyway.
struct linking_hook final : dial_hook {
  network* nodes = nullptr;
  std::vector<crypto::public_key> calls;
  bool fail = false;
  asio::awaitable<result<void>> before_dial(crypto::public_key remote) override {
    calls.push_back(remote);
    if (fail) co_return error_code(net::errc::timeout);
    auto link = nodes->link(0, 1);
    if (!co_await std::move(link)) co_return error_code(net::errc::closed);
    co_return result<void>{};
  }
};

TEST(Router, TheDialHookRunsFirstAndOnlyForShortRoutes) {
  with_network(3, [](network& net) -> asio::awaitable<void> {
    auto hook = std::make_shared<linking_hook>();
    hook->nodes = &net;
    net[0].r->set_dial_hook(hook);
    net.route({0, 1});
    CO_ASSERT(net[0].m->transports().empty());
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    EXPECT_EQ(hook->calls, std::vector<crypto::public_key>{net[1].pk()});
    EXPECT_EQ(net[0].m->transports().size(), 1u);
    EXPECT_EQ(net.paths->calls, 0) << "one hop over the hook's transport: the finder is not asked";
    {
      const auto msgs = sample_messages("hooked", 4070);
      CO_ASSERT(co_await exchange(*rp.dialer, *rp.acceptor, msgs));
    }
    // 2+ hops: a direct transport is no part of the answer; the hook is not asked.
    CO_ASSERT(co_await net.line(0, 2, 1));
    auto l = net[1].r->listen(45);
    CO_ASSERT(l.has_value());
    dial_options two{.min_hops = 2};
    auto far = net[0].r->dial(net[1].pk(), 45, two);
    auto g = co_await std::move(far);
    EXPECT_TRUE(g.has_value()) << (g ? "" : g.error().message());
    EXPECT_EQ(hook->calls.size(), 1u);
    // A hook that fails: logged, and the dial goes on (over the transport that is up).
    hook->fail = true;
    auto again = net[0].r->dial(net[1].pk(), 45, {});
    auto g2 = co_await std::move(again);
    EXPECT_TRUE(g2.has_value()) << (g2 ? "" : g2.error().message());
    EXPECT_EQ(hook->calls.size(), 2u);
  });
}

}  // namespace
}  // namespace skywire::router
