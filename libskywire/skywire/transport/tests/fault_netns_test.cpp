// Transport cuts (label netns; spec/skywire.md §1.7: the wire has no transport keepalive, so the
// carrier must notice). A visor behind a masquerading NAT keeps a persistent transport to a
// public visor (nat_lab + netns_visor.hpp); then the wan loses the NAT's link (its veth end goes
// down: packets vanish without a FIN, RST or ICMP reaching either visor).
//   * stcpr: TCP keepalive + TCP_USER_TIMEOUT (stcp.hpp tcp_liveness, shortened here to
//     1 s idle, 1 s × 2 probes, 3 s) end the idle connection on both sides; the managers drop
//     the transport.
//   * sudph: KCP's dead-link bound (shortened to 3 s) ends the session once data is in flight:
//     a packet written after the cut is never acknowledged.
// Then the link returns, and the persistent transport is dialled again (persistent_interval
// 500 ms) and carries packets. Bounds are generous (the expected times are a few seconds; the
// asserts allow 20 s, still below the 30 s that the default liveness settings would take) and
// the measured times are printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "netns_visor.hpp"

namespace skywire::transport {
namespace {

using namespace netns_test;
using test::nat_lab;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool has_type(visor& v, const std::string& type) {
  for (const auto& t : v.transports())
    if (t.type == type) return true;
  return false;
}

std::optional<transport_info> first_of(visor& v, const std::string& type) {
  for (auto& t : v.transports())
    if (t.type == type) return t;
  return std::nullopt;
}

// A packet from x reaches y over the transport of `type` (whatever its connection is now).
void check_packet(visor& x, visor& y, const std::string& type, const std::string& text) {
  auto tp = first_of(x, type);
  ASSERT_TRUE(tp);
  const std::size_t before = y.packets();
  ASSERT_TRUE(x.send(tp->id, 21, text));
  ASSERT_TRUE(wait_for([&] { return y.packets() > before; }, 15s)) << text << ": did not arrive";
  EXPECT_EQ(y.packet(before)->payload, bytes(text.begin(), text.end()));
}

TEST(FaultNetns, StcprCutIsNoticedAndPersistentTransportReturns) {
  REQUIRE_NAT();
  nat_lab lab("cut-tcp");
  const auto& b_site = lab.add_public("b");
  const auto& a_site = lab.add_natted("a");
  resolver ar(lab.wan());
  visor_options o;
  o.sudph = false;
  o.liveness = {.keepalive_idle = std::chrono::seconds(1),
                .keepalive_interval = std::chrono::seconds(1),
                .keepalive_count = 2,
                .user_timeout = std::chrono::milliseconds(3000)};
  visor b(b_site, "fault-netns-b", ar, o);
  visor a(a_site, "fault-netns-a", ar, o);
  ASSERT_TRUE(wait_for([&] { return b.stcpr_bound(); }, 20s));

  a.set_persistent({{b.keys.pk, "stcpr"}});
  ASSERT_TRUE(wait_for([&] { return has_type(a, "stcpr") && has_type(b, "stcpr"); }, 30s)) << "persistent stcpr not up";
  check_packet(a, b, "stcpr", "before the cut");

  lab.cut(a_site);
  const auto cut_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for([&] { return !has_type(a, "stcpr"); }, 20s)) << "the natted side did not notice the cut";
  const double a_noticed = seconds_since(cut_at);
  ASSERT_TRUE(wait_for([&] { return !has_type(b, "stcpr"); }, 20s)) << "the public side did not notice the cut";
  const double b_noticed = seconds_since(cut_at);
  std::printf("netns: stcpr cut noticed after %.1f s (natted side), %.1f s (public side)\n", a_noticed, b_noticed);

  lab.restore(a_site);
  const auto restored_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for([&] { return has_type(a, "stcpr") && has_type(b, "stcpr"); }, 40s))
      << "the persistent stcpr transport did not come back";
  std::printf("netns: persistent stcpr back %.1f s after the link returned\n", seconds_since(restored_at));
  check_packet(a, b, "stcpr", "after the cut");
  check_packet(b, a, "stcpr", "back after the cut");
}

TEST(FaultNetns, SudphCutIsNoticedAndPersistentTransportReturns) {
  REQUIRE_NAT();
  nat_lab lab("cut-udp");
  const auto& b_site = lab.add_public("b");
  const auto& a_site = lab.add_natted("a");
  resolver ar(lab.wan());
  visor_options o;
  o.stcpr = false;
  o.kcp_dead_timeout = std::chrono::milliseconds(3000);
  visor b(b_site, "fault-netns-b", ar, o);
  visor a(a_site, "fault-netns-a", ar, o);
  ASSERT_TRUE(wait_for([&] { return a.sudph_bound() && b.sudph_bound(); }, 20s));

  a.set_persistent({{b.keys.pk, "sudph"}});
  ASSERT_TRUE(wait_for([&] { return has_type(a, "sudph") && has_type(b, "sudph"); }, 30s)) << "persistent sudph not up";
  check_packet(a, b, "sudph", "before the cut");

  lab.cut(a_site);
  const auto cut_at = std::chrono::steady_clock::now();
  // KCP notices only data that is not acknowledged: send some into the void.
  auto tp = first_of(a, "sudph");
  ASSERT_TRUE(tp);
  EXPECT_TRUE(a.send(tp->id, 22, "into the cut"));
  ASSERT_TRUE(wait_for([&] { return !has_type(a, "sudph"); }, 20s)) << "KCP did not notice the cut";
  std::printf("netns: sudph cut noticed after %.1f s (data in flight)\n", seconds_since(cut_at));

  lab.restore(a_site);
  const auto restored_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for([&] { return has_type(a, "sudph"); }, 60s)) << "persistent sudph did not come back";
  std::printf("netns: persistent sudph back %.1f s after the link returned\n", seconds_since(restored_at));
  check_packet(a, b, "sudph", "after the cut");
  check_packet(b, a, "sudph", "back after the cut");
}

}  // namespace
}  // namespace skywire::transport
