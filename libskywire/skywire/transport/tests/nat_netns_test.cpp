// Transports through real masquerading NATs (label netns; spec/skywire.md §1.4, §2.3). A nat_lab
// (tests/support/nat_lab.hpp) builds the namespaces: the "wan" with our address resolver (in
// non-local mode, so Go's public-IP rule decides who may bind stcpr), public visors directly on
// it, and visors behind routers that masquerade (iptables MASQUERADE) out of their wan link.
// Each visor is a transport::manager with real stcpr / sudph networks on a thread inside its
// namespace (netns_visor.hpp).
//
// What the tests show:
//   * The resolver sees a natted visor at its router's address (the NAT is really in the path),
//     and sudph reaches that visor from a public one: the resolver asks it to punch, its punch
//     opens the NAT, the dialer's KCP gets in. Packets then flow both ways through the manager.
//   * stcpr to a natted visor fails with a clear error (its bound address is its router's, where
//     nothing listens: connection refused; or, advertising only its own addresses, it is never
//     bound: not_bound), and the "no type given" order of the visor
//     (stcpr → sudph → dmsg, visor.cpp add_transport) falls back to sudph, which succeeds.
//   * Two visors behind two endpoint-independent NATs (plain MASQUERADE keeps the source port)
//     punch through to each other, when the routers reject unsolicited packets to themselves
//     as home routers do; between two bare MASQUERADE routers the punch fails (the first
//     datagram to arrive leaves a conntrack entry that makes the other NAT remap; see
//     nat_lab.hpp).
//   * Behind two NATs with random ports (MASQUERADE --random: a new public port for every
//     destination, a "symmetric" NAT) the punch cannot work, and the dial fails within its
//     deadline; a visor behind such a NAT still reaches a public one. (Go turns sudph off when
//     STUN reports a symmetric NAT; this shows why, and that the success above is not free.)
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include <boost/asio/error.hpp>

#include "netns_visor.hpp"

