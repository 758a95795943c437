// The route finder's graph and search without I/O: Go's candidate rule (one path per reached
// neighbour of the destination, shortest first, ≤ 5), the hop bounds, the three 404 causes, loop
// routes, paths that never pass through the destination, one link per pair of visors, and a
// property check over random graphs against an independent BFS.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>

#include "route-finder/graph.hpp"
#include "skywire/disc/errc.hpp"

namespace skywire::svc::route_finder {
namespace {

namespace wt = wire::transport;
using disc::rf_options;
using disc::rf_path;

crypto::public_key pk(std::string_view seed) { return crypto::deterministic_key_pair(as_bytes(seed))->pk; }

struct net_builder {
  std::vector<wt::entry> entries;
  void link(const crypto::public_key& a, const crypto::public_key& b, std::string_view type = wt::type_stcpr) {
    entries.push_back(wt::make_entry(a, b, type, wt::label_user));
  }
  graph build() const { return *graph::build(entries, default_max_transports); }
};

// The keys a path visits, in order.
std::vector<crypto::public_key> visits(const rf_path& p) {
  std::vector<crypto::public_key> v{p.front().from};
  for (const auto& h : p) v.push_back(h.to);
  return v;
}

TEST(RfGraph, ShortestFirstOnePathPerNeighbourOfTheDestination) {
  const auto a = pk("a"), b = pk("b"), c = pk("c"), d = pk("d"), e = pk("e");
  net_builder n;
  n.link(a, b);
  n.link(a, c);
  n.link(c, b);
  n.link(a, d);
  n.link(d, e);
  n.link(e, b);
  const graph g = n.build();
  EXPECT_EQ(g.vertices(), 5u);
  EXPECT_EQ(g.links(), 6u);
  auto paths = g.shortest(a, b, rf_options{0, 50}, 5);
  ASSERT_TRUE(paths);
  ASSERT_EQ(paths->size(), 3u);
  EXPECT_EQ(visits((*paths)[0]), (std::vector{a, b}));
  EXPECT_EQ(visits((*paths)[1]), (std::vector{a, c, b}));
  EXPECT_EQ(visits((*paths)[2]), (std::vector{a, d, e, b}));
  EXPECT_EQ((*paths)[2][1].tp_id, wt::make_transport_id(d, e, wt::type_stcpr)) << "each hop names its transport";
  for (const auto& p : *paths) EXPECT_TRUE(disc::check_rf_path(p, {a, b}));

  auto two_or_more = g.shortest(a, b, rf_options{2, 50}, 5);
  ASSERT_TRUE(two_or_more);
  EXPECT_EQ(two_or_more->size(), 2u);
  EXPECT_EQ(two_or_more->front().size(), 2u);
  auto at_most_two = g.shortest(a, b, rf_options{0, 2}, 5);
  ASSERT_TRUE(at_most_two);
  EXPECT_EQ(at_most_two->size(), 2u);
  EXPECT_EQ(at_most_two->back().size(), 2u);
  auto exactly_three = g.shortest(a, b, rf_options{3, 3}, 5);
  ASSERT_TRUE(exactly_three);
  EXPECT_EQ(visits(exactly_three->front()), (std::vector{a, d, e, b}));
  EXPECT_EQ(g.shortest(a, b, rf_options{4, 50}, 5).error(), errc::route_not_found);
  EXPECT_EQ(g.shortest(a, b, rf_options{0, 0}, 5).error(), errc::route_not_found) << "Opts null: 0/0";
  EXPECT_EQ(g.shortest(a, b, rf_options{2, 1}, 5).error(), errc::route_not_found);
}

TEST(RfGraph, AtMostCountPathsTiesInKeyOrder) {
  const auto a = pk("a"), b = pk("b");
  net_builder n;
  std::vector<crypto::public_key> middles;
  for (int i = 0; i < 8; ++i) {
    middles.push_back(pk("m" + std::to_string(i)));
    n.link(a, middles.back());
    n.link(middles.back(), b);
  }
  n.link(a, b);
  const graph g = n.build();
  auto paths = g.shortest(a, b, rf_options{0, 50}, disc::max_rf_paths);
  ASSERT_TRUE(paths);
  ASSERT_EQ(paths->size(), 5u);
  EXPECT_EQ(paths->front().size(), 1u);
  std::sort(middles.begin(), middles.end());
  for (std::size_t i = 1; i < 5; ++i) EXPECT_EQ((*paths)[i][0].to, middles[i - 1]) << "ties by key, deterministic";
  EXPECT_EQ(*g.shortest(a, b, rf_options{0, 50}, 5), *paths) << "same answer every time";
}

TEST(RfGraph, TheThree404Causes) {
  const auto a = pk("a"), b = pk("b"), c = pk("c"), x = pk("x"), y = pk("y");
  net_builder n;
  n.link(a, b);
  n.link(x, y);
  const graph g = n.build();
  EXPECT_EQ(g.shortest(c, b, rf_options{0, 50}, 5).error(), errc::no_transports);
  EXPECT_EQ(make_error_code(errc::no_transports).message(), "transport not found");
  EXPECT_EQ(g.shortest(a, x, rf_options{0, 50}, 5).error(), errc::no_route) << "another component";
  EXPECT_EQ(g.shortest(a, c, rf_options{0, 50}, 5).error(), errc::no_route) << "unknown destination";
  EXPECT_EQ(make_error_code(errc::no_route).message(), "no route to destination");
  EXPECT_EQ(g.shortest(a, b, rf_options{2, 50}, 5).error(), errc::route_not_found);
  EXPECT_EQ(make_error_code(errc::route_not_found).message(), "route not found");
  EXPECT_FALSE(g.contains(c));
  EXPECT_TRUE(g.contains(y));
}

TEST(RfGraph, PathsNeverPassThroughTheDestination) {
  // The tree's shortest way to u runs a → b → u, but b is the destination: Go's search never
  // expands it, so u is reached the long way round.
  const auto a = pk("a"), b = pk("b"), u = pk("u"), x = pk("x"), y = pk("y");
  net_builder n;
  n.link(a, b);
  n.link(b, u);
  n.link(a, x);
  n.link(x, y);
  n.link(y, u);
  auto paths = n.build().shortest(a, b, rf_options{0, 50}, 5);
  ASSERT_TRUE(paths);
  ASSERT_EQ(paths->size(), 2u);
  EXPECT_EQ(visits((*paths)[1]), (std::vector{a, x, y, u, b}));
}

TEST(RfGraph, LoopRoutesGoOutAndBack) {
  // Go's ping asks [self,self] with MinHops 0, MaxHops 2.
  const auto a = pk("a"), c = pk("c"), d = pk("d"), e = pk("e");
  net_builder n;
  n.link(a, c);
  n.link(a, d);
  n.link(d, e);
  const graph g = n.build();
  auto loops = g.shortest(a, a, rf_options{0, 2}, 5);
  ASSERT_TRUE(loops);
  ASSERT_EQ(loops->size(), 2u);
  for (const auto& p : *loops) {
    EXPECT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].tp_id, p[1].tp_id) << "out and back over one transport, as Go's finder";
    EXPECT_TRUE(disc::check_rf_path(p, {a, a}));
  }
  EXPECT_EQ(g.shortest(a, a, rf_options{3, 50}, 5).error(), errc::route_not_found);
  EXPECT_EQ(g.shortest(pk("lonely"), pk("lonely"), rf_options{0, 2}, 5).error(), errc::no_transports);
}

