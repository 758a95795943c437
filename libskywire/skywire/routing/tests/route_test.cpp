// Paths, Check() and rule generation (spec/skywire.md §3.4, §4.2 step 2.1): the §3.4 worked
// example exactly, loop routes as Go's GenerateRules builds them, and every refusal.
#include <gtest/gtest.h>

#include <string>

#include "skywire/routing/errc.hpp"
#include "skywire/routing/route.hpp"
#include "test_keys.hpp"

namespace skywire::routing {
namespace {

using namespace std::chrono_literals;

// A deterministic key per name, for paths longer than Appendix B's three keys.
crypto::public_key key(const std::string& seed) {
  return crypto::deterministic_key_pair(as_bytes(seed)).value().pk;
}

// §3.4: A, C, B; t1 = A–C, t2 = C–B.
struct worked_example {
  crypto::public_key a = test::pk1(), b = test::pk2(), c = test::pk3();
  wire::transport::uuid t1 = test::tp(1), t2 = test::tp(2);
  route_descriptor d{a, b, 49153, 44};
  bidirectional_route route() const {
    return {d, 30s, {{t1, a, c}, {t2, c, b}}, {{t2, b, c}, {t1, c, a}}};
  }
};

TEST(CheckPath, AcceptsContiguousPaths) {
  const worked_example w;
  EXPECT_TRUE(check_path({{w.t1, w.a, w.b}}, w.a, w.b));
  EXPECT_TRUE(check_path({{w.t1, w.a, w.c}, {w.t2, w.c, w.b}}, w.a, w.b));
}

TEST(CheckPath, EmptyAndTooLong) {
  const worked_example w;
  EXPECT_EQ(check_path({}, w.a, w.b).error(), errc::empty_path);
  // max_path_hops distinct visors in a chain are fine; one hop more is refused.
  std::vector<crypto::public_key> chain;
  for (std::size_t i = 0; i <= max_path_hops + 1; ++i) chain.push_back(key("hop" + std::to_string(i)));
  path p;
  for (std::size_t i = 0; i < max_path_hops; ++i) p.push_back({test::tp(1), chain[i], chain[i + 1]});
  EXPECT_TRUE(check_path(p, chain.front(), chain[max_path_hops]));
  p.push_back({test::tp(1), chain[max_path_hops], chain[max_path_hops + 1]});
  EXPECT_EQ(check_path(p, chain.front(), chain.back()).error(), errc::path_too_long);
}

TEST(CheckPath, Broken) {
  const worked_example w;
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}, {w.t2, w.b, w.a}}, w.a, w.a).error(), errc::broken_path);
  EXPECT_EQ(check_path({{w.t1, w.a, w.a}}, w.a, w.a).error(), errc::broken_path);  // a hop to itself
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}, {w.t2, w.c, w.c}, {w.t2, w.c, w.b}}, w.a, w.b).error(),
            errc::broken_path);
}

TEST(CheckPath, Endpoints) {
  const worked_example w;
  EXPECT_EQ(check_path({{w.t2, w.c, w.b}}, w.a, w.b).error(), errc::path_endpoints);
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}}, w.a, w.b).error(), errc::path_endpoints);
  EXPECT_EQ(check_path({{w.t1, w.a, w.b}}, w.b, w.a).error(), errc::path_endpoints);
}

TEST(CheckPath, Loops) {
  const worked_example w;
  const auto x = key("x");
  // Back through the source.
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}, {w.t1, w.c, w.a}, {w.t2, w.a, w.b}}, w.a, w.b).error(), errc::route_loop);
  // An intermediary twice.
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}, {w.t2, w.c, x}, {w.t2, x, w.c}, {w.t2, w.c, w.b}}, w.a, w.b).error(),
            errc::route_loop);
  // Through the destination and on.
  EXPECT_EQ(check_path({{w.t1, w.a, w.b}, {w.t2, w.b, w.c}, {w.t2, w.c, w.b}}, w.a, w.b).error(), errc::route_loop);
}

