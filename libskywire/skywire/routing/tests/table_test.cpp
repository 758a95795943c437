// The routing table (spec/skywire.md §3.3): id reservation, bounds, and expiry on a manual clock.
#include <gtest/gtest.h>

#include "skywire/base/clock.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/routing/table.hpp"
#include "test_keys.hpp"

namespace skywire::routing {
namespace {

using namespace std::chrono_literals;

rule consume(route_id key, std::chrono::nanoseconds ka = 30s) {
  return rule::make_consume(ka, key, {test::pk1(), test::pk2(), 1, 2});
}

rule inter(route_id key, route_id next, std::chrono::nanoseconds ka = 30s) {
  return rule::make_intermediary(ka, key, next, test::tp(1));
}

TEST(RoutingTable, ReservesConsecutiveIdsFromOneNeverReused) {
  base::manual_clock clock;
  table t(clock);
  EXPECT_EQ(t.reserve_ids(2).value(), (std::vector<route_id>{1, 2}));
  EXPECT_EQ(t.reserve_ids(3).value(), (std::vector<route_id>{3, 4, 5}));
  // Removing rules does not give their ids back.
  ASSERT_TRUE(t.save(consume(1)));
  t.remove(1);
  clock.advance(1h);
  t.collect_expired();
  EXPECT_EQ(t.reserve_ids(1).value(), (std::vector<route_id>{6}));
  EXPECT_EQ(t.reserve_ids(255).value().back(), 261u);
}

TEST(RoutingTable, ReserveCountBounds) {
  base::manual_clock clock;
  table t(clock, {.max_rules = 10, .max_reserve = 4});
  EXPECT_EQ(t.reserve_ids(0).error(), errc::bad_reserve_count);
  EXPECT_EQ(t.reserve_ids(5).error(), errc::bad_reserve_count);
  EXPECT_EQ(t.reserve_ids(4).value(), (std::vector<route_id>{1, 2, 3, 4}));
  // A refused request consumes nothing.
  EXPECT_EQ(t.reserve_ids(1).value(), (std::vector<route_id>{5}));
}

TEST(RoutingTable, ExhaustionBeforeTwoToTheThirtyTwoMinusOne) {
  base::manual_clock clock;
  // Go refuses once its counter (the last id handed out) would reach 2^32−1: the last id ever
  // handed out is 2^32−2.
  table t(clock, {.first_id = 0xFFFF'FFF0u});
  EXPECT_EQ(t.reserve_ids(14).value().back(), 0xFFFF'FFFDu);
  EXPECT_EQ(t.reserve_ids(2).error(), errc::route_ids_exhausted);
  EXPECT_EQ(t.reserve_ids(1).value(), (std::vector<route_id>{0xFFFF'FFFEu}));
  EXPECT_EQ(table::max_route_id, 0xFFFF'FFFEu);
  EXPECT_EQ(t.reserve_ids(1).error(), errc::route_ids_exhausted);
  EXPECT_EQ(t.reserve_ids(255).error(), errc::route_ids_exhausted);
  // Ids handed out stay usable; 2^32−1 never becomes a key.
  EXPECT_TRUE(t.save(consume(0xFFFF'FFFEu)));
  EXPECT_EQ(t.save(consume(0xFFFF'FFFFu)).error(), errc::unreserved_route_id);
}

TEST(RoutingTable, SaveOnlyUnderReservedIds) {
  base::manual_clock clock;
  table t(clock);
  EXPECT_EQ(t.save(consume(1)).error(), errc::unreserved_route_id);  // nothing reserved yet
  ASSERT_TRUE(t.reserve_ids(2));
  EXPECT_EQ(t.save(consume(0)).error(), errc::unreserved_route_id);
  EXPECT_EQ(t.save(consume(3)).error(), errc::unreserved_route_id);
  EXPECT_TRUE(t.save(consume(1)));
  EXPECT_TRUE(t.save(inter(2, 9)));
  EXPECT_EQ(t.size(), 2u);
  // A table that starts elsewhere does not accept ids below its first.
  table u(clock, {.first_id = 100});
  ASSERT_EQ(u.reserve_ids(1).value(), (std::vector<route_id>{100}));
  EXPECT_EQ(u.save(consume(99)).error(), errc::unreserved_route_id);
  EXPECT_TRUE(u.save(consume(100)));
}

TEST(RoutingTable, TableFullRefusesNewKeysButReplacesExisting) {
  base::manual_clock clock;
  table t(clock, {.max_rules = 2});
  ASSERT_TRUE(t.reserve_ids(3));
  ASSERT_TRUE(t.save(consume(1)));
  ASSERT_TRUE(t.save(consume(2)));
  EXPECT_EQ(t.save(consume(3)).error(), errc::table_full);
  EXPECT_TRUE(t.save(inter(2, 7)));  // replacing an existing key is fine when full
  EXPECT_EQ(t.peek(2)->type, rule_type::intermediary);
  EXPECT_EQ(t.size(), 2u);
  // Dead rules still count until collected.
  clock.advance(31s);
  EXPECT_EQ(t.save(consume(3)).error(), errc::table_full);
  EXPECT_EQ(t.collect_expired().size(), 2u);
  EXPECT_TRUE(t.save(consume(3)));
}

TEST(RoutingTable, ExpiryAfterKeepAliveOfIdling) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(2));
  ASSERT_TRUE(t.save(consume(1, 30s)));
  ASSERT_TRUE(t.save(inter(2, 5, 10s)));
  clock.advance(10s);  // idle == keep-alive: still alive (dead only when idle > keep-alive)
  EXPECT_TRUE(t.peek(2));
  clock.advance(1ns);
  EXPECT_FALSE(t.peek(2));
  EXPECT_FALSE(t.lookup(2));  // dead rules are invisible to lookup too
  EXPECT_TRUE(t.peek(1));
  ASSERT_EQ(t.all().size(), 1u);
  EXPECT_EQ(t.all()[0].key_route_id, 1u);
  EXPECT_EQ(t.size(), 2u);  // still held until collected
  const auto dead = t.collect_expired();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0], inter(2, 5, 10s));
  EXPECT_EQ(t.size(), 1u);
  EXPECT_TRUE(t.collect_expired().empty());
}

TEST(RoutingTable, LookupRefreshesPeekDoesNot) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(2));
  ASSERT_TRUE(t.save(consume(1, 10s)));
  ASSERT_TRUE(t.save(consume(2, 10s)));
  clock.advance(8s);
  EXPECT_TRUE(t.lookup(1));
  EXPECT_TRUE(t.peek(2));
  clock.advance(8s);  // 16 s since save, 8 s since lookup
  EXPECT_TRUE(t.peek(1));
  EXPECT_FALSE(t.peek(2));
  const auto dead = t.collect_expired();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key_route_id, 2u);
}

TEST(RoutingTable, RefreshKeepsAliveButCannotResurrect) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(2));
  ASSERT_TRUE(t.save(consume(1, 10s)));
  ASSERT_TRUE(t.save(consume(2, 10s)));
  for (int i = 0; i < 5; ++i) {
    clock.advance(6s);
    t.refresh(1);
  }
  EXPECT_TRUE(t.peek(1));
  EXPECT_FALSE(t.peek(2));
  t.refresh(2);  // dead: stays dead
  EXPECT_FALSE(t.peek(2));
  t.refresh(77);  // unknown: no effect
  EXPECT_EQ(t.size(), 2u);
}

TEST(RoutingTable, SaveReplacesAndRefreshes) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(1));
  ASSERT_TRUE(t.save(consume(1, 10s)));
  clock.advance(11s);
  EXPECT_FALSE(t.peek(1));
  ASSERT_TRUE(t.save(inter(1, 4, 10s)));  // Go's SaveRule overwrites and stamps now
  ASSERT_TRUE(t.peek(1));
  EXPECT_EQ(*t.peek(1), inter(1, 4, 10s));
  EXPECT_EQ(t.size(), 1u);
}

TEST(RoutingTable, RemoveReturnsRuleAliveOrDead) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(2));
  ASSERT_TRUE(t.save(consume(1)));
  ASSERT_TRUE(t.save(consume(2, 1s)));
  clock.advance(2s);
  EXPECT_EQ(t.remove(1), consume(1));
  EXPECT_EQ(t.remove(2), consume(2, 1s));
  EXPECT_FALSE(t.remove(2));
  EXPECT_EQ(t.size(), 0u);
}

TEST(RoutingTable, ZeroKeepAliveDiesOnceTimeMoves) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(1));
  ASSERT_TRUE(t.save(consume(1, 0s)));
  clock.advance(1ns);
  EXPECT_FALSE(t.lookup(1));
}

TEST(RoutingTable, HugeKeepAliveDoesNotOverflow) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(1));
  ASSERT_TRUE(t.save(consume(1, std::chrono::nanoseconds::max())));
  clock.advance(std::chrono::hours(24 * 365 * 100));
  EXPECT_TRUE(t.peek(1));
  EXPECT_TRUE(t.collect_expired().empty());
}

TEST(RoutingTable, AllIsOrderedByKey) {
  base::manual_clock clock;
  table t(clock);
  ASSERT_TRUE(t.reserve_ids(5));
  for (route_id k : {4, 2, 5, 1}) ASSERT_TRUE(t.save(consume(k)));
  std::vector<route_id> keys;
  for (const auto& r : t.all()) keys.push_back(r.key_route_id);
  EXPECT_EQ(keys, (std::vector<route_id>{1, 2, 4, 5}));
}

}  // namespace
}  // namespace skywire::routing
