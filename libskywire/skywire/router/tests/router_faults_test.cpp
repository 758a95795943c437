// The router under faults and hostile input, on the fixture of router_fixture.hpp: a hop closed
// mid-transfer, idle rules expiring, hostile packets dropped and counted, Go's no-listener text,
// dial failures as values, sky-ping (a loop route and a remote visor over three hops), rule
// removal reaching the peer, and rules added by hand.
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "router_fixture.hpp"

namespace skywire::router {
namespace {

using namespace test_fixture;

TEST(Router, AHopClosedMidTransferIsNoticedByBothEndsWithinTheKeepAlive) {
  const auto tweak = [](std::size_t, router_config& c) {
    c.route_keep_alive = 2s;  // the dialler's rules carry it; both ends declare death after it
    c.rules_gc_interval = 200ms;
  };
  with_network(4, tweak, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 2, 3, 1));
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
  });
}

TEST(Router, IdleIntermediaryRulesExpire) {
  const auto tweak = [](std::size_t, router_config& c) {
    c.rules_gc_interval = 100ms;
  };
  with_network(1, tweak, [](network& net) -> asio::awaitable<void> {
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
  });
}

TEST(Router, HostilePacketsAreDroppedAndCountedAndTheRouterKeepsWorking) {
  with_network(3, [](network& net) -> asio::awaitable<void> {  // 0 → 2 → 1, and 0 also misbehaves
    CO_ASSERT(co_await net.line(0, 2, 1));
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
    CO_ASSERT(co_await exchange_both_ways(*rp.dialer, *rp.acceptor, "still fine", 4070));
  });
}

TEST(Router, NoListenerSendsGoErrorTextToTheDialler) {
  with_network(2, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 1));
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
  });
}

TEST(Router, DialFailuresAreValues) {
  with_network(2, [](network& net) -> asio::awaitable<void> {
    // No transport at all.
    auto d0 = net[0].r->dial(net[1].pk(), 44);
    EXPECT_EQ((co_await std::move(d0)).error(), make_error_code(errc::no_transport));
    auto d1 = net[0].r->dial(crypto::public_key{}, 44);
    EXPECT_EQ((co_await std::move(d1)).error(), make_error_code(errc::empty_remote));
    CO_ASSERT(co_await net.link(0, 1));
    // No path known (two hops asked for, so the direct transport is no answer): the finder's
    // error comes back; nothing was set up.
    const dial_options two_hops{.min_hops = 2};
    auto d2 = net[0].r->dial(net[1].pk(), 44, two_hops);
    EXPECT_EQ((co_await std::move(d2)).error(), make_error_code(routing::errc::empty_path));
    EXPECT_EQ(net.setup->calls, 0);
    // A path that does not end at the remote is refused before the setup node is asked.
    net.paths->table[{net[0].pk(), net[1].pk()}] = {{tp_id(net[0].pk(), net[1].pk()), net[0].pk(), net[0].pk()}};
    net.paths->table[{net[1].pk(), net[0].pk()}] = {{tp_id(net[0].pk(), net[1].pk()), net[1].pk(), net[0].pk()}};
    auto d3 = net[0].r->dial(net[1].pk(), 44, two_hops);
    EXPECT_FALSE((co_await std::move(d3)).has_value());
    EXPECT_EQ(net.setup->calls, 0);
    EXPECT_TRUE(net[0].r->rules().empty());
  });
}

TEST(Router, SkyPingOverALoopRoute) {
  with_network(2, [](network& net) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
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
  });
}

// `visor ping PK --min-hops 3`: a route of three hops to the remote visor's own sky-ping port,
// which answers every {"Size":n} with "ok" once it has read the previous message.
TEST(Router, SkyPingToARemoteVisorOverThreeHops) {
  with_network(4, [](network& net) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    CO_ASSERT(co_await net.line(0, 2, 3, 1));
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
  });
}

TEST(Router, RemovingAConsumeRuleClosesItsGroupAndCloseReachesThePeer) {
  with_network(2, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.line(0, 1));
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
  });
}

TEST(Router, RulesAddedByHandForwardAndCannotTakeOverARouteGroup) {
  with_network(3, [](network& net) -> asio::awaitable<void> {
    CO_ASSERT(co_await net.link(0, 1));
    CO_ASSERT(co_await net.link(1, 2));
    // 2 consumes under an id it picks; 1 forwards its own new id to it.
    const routing::route_descriptor desc{net[0].pk(), net[2].pk(), 49153, 44};
    auto consume = net[2].r->add_rule(routing::rule::make_consume(30s, 0, desc));
    CO_ASSERT(consume.has_value());
    EXPECT_NE(consume->key_route_id, 0u);
    auto hop = net[1].r->add_rule(
        routing::rule::make_intermediary(30s, 0, consume->key_route_id, tp_id(net[1].pk(), net[2].pk())));
    CO_ASSERT(hop.has_value());
    EXPECT_EQ(net[1].r->rules().size(), 1u);
    net[2].tap = true;
    const bytes payload = text("by hand");
    const bytes pkt = *wr::encode_data(hop->key_route_id, payload);  // outlives the lazy write
    auto w = net[0].m->write_packet(tp_id(net[0].pk(), net[1].pk()), pkt);
    CO_ASSERT((co_await std::move(w)).has_value());
    auto arrived = [&] {
      return std::any_of(net[2].seen.begin(), net[2].seen.end(), [&](const tapped& t) {
        return t.type == wr::packet_type::data && t.route_id == consume->key_route_id && t.payload == payload;
      });
    };
    CO_ASSERT(co_await eventually(arrived));
    EXPECT_EQ(net[1].r->counters().forwarded, 1u);
    EXPECT_EQ(net[2].r->counters().dropped_no_group, 1u) << "a consume rule by hand has no route group";

    // Ids never handed out, and rules of a live route group, are refused.
    auto forged = net[1].r->add_rule(routing::rule::make_consume(30s, 424242, desc));
    EXPECT_EQ(forged.error(), make_error_code(routing::errc::unreserved_route_id));
    net.route({0, 1});
    auto rp = co_await open_route(net, 0, 1, 44);
    CO_ASSERT(rp.dialer && rp.acceptor);
    const auto owned = rp.acceptor->summary().consume_rule;
    auto takeover = net[1].r->add_rule(routing::rule::make_consume(30s, owned, desc));
    EXPECT_EQ(takeover.error(), make_error_code(errc::rule_in_use));
  });
}

}  // namespace
}  // namespace skywire::router