namespace skywire::transport {
namespace {

using namespace netns_test;
using test::nat_lab;

visor_options sudph_only() {
  visor_options o;
  o.stcpr = false;
  return o;
}

// What the resolver has for pk under type, asked from v's namespace.
result<disc::visor_data> resolve_from(visor& v, const resolver& ar, std::string type, crypto::public_key pk) {
  auto op = [&v, &ar, type, pk]() -> asio::awaitable<result<disc::visor_data>> {
    auto client = make_ar_client(co_await asio::this_coro::executor, ar.url(), v.keys);
    co_return co_await client->resolve(type, pk);
  };
  return run_on(v.thread, op(), 30s);
}

// One data packet each way over transport `id` (known to both managers), checked at the far end.
void exchange(visor& x, visor& y, const wire::transport::uuid& id, const std::string& what) {
  const std::size_t y_before = y.packets(), x_before = x.packets();
  const std::string there = what + " x→y", back = what + " y→x";
  ASSERT_TRUE(x.send(id, 11, there)) << what;
  ASSERT_TRUE(wait_for([&] { return y.packets() > y_before; }, 15s)) << what << ": packet x→y did not arrive";
  EXPECT_EQ(y.packet(y_before)->route_id, 11u);
  EXPECT_EQ(y.packet(y_before)->payload, bytes(there.begin(), there.end()));
  ASSERT_TRUE(y.send(id, 12, back)) << what;
  ASSERT_TRUE(wait_for([&] { return x.packets() > x_before; }, 15s)) << what << ": packet y→x did not arrive";
  EXPECT_EQ(x.packet(x_before)->route_id, 12u);
  EXPECT_EQ(x.packet(x_before)->payload, bytes(back.begin(), back.end()));
}

TEST(NatNetns, SudphHolePunchIntoOneNat) {
  REQUIRE_NAT();
  nat_lab lab("nat1");
  const auto& b_site = lab.add_public("b");
  const auto& a_site = lab.add_natted("a");
  resolver ar(lab.wan());
  visor b(b_site, "nat-netns-b", ar, sudph_only());
  visor a(a_site, "nat-netns-a", ar, sudph_only());
  ASSERT_TRUE(wait_for([&] { return a.sudph_bound() && b.sudph_bound(); }, 20s)) << "sudph did not bind";

  // The resolver saw a through its NAT: the router's public address, never a's private one.
  auto where = resolve_from(b, ar, "sudph", a.keys.pk);
  ASSERT_TRUE(where) << where.error().message();
  EXPECT_EQ(where->remote_addr.substr(0, where->remote_addr.find(':')), a_site.public_ip);
  EXPECT_NE(a_site.public_ip, a_site.host_ip);

  // Public → natted: only works because a punches towards b when the resolver asks it to.
  auto in = b.save(a.keys.pk, "sudph");
  ASSERT_TRUE(in) << "sudph into the NAT: " << in.error().message();
  EXPECT_EQ(in->type, "sudph");
  ASSERT_TRUE(wait_for([&] { return a.find(in->id).has_value(); }, 10s));
  EXPECT_FALSE(a.find(in->id)->initiator);
  EXPECT_GE(a.punches(), 1u) << "the resolver did not ask a to punch";
  exchange(b, a, in->id, "punched");
}

TEST(NatNetns, StcprToNattedVisorFailsAndFallsBackToSudph) {
  REQUIRE_NAT();
  nat_lab lab("nat2");
  const auto& b_site = lab.add_public("b");
  const auto& a_site = lab.add_natted("a");
  resolver ar(lab.wan());
  // a advertises its router's address too (as a visor told its public IP would): the resolver
  // accepts the bind (the source IP is listed) and stores that address, where a cannot be reached.
  visor_options ao;
  ao.stcpr_addresses = {a_site.host_ip, a_site.public_ip};
  visor a(a_site, "nat-netns-a", ar, ao);
  visor b(b_site, "nat-netns-b", ar, {});
  ASSERT_TRUE(wait_for([&] { return a.stcpr_bound() && b.stcpr_bound() && a.sudph_bound() && b.sudph_bound(); }, 20s))
      << "did not bind at the resolver";
  auto where = resolve_from(b, ar, "stcpr", a.keys.pk);
  ASSERT_TRUE(where) << where.error().message();
  EXPECT_EQ(where->remote_addr, a_site.public_ip);

  // The visor's "no type given" order (visor.cpp add_transport): stcpr, then sudph, then dmsg,
  // among the types the manager has.
  std::vector<std::string> order;
  for (const auto& t : b.thread.call([&] { return b.m->types(); }))
    if (t == "stcpr" || t == "sudph" || t == "dmsg") order.push_back(t);
  std::sort(order.begin(), order.end(), [](const std::string& x, const std::string& y) {
    auto rank = [](const std::string& t) { return t == "stcpr" ? 0 : t == "sudph" ? 1 : 2; };
    return rank(x) < rank(y);
  });
  ASSERT_EQ(order, (std::vector<std::string>{"stcpr", "sudph"}));
  std::vector<std::pair<std::string, error_code>> tried;
  std::optional<transport_info> got;
  for (const auto& t : order) {
    auto s = b.save(a.keys.pk, t);
    tried.emplace_back(t, s ? error_code{} : s.error());
    if (s) {
      got = *s;
      break;
    }
  }
  ASSERT_EQ(tried.size(), 2u);
  EXPECT_EQ(tried[0].first, "stcpr");
  // The router answers the SYN for its own address with a RST: a fast, clear failure.
  EXPECT_EQ(tried[0].second, boost::asio::error::connection_refused) << tried[0].second.message();
  std::printf("netns: stcpr to the natted visor failed: %s; fell back to sudph\n", tried[0].second.message().c_str());
  EXPECT_EQ(tried[1].first, "sudph");
  ASSERT_TRUE(got) << "sudph fallback: " << tried[1].second.message();
  EXPECT_EQ(got->type, "sudph");
  ASSERT_TRUE(wait_for([&] { return a.find(got->id).has_value(); }, 10s));
  exchange(b, a, got->id, "fallback");
  EXPECT_EQ(b.transports().size(), 1u);  // the failed stcpr dial left nothing behind

  // A natted visor that advertises only what its interfaces have (Go's LocalAddresses) is
  // refused by the resolver (its source, the router, is not among them): nothing to dial.
  const auto& d_site = lab.add_natted("d");
  visor d(d_site, "nat-netns-d", ar, {});
  ASSERT_TRUE(wait_for([&] { return d.sudph_bound(); }, 20s));
  auto to_d = b.save(d.keys.pk, "stcpr");
  ASSERT_FALSE(to_d);
  EXPECT_EQ(to_d.error(), errc::not_bound) << to_d.error().message();
  EXPECT_FALSE(d.stcpr_bound());

  // Outwards the NAT is no obstacle: a reaches public b over stcpr.
  auto out = a.save(b.keys.pk, "stcpr");
  ASSERT_TRUE(out) << "stcpr out of the NAT: " << out.error().message();
  ASSERT_TRUE(wait_for([&] { return b.find(out->id).has_value(); }, 10s));
  exchange(a, b, out->id, "stcpr outwards");
}

TEST(NatNetns, SudphBetweenTwoEndpointIndependentNats) {
  REQUIRE_NAT();
  nat_lab lab("nat3");
  const auto& a_site = lab.add_natted("a");
  const auto& c_site = lab.add_natted("c");
  resolver ar(lab.wan());
  visor a(a_site, "nat-netns-a", ar, sudph_only());
  visor c(c_site, "nat-netns-c", ar, sudph_only());
  ASSERT_TRUE(wait_for([&] { return a.sudph_bound() && c.sudph_bound(); }, 20s)) << "sudph did not bind";
  // MASQUERADE kept the source port, so the resolver's view of each link is the mapping the
  // peer will use too. (The resolver asks c to punch before it answers a, so c's punch leaves
  // before a's KCP arrives at c's router: had a's datagram come first, c's router would have
  // created a conntrack entry for it and c's punch would have needed another port.)
  auto where_c = resolve_from(a, ar, "sudph", c.keys.pk);
  ASSERT_TRUE(where_c);
  EXPECT_EQ(where_c->remote_addr.substr(0, where_c->remote_addr.find(':')), c_site.public_ip);

  auto s = a.save(c.keys.pk, "sudph");
  ASSERT_TRUE(s) << "sudph between two NATs: " << s.error().message();
  ASSERT_TRUE(wait_for([&] { return c.find(s->id).has_value(); }, 10s));
  EXPECT_GE(c.punches(), 1u);
  exchange(a, c, s->id, "two nats");
}

TEST(NatNetns, SudphCannotPunchBetweenTwoBareMasqueradeRouters) {
  REQUIRE_NAT();
  nat_lab lab("nat5");
  const auto& a_site = lab.add_natted("a", nat_lab::mapping::endpoint_independent, false);
  const auto& c_site = lab.add_natted("c", nat_lab::mapping::endpoint_independent, false);
  resolver ar(lab.wan());
  visor a(a_site, "nat-netns-a", ar, sudph_only());
  visor c(c_site, "nat-netns-c", ar, sudph_only());
  ASSERT_TRUE(wait_for([&] { return a.sudph_bound() && c.sudph_bound(); }, 20s));

  // Same mapping as above, but the routers accept what the wan sends them. Whichever first
  // datagram arrives first (c's punch at a's router, or a's KCP at c's router) is taken in as
  // a flow to the router itself; that conntrack entry holds the public ip:port the other side's
  // NAT must keep, so that side's flow gets another port and the two mappings never meet (only
  // datagrams crossing in flight, within microseconds, would). The home router's input filter
  // in nat_lab (the default) is what makes the test above succeed.
  auto s = a.save(c.keys.pk, "sudph");
  ASSERT_FALSE(s) << "bare MASQUERADE routers were expected to remap the punched flow";
  std::printf("netns: sudph between two bare MASQUERADE routers failed: %s\n", s.error().message().c_str());
}

TEST(NatNetns, SudphCannotPunchBetweenTwoRandomPortNats) {
  REQUIRE_NAT();
  nat_lab lab("nat4");
  const auto& a_site = lab.add_natted("a", nat_lab::mapping::random_port);
  const auto& c_site = lab.add_natted("c", nat_lab::mapping::random_port);
  const auto& b_site = lab.add_public("b");
  resolver ar(lab.wan());
  visor a(a_site, "nat-netns-a", ar, sudph_only());
  visor c(c_site, "nat-netns-c", ar, sudph_only());
  visor b(b_site, "nat-netns-b", ar, sudph_only());
  ASSERT_TRUE(wait_for([&] { return a.sudph_bound() && c.sudph_bound() && b.sudph_bound(); }, 20s));

  // Each NAT gives a's flow to c a fresh port, not the one the resolver saw: c's punch goes to
  // a port a's router never mapped towards c, and a's KCP arrives at a port c's router never
  // mapped towards a. Nothing gets in; the dial ends with the handshake deadline.
  const auto started = std::chrono::steady_clock::now();
  auto s = a.save(c.keys.pk, "sudph");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_FALSE(s) << "a hole punch through two random-port NATs cannot succeed";
  std::printf("netns: sudph between two random-port NATs failed after %.1f s: %s\n", secs, s.error().message().c_str());
  EXPECT_TRUE(a.transports().empty());
  EXPECT_TRUE(c.transports().empty());

  // A public visor is still reachable from behind such a NAT: its listener takes any source.
  auto out = a.save(b.keys.pk, "sudph");
  ASSERT_TRUE(out) << "sudph from a random-port NAT to a public visor: " << out.error().message();
  ASSERT_TRUE(wait_for([&] { return b.find(out->id).has_value(); }, 10s));
  exchange(a, b, out->id, "random-port nat to public");
}

}  // namespace
}  // namespace skywire::transport