TEST(RfGraph, OneLinkPerPairAndUnusableEntriesSkipped) {
  const auto a = pk("a"), b = pk("b");
  net_builder n;
  n.link(a, b, wt::type_stcpr);
  n.link(a, b, wt::type_dmsg);
  n.link(a, b, wt::type_sudph);
  n.entries.push_back(n.entries.front());  // the same transport listed twice
  wt::entry self;
  self.id = wt::make_transport_id(a, a, wt::type_stcpr);
  self.edges = {a, a};
  n.entries.push_back(self);
  wt::entry null_edge;
  null_edge.id = wt::make_transport_id(a, pk("z"), wt::type_stcpr);
  null_edge.edges = {crypto::public_key{}, pk("z")};
  n.entries.push_back(null_edge);
  const graph g = n.build();
  EXPECT_EQ(g.vertices(), 2u);
  EXPECT_EQ(g.links(), 1u);
  auto ids = {wt::make_transport_id(a, b, wt::type_stcpr), wt::make_transport_id(a, b, wt::type_dmsg),
              wt::make_transport_id(a, b, wt::type_sudph)};
  auto paths = g.shortest(b, a, rf_options{0, 50}, 5);
  ASSERT_TRUE(paths);
  EXPECT_EQ(paths->front().front().tp_id, std::min(ids)) << "the smallest transport id";
  EXPECT_EQ(graph::build(n.entries, 2).error(), errc::too_many_transports);
}