TEST(CheckPath, LoopRouteMayOnlyCloseAtTheEnd) {
  const worked_example w;
  const auto x = key("x");
  // self → C → self (PingRoute's shape) is fine when src == dst.
  EXPECT_TRUE(check_path({{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}, w.a, w.a));
  EXPECT_TRUE(check_path({{w.t1, w.a, w.c}, {w.t2, w.c, x}, {w.t1, x, w.a}}, w.a, w.a));
  // …but not passing self in the middle, nor repeating an intermediary.
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}, {w.t1, w.c, w.a}, {w.t1, w.a, w.c}, {w.t1, w.c, w.a}}, w.a, w.a).error(),
            errc::route_loop);
  EXPECT_EQ(check_path({{w.t1, w.a, w.c}, {w.t2, w.c, x}, {w.t2, x, w.c}, {w.t1, w.c, w.a}}, w.a, w.a).error(),
            errc::route_loop);
}

TEST(Check, AcceptsWorkedExampleAndLoop) {
  const worked_example w;
  EXPECT_TRUE(check(w.route()));
  const bidirectional_route loop{{w.a, w.a, 49160, 48}, 30s, {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}},
                                 {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}};
  EXPECT_TRUE(check(loop));
}

TEST(Check, GoCheckFailuresInGoOrder) {
  const worked_example w;
  auto r = w.route();
  r.forward.clear();
  r.reverse.clear();
  EXPECT_EQ(check(r).error(), errc::no_forward_hops);
  r = w.route();
  r.reverse.clear();
  EXPECT_EQ(check(r).error(), errc::no_reverse_hops);

  // Each of Go's four endpoint conditions on its own.
  const auto x = key("x");
  r = w.route();
  r.forward.front().from = x;
  EXPECT_EQ(check(r).error(), errc::invalid_route);
  r = w.route();
  r.reverse.back().to = x;
  EXPECT_EQ(check(r).error(), errc::invalid_route);
  r = w.route();
  r.reverse.front().from = x;
  EXPECT_EQ(check(r).error(), errc::invalid_route);
  r = w.route();
  r.forward.back().to = x;
  EXPECT_EQ(check(r).error(), errc::invalid_route);
  EXPECT_EQ(check(r).error().message(), "bidirectional route has an invalid route description");
  r = w.route();
  r.desc = r.desc.inverted();
  EXPECT_EQ(check(r).error(), errc::invalid_route);
}

TEST(Check, KeepAliveAndPathsToo) {
  const worked_example w;
  auto r = w.route();
  r.keep_alive = 0s;
  EXPECT_EQ(check(r).error(), errc::invalid_route);
  r.keep_alive = -1s;
  EXPECT_EQ(check(r).error(), errc::invalid_route);
  // Endpoints right, middle broken: Go's Check() passes it, ours does not.
  r = w.route();
  r.forward = {{w.t1, w.a, w.c}, {w.t2, key("x"), w.b}};
  EXPECT_EQ(check(r).error(), errc::broken_path);
  r = w.route();
  r.reverse = {{w.t2, w.b, w.c}, {w.t1, w.c, w.b}, {w.t1, w.b, w.a}};
  EXPECT_EQ(check(r).error(), errc::route_loop);
}

TEST(CountRouteIds, WorkedExampleAndLoop) {
  const worked_example w;
  EXPECT_EQ(count_route_ids(w.route()),
            (std::map<crypto::public_key, std::size_t>{{w.a, 2}, {w.b, 2}, {w.c, 2}}));
  const bidirectional_route loop{{w.a, w.a, 49160, 48}, 30s, {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}},
                                 {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}};
  EXPECT_EQ(count_route_ids(loop), (std::map<crypto::public_key, std::size_t>{{w.a, 4}, {w.c, 2}}));
  // Direct route: each end starts one route and ends one hop.
  const bidirectional_route direct{w.d, 30s, {{w.t1, w.a, w.b}}, {{w.t1, w.b, w.a}}};
  EXPECT_EQ(count_route_ids(direct), (std::map<crypto::public_key, std::size_t>{{w.a, 2}, {w.b, 2}}));
}

TEST(GenerateRules, WorkedExampleExactly) {
  const worked_example w;
  const std::vector<route_id> ids{1, 2};
  const auto g = generate_rules(w.route(), {{w.a, ids}, {w.b, ids}, {w.c, ids}});
  ASSERT_TRUE(g) << g.error().message();
  const auto d_inv = w.d.inverted();

  // A: EdgeRules{Desc D⁻¹, Forward = key 1, Reverse = key 2}.
  const edge_rules a{d_inv, rule::make_forward(30s, 1, 1, w.t1, w.d), rule::make_consume(30s, 2, d_inv)};
  // B: AddEdgeRules{Desc D, Forward = key 2, Reverse = key 1}.
  const edge_rules b{w.d, rule::make_forward(30s, 2, 2, w.t2, d_inv), rule::make_consume(30s, 1, w.d)};
  EXPECT_EQ(g->initiator, a);
  EXPECT_EQ(g->responder, b);
  ASSERT_EQ(g->edges.size(), 2u);
  EXPECT_EQ(g->edges.at(w.a), a);
  EXPECT_EQ(g->edges.at(w.b), b);
  // C: one AddIntermediaryRules([key 1, key 2]), forward route's rule first.
  ASSERT_EQ(g->intermediaries.size(), 1u);
  EXPECT_EQ(g->intermediaries.at(w.c),
            (std::vector<rule>{rule::make_intermediary(30s, 1, 1, w.t2), rule::make_intermediary(30s, 2, 2, w.t1)}));
  // Every edge's Desc is its consume rule's descriptor (route groups are keyed by it).
  EXPECT_EQ(g->initiator.desc, g->initiator.reverse.descriptor);
  EXPECT_EQ(g->responder.desc, g->responder.reverse.descriptor);
}

TEST(GenerateRules, IdsPoppedInOrderFromNonTrivialReservations) {
  const worked_example w;
  const auto g = generate_rules(w.route(), {{w.a, {10, 11}}, {w.b, {20, 21, 99}}, {w.c, {30, 31}}});
  ASSERT_TRUE(g) << g.error().message();
  // Forward route: A10 → C30 → B20; reverse route: B21 → C31 → A11. B's 99 is left unused.
  EXPECT_EQ(g->initiator.forward, rule::make_forward(30s, 10, 30, w.t1, w.d));
  EXPECT_EQ(g->initiator.reverse, rule::make_consume(30s, 11, w.d.inverted()));
  EXPECT_EQ(g->responder.forward, rule::make_forward(30s, 21, 31, w.t2, w.d.inverted()));
  EXPECT_EQ(g->responder.reverse, rule::make_consume(30s, 20, w.d));
  EXPECT_EQ(g->intermediaries.at(w.c),
            (std::vector<rule>{rule::make_intermediary(30s, 30, 20, w.t2), rule::make_intermediary(30s, 31, 11, w.t1)}));
}

TEST(GenerateRules, KeepAliveGoesIntoEveryRule) {
  const worked_example w;
  auto r = w.route();
  r.keep_alive = 7s;
  const std::vector<route_id> ids{1, 2};
  const auto g = generate_rules(r, {{w.a, ids}, {w.b, ids}, {w.c, ids}}).value();
  for (const auto& e : {g.initiator, g.responder}) {
    EXPECT_EQ(e.forward.keep_alive, 7s);
    EXPECT_EQ(e.reverse.keep_alive, 7s);
  }
  for (const auto& ru : g.intermediaries.at(w.c)) EXPECT_EQ(ru.keep_alive, 7s);
}

TEST(GenerateRules, DirectRouteHasNoIntermediaries) {
  const worked_example w;
  const bidirectional_route direct{w.d, 30s, {{w.t1, w.a, w.b}}, {{w.t1, w.b, w.a}}};
  const std::vector<route_id> ids{1, 2};
  const auto g = generate_rules(direct, {{w.a, ids}, {w.b, ids}}).value();
  EXPECT_TRUE(g.intermediaries.empty());
  EXPECT_EQ(g.initiator.forward, rule::make_forward(30s, 1, 1, w.t1, w.d));
  EXPECT_EQ(g.responder.reverse, rule::make_consume(30s, 1, w.d));
  EXPECT_EQ(g.responder.forward, rule::make_forward(30s, 2, 2, w.t1, w.d.inverted()));
  EXPECT_EQ(g.initiator.reverse, rule::make_consume(30s, 2, w.d.inverted()));
}