// Independent hop distances from src that never pass through `avoid` (except as the end).
std::map<crypto::public_key, int> bfs(const std::multimap<crypto::public_key, crypto::public_key>& adj,
                                      const crypto::public_key& src, const crypto::public_key& avoid) {
  std::map<crypto::public_key, int> dist{{src, 0}};
  std::deque<crypto::public_key> q{src};
  while (!q.empty()) {
    const auto u = q.front();
    q.pop_front();
    if (u == avoid && u != src) continue;
    auto [lo, hi] = adj.equal_range(u);
    for (auto it = lo; it != hi; ++it) {
      if (dist.count(it->second)) continue;
      dist[it->second] = dist[u] + 1;
      q.push_back(it->second);
    }
  }
  return dist;
}

TEST(RfGraph, RandomGraphsAgreeWithAnIndependentSearch) {
  std::mt19937 rng(20240601);
  std::vector<crypto::public_key> keys;
  for (int i = 0; i < 24; ++i) keys.push_back(pk("r" + std::to_string(i)));
  for (int round = 0; round < 40; ++round) {
    net_builder n;
    std::multimap<crypto::public_key, crypto::public_key> adj;
    std::set<std::pair<crypto::public_key, crypto::public_key>> seen;
    const int links = 10 + round;
    for (int i = 0; i < links; ++i) {
      const auto& x = keys[rng() % keys.size()];
      const auto& y = keys[rng() % keys.size()];
      if (x == y || !seen.insert(std::minmax(x, y)).second) continue;
      n.link(x, y);
      adj.emplace(x, y);
      adj.emplace(y, x);
    }
    const graph g = n.build();
    for (int q = 0; q < 20; ++q) {
      const auto& src = keys[rng() % keys.size()];
      const auto& dst = q % 5 == 0 ? src : keys[rng() % keys.size()];
      const rf_options opts{static_cast<std::uint16_t>(rng() % 3), static_cast<std::uint16_t>(1 + rng() % 6)};
      auto paths = g.shortest(src, dst, opts, 5);
      if (!g.contains(src)) {
        EXPECT_EQ(paths.error(), errc::no_transports);
        continue;
      }
      // Go's candidates: neighbours of dst reached without crossing dst, each dist + 1.
      const auto dist = bfs(adj, src, dst);
      std::vector<int> lengths;
      auto [lo, hi] = adj.equal_range(dst);
      for (auto it = lo; it != hi; ++it) {
        if (dist.count(it->second) && (it->second != dst || src == dst)) lengths.push_back(dist.at(it->second) + 1);
      }
      std::sort(lengths.begin(), lengths.end());
      std::vector<int> expected;
      for (int len : lengths) {
        if (len >= opts.min_hops && len <= opts.max_hops && expected.size() < 5) expected.push_back(len);
      }
      if (lengths.empty()) {
        EXPECT_EQ(paths.error(), errc::no_route);
        continue;
      }
      if (expected.empty()) {
        EXPECT_EQ(paths.error(), errc::route_not_found);
        continue;
      }
      ASSERT_TRUE(paths);
      std::vector<int> got;
      for (const auto& p : *paths) {
        got.push_back(static_cast<int>(p.size()));
        EXPECT_TRUE(disc::check_rf_path(p, {src, dst}));
        for (const auto& h : p) EXPECT_EQ(h.tp_id, wt::make_transport_id(h.from, h.to, wt::type_stcpr));
      }
      EXPECT_EQ(got, expected);
    }
  }
}

}  // namespace
}  // namespace skywire::svc::route_finder