// Go files edge rules under "pk:port": a loop route self:49160 → C → self:48 yields two
// distinct EdgeRules for self, chained into two working directions.
TEST(GenerateRules, LoopRouteAsGoBuildsIt) {
  const worked_example w;
  const route_descriptor d{w.a, w.a, 49160, 48};
  const auto d_inv = d.inverted();
  const bidirectional_route loop{d, 30s, {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}, {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}};
  const auto g = generate_rules(loop, {{w.a, {1, 2, 3, 4}}, {w.c, {1, 2}}});
  ASSERT_TRUE(g) << g.error().message();
  // Forward route: A1 → C1 → A2 (consume, D); reverse route: A3 → C2 → A4 (consume, D⁻¹).
  const edge_rules init{d_inv, rule::make_forward(30s, 1, 1, w.t1, d), rule::make_consume(30s, 4, d_inv)};
  const edge_rules resp{d, rule::make_forward(30s, 3, 2, w.t1, d_inv), rule::make_consume(30s, 2, d)};
  EXPECT_EQ(g->initiator, init);
  EXPECT_EQ(g->responder, resp);
  EXPECT_EQ(g->intermediaries.at(w.c),
            (std::vector<rule>{rule::make_intermediary(30s, 1, 2, w.t1), rule::make_intermediary(30s, 2, 4, w.t1)}));
  ASSERT_EQ(g->edges.size(), 1u);
  EXPECT_EQ(g->edges.at(w.a), init);
  // The four keys at self are distinct: both groups' rules fit in one table.
  EXPECT_NE(init.forward.key_route_id, resp.forward.key_route_id);
  EXPECT_NE(init.reverse.key_route_id, resp.reverse.key_route_id);
}

// Both ends on one address: Go's `[0]` takes the forward route's rules for both edges.
TEST(GenerateRules, LoopRouteWithEqualPortsMirrorsGo) {
  const worked_example w;
  const route_descriptor d{w.a, w.a, 48, 48};
  const bidirectional_route loop{d, 30s, {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}, {{w.t1, w.a, w.c}, {w.t1, w.c, w.a}}};
  const auto g = generate_rules(loop, {{w.a, {1, 2, 3, 4}}, {w.c, {1, 2}}}).value();
  const edge_rules both{d, rule::make_forward(30s, 1, 1, w.t1, d), rule::make_consume(30s, 2, d)};
  EXPECT_EQ(g.initiator, both);
  EXPECT_EQ(g.responder, both);
}

TEST(GenerateRules, NotEnoughIds) {
  const worked_example w;
  const std::vector<route_id> ids{1, 2};
  EXPECT_EQ(generate_rules(w.route(), {{w.a, ids}, {w.b, ids}}).error(), errc::not_enough_ids);  // C missing
  EXPECT_EQ(generate_rules(w.route(), {{w.a, ids}, {w.b, ids}, {w.c, {1}}}).error(), errc::not_enough_ids);
  EXPECT_EQ(generate_rules(w.route(), {{w.a, {}}, {w.b, ids}, {w.c, ids}}).error(), errc::not_enough_ids);
  EXPECT_EQ(generate_rules(w.route(), {}).error(), errc::not_enough_ids);
}

TEST(GenerateRules, RefusesRoutesThatFailCheck) {
  const worked_example w;
  auto r = w.route();
  r.forward.back().to = key("x");
  const std::vector<route_id> ids{1, 2};
  EXPECT_EQ(generate_rules(r, {{w.a, ids}, {w.b, ids}, {w.c, ids}}).error(), errc::invalid_route);
}

}  // namespace
}  // namespace skywire::routing
