// route_group_core (spec/skywire.md §3.5) driven back to back with a manual clock: the
// Handshake negotiation for every combination of offers, an old peer that sends Data first, the
// 2 s and 5 s waits, Noise KK with message boundaries and ciphertext on the wire, tampering and
// replays, Ping/Pong latency and throughput, KeepAlive when idle, a dead route, Close both ways
// with and without an Error text, the close wait, and the receive/output bounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "skywire/crypto/random.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/router/errc.hpp"
#include "skywire/router/route_group_core.hpp"

namespace skywire::router {
namespace {

using namespace std::chrono_literals;
namespace wr = wire::routing;

crypto::key_pair keys(const char* seed) { return crypto::deterministic_key_pair(as_bytes(std::string_view(seed))).value(); }

constexpr std::uint32_t a_sends = 11;  // A's forward rule's next route id
constexpr std::uint32_t b_sends = 22;

bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

struct sent {
  wr::packet_type type;
  std::uint32_t route_id;
  bytes payload;
};

struct duo {
  base::manual_clock clock{base::clock::wall_time(std::chrono::seconds(1700000000))};
  crypto::system_random rng;
  crypto::key_pair ka = keys("a");
  crypto::key_pair kb = keys("b");
  std::unique_ptr<route_group_core> a;
  std::unique_ptr<route_group_core> b;
  std::vector<sent> wire_ab;  // every packet A sent, as B saw it
  std::vector<sent> wire_ba;

  explicit duo(bool a_offers = true, bool b_offers = true, group_options o = {}) {
    group_params pa{group_role::initiator, ka, kb.pk, a_offers, a_sends, o};
    group_params pb{group_role::responder, kb, ka.pk, b_offers, b_sends, o};
    a = std::make_unique<route_group_core>(pa, clock, rng);
    b = std::make_unique<route_group_core>(pb, clock, rng);
  }

  // Moves everything `from` has queued to `to`, recording it. Returns the packet count.
  static std::size_t pump(route_group_core& from, route_group_core& to, std::uint32_t rid, std::vector<sent>& log) {
    std::size_t n = 0;
    while (from.has_output()) {
      const bytes pkt = from.pop_output();
      auto p = wr::parse_packet(pkt);
      EXPECT_TRUE(p.has_value());
      if (!p) continue;
      EXPECT_EQ(p->route_id, rid);
      log.push_back({p->type, p->route_id, bytes(p->payload.begin(), p->payload.end())});
      to.on_packet(p->type, p->payload);
      ++n;
    }
    return n;
  }
  std::size_t ab() { return pump(*a, *b, a_sends, wire_ab); }
  std::size_t ba() { return pump(*b, *a, b_sends, wire_ba); }
  void settle() {
    while (ab() + ba() > 0) {
    }
  }
  void establish() {
    a->start();
    b->start();
    settle();
  }
  std::vector<bytes> drain(route_group_core& c) {
    std::vector<bytes> out;
    while (c.readable()) out.push_back(c.take_message());
    return out;
  }
};

TEST(RouteGroupCore, EncryptedEstablishmentFollowsGoSequence) {
  duo d;
  d.a->start();
  d.b->start();
  EXPECT_EQ(d.a->phase(), group_phase::negotiating);
  ASSERT_EQ(d.ab(), 1u);  // Handshake(1)
  EXPECT_EQ(d.wire_ab[0].type, wr::packet_type::handshake);
  EXPECT_EQ(d.wire_ab[0].payload, bytes{1});
  // B decided to encrypt, answered Handshake(1) and waits for Noise message 1.
  EXPECT_EQ(d.b->phase(), group_phase::noise);
  ASSERT_EQ(d.ba(), 1u);
  EXPECT_EQ(d.wire_ba[0].type, wr::packet_type::handshake);
  EXPECT_EQ(d.wire_ba[0].payload, bytes{1});
  // A sent Noise KK message 1 as one Data packet: 00 31 ‖ 49 bytes.
  EXPECT_EQ(d.a->phase(), group_phase::noise);
  ASSERT_EQ(d.ab(), 1u);
  EXPECT_EQ(d.wire_ab[1].type, wr::packet_type::data);
  ASSERT_EQ(d.wire_ab[1].payload.size(), 51u);
  EXPECT_EQ(d.wire_ab[1].payload[0], 0x00);
  EXPECT_EQ(d.wire_ab[1].payload[1], 0x31);
  EXPECT_EQ(d.b->phase(), group_phase::open);  // B wrote message 2 and is done
  ASSERT_EQ(d.ba(), 1u);
  EXPECT_EQ(d.wire_ba[1].payload.size(), 51u);
  EXPECT_EQ(d.a->phase(), group_phase::open);
  EXPECT_TRUE(d.a->encrypted());
  EXPECT_TRUE(d.b->encrypted());
  EXPECT_EQ(d.a->max_message(), 4070u);
}

TEST(RouteGroupCore, EncryptedMessagesKeepBoundariesAndAreCiphertextOnTheWire) {
  duo d;
  d.establish();
  ASSERT_EQ(d.a->phase(), group_phase::open);
  const bytes hello = text("hello over the route");
  const bytes big(4070, 0x5a);
  ASSERT_TRUE(d.a->write(hello).has_value());
  ASSERT_TRUE(d.a->write(big).has_value());
  EXPECT_EQ(d.a->write(bytes(4071, 1)).error(), make_error_code(errc::message_too_long));
  const std::size_t before = d.wire_ab.size();
  d.ab();
  ASSERT_EQ(d.wire_ab.size(), before + 2);
  // One Noise frame per Data packet: u16 L ‖ u64 N ‖ ciphertext ‖ tag, nonces 1 and 2.
  const auto& f1 = d.wire_ab[before].payload;
  ASSERT_EQ(f1.size(), 2 + 8 + hello.size() + 16);
  EXPECT_EQ((f1[0] << 8) | f1[1], static_cast<int>(8 + hello.size() + 16));
  EXPECT_EQ(f1[9], 1);
  EXPECT_EQ(std::search(f1.begin(), f1.end(), hello.begin(), hello.end()), f1.end());
  EXPECT_EQ(d.wire_ab[before + 1].payload.size(), 2 + 8 + 4070 + 16u);
  auto got = d.drain(*d.b);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], hello);
  EXPECT_EQ(got[1], big);
  // And back.
  ASSERT_TRUE(d.b->write(text("reply")).has_value());
  d.ba();
  auto back = d.drain(*d.a);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], text("reply"));
  EXPECT_GT(d.a->stats().bytes_sent, 4070u);
  EXPECT_EQ(d.b->stats().bytes_received, d.a->stats().bytes_sent);
}

TEST(RouteGroupCore, PartialReadsKeepTheRestOfTheMessage) {
  duo d;
  d.establish();
  ASSERT_TRUE(d.a->write(text("abcdef")).has_value());
  d.ab();
  ASSERT_TRUE(d.b->readable());
  EXPECT_EQ(d.b->peek().size(), 6u);
  d.b->consume(4);
  EXPECT_EQ(d.b->buffered_bytes(), 2u);
  EXPECT_EQ(d.b->take_message(), text("ef"));
  EXPECT_FALSE(d.b->readable());
}

TEST(RouteGroupCore, AnInitiatorThatDeclinesGetsAPlainRoute) {
  duo d(false, true);
  d.establish();
  ASSERT_FALSE(d.wire_ab.empty());
  EXPECT_EQ(d.wire_ab[0].payload, bytes{0});
  // The responder still offers 1 (as Go's does); the initiator's own offer keeps it plain.
  ASSERT_FALSE(d.wire_ba.empty());
  EXPECT_EQ(d.wire_ba[0].payload, bytes{1});
  EXPECT_EQ(d.a->phase(), group_phase::open);
  EXPECT_EQ(d.b->phase(), group_phase::open);
  EXPECT_FALSE(d.a->encrypted());
  EXPECT_FALSE(d.b->encrypted());
  EXPECT_EQ(d.a->max_message(), 65535u);
  const bytes big(65535, 7);
  ASSERT_TRUE(d.a->write(big).has_value());
  d.ab();
  EXPECT_EQ(d.wire_ab.back().payload, big);  // plaintext on the wire, one packet
  auto got = d.drain(*d.b);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], big);
}

TEST(RouteGroupCore, AResponderThatDeclinesGetsAPlainRoute) {
  duo d(true, false);
  d.establish();
  EXPECT_EQ(d.wire_ba.at(0).payload, bytes{0});
  EXPECT_FALSE(d.a->encrypted());
  EXPECT_FALSE(d.b->encrypted());
  ASSERT_TRUE(d.b->write(text("plain")).has_value());
  d.ba();
  EXPECT_EQ(d.drain(*d.a).at(0), text("plain"));
}

TEST(RouteGroupCore, DataFirstMeansAnOldPeerWithoutEncryption) {
  duo d;
  d.b->start();
  d.b->on_packet(wr::packet_type::data, text("legacy"));
  EXPECT_EQ(d.b->phase(), group_phase::open);
  EXPECT_FALSE(d.b->encrypted());
  EXPECT_EQ(d.drain(*d.b).at(0), text("legacy"));
  ASSERT_TRUE(d.b->has_output());  // its Handshake(1) still goes out
  auto p = wr::parse_packet(d.b->pop_output());
  EXPECT_EQ(p->type, wr::packet_type::handshake);
}

TEST(RouteGroupCore, NoHandshakeWithinTwoSecondsMeansPlain) {
  duo d;
  d.b->start();
  d.clock.advance(1999ms);
  d.b->on_timer();
  EXPECT_EQ(d.b->phase(), group_phase::negotiating);
  ASSERT_TRUE(d.b->next_deadline().has_value());
  d.clock.advance(1ms);
  d.b->on_timer();
  EXPECT_EQ(d.b->phase(), group_phase::open);
  EXPECT_FALSE(d.b->encrypted());
  // A Handshake arriving late changes nothing.
  d.b->on_packet(wr::packet_type::handshake, bytes{1});
  EXPECT_FALSE(d.b->encrypted());
}

TEST(RouteGroupCore, NoiseThatNeverCompletesFailsAfterFiveSeconds) {
  duo d;
  d.a->start();
  d.a->on_packet(wr::packet_type::handshake, bytes{1});
  EXPECT_EQ(d.a->phase(), group_phase::noise);
  while (d.a->has_output()) d.a->pop_output();
  d.clock.advance(4999ms);
  d.a->on_timer();
  EXPECT_EQ(d.a->phase(), group_phase::noise);
  d.clock.advance(1ms);
  d.a->on_timer();
  EXPECT_TRUE(d.a->closed());
  EXPECT_EQ(d.a->error(), make_error_code(noise::errc::timed_out));
  ASSERT_TRUE(d.a->has_output());
  EXPECT_EQ(wr::parse_packet(d.a->pop_output())->type, wr::packet_type::close);
  EXPECT_FALSE(d.a->write(text("x")).has_value());
}

TEST(RouteGroupCore, TamperedCiphertextKillsTheGroup) {
  duo d;
  d.establish();
  ASSERT_TRUE(d.a->write(text("secret")).has_value());
  bytes pkt = d.a->pop_output();
  pkt.back() ^= 0x01;
  auto p = wr::parse_packet(pkt);
  d.b->on_packet(p->type, p->payload);
  EXPECT_TRUE(d.b->closed());
  EXPECT_EQ(d.b->error(), make_error_code(noise::errc::decrypt_failed));
  EXPECT_FALSE(d.b->readable());
}

TEST(RouteGroupCore, ReplayedFrameKillsTheGroup) {
  duo d;
  d.establish();
  ASSERT_TRUE(d.a->write(text("once")).has_value());
  const bytes pkt = d.a->pop_output();
  auto p = wr::parse_packet(pkt);
  d.b->on_packet(p->type, p->payload);
  EXPECT_EQ(d.drain(*d.b).size(), 1u);
  d.b->on_packet(p->type, p->payload);
  EXPECT_EQ(d.b->error(), make_error_code(noise::errc::replayed_nonce));
}

TEST(RouteGroupCore, AFrameSplitOverTwoPacketsIsAccepted) {
  duo d;
  d.establish();
  ASSERT_TRUE(d.a->write(text("split me")).has_value());
  const bytes pkt = d.a->pop_output();
  const byte_view payload = wr::parse_packet(pkt)->payload;
  d.b->on_packet(wr::packet_type::data, payload.first(5));
  EXPECT_FALSE(d.b->readable());
  d.b->on_packet(wr::packet_type::data, payload.subspan(5));
  EXPECT_EQ(d.drain(*d.b).at(0), text("split me"));
}

TEST(RouteGroupCore, PingPongGivesLatencyAndThroughput) {
  group_options t;
  t.timing.ping_interval = 3s;
  duo d(true, true, t);
  d.establish();
  ASSERT_TRUE(d.a->write(bytes(3000, 1)).has_value());
  d.ab();
  d.clock.advance(3s);
  d.b->on_timer();  // B pings, reporting what it received since it opened
  ASSERT_TRUE(d.b->has_output());
  const bytes ping = d.b->pop_output();
  auto p = wr::parse_packet(ping);
  ASSERT_EQ(p->type, wr::packet_type::ping);
  auto pp = wr::parse_ping(p->payload);
  EXPECT_EQ(pp->unix_ms, (1700000000LL + 3) * 1000);
  EXPECT_EQ(pp->throughput, static_cast<std::int64_t>((7 + 2 + 8 + 3000 + 16) / 3));
  EXPECT_EQ(d.b->stats().download_speed, static_cast<std::uint64_t>(pp->throughput));
  d.a->on_packet(p->type, p->payload);
  EXPECT_EQ(d.a->stats().upload_speed, static_cast<std::uint64_t>(pp->throughput));
  // A answers with a Pong echoing the timestamp; 7 ms later B has its latency.
  ASSERT_TRUE(d.a->has_output());
  auto pong = d.a->pop_output();
  auto q = wr::parse_packet(pong);
  ASSERT_EQ(q->type, wr::packet_type::pong);
  EXPECT_EQ(wr::parse_pong(q->payload)->unix_ms, pp->unix_ms);
  d.clock.advance(7ms);
  d.b->on_packet(q->type, q->payload);
  ASSERT_TRUE(d.b->stats().latency.has_value());
  EXPECT_EQ(*d.b->stats().latency, 7000us);
  EXPECT_EQ(d.b->stats().pongs_received, 1u);
}

TEST(RouteGroupCore, KeepAliveWhenNoDataWasWritten) {
  group_options t;
  t.timing.ping_interval = 0s;  // no pings, to see keep-alives alone
  t.timing.keep_alive_interval = 15s;
  t.timing.dead_after = 0s;  // off: only the keep-alive deadline is left
  duo d(true, true, t);
  d.establish();
  d.clock.advance(10s);
  ASSERT_TRUE(d.a->write(text("x")).has_value());
  d.ab();
  d.clock.advance(10s);  // 10 s since the write: not yet
  d.a->on_timer();
  EXPECT_FALSE(d.a->has_output());
  d.clock.advance(5s);
  d.a->on_timer();
  ASSERT_TRUE(d.a->has_output());
  EXPECT_EQ(wr::parse_packet(d.a->pop_output())->type, wr::packet_type::keep_alive);
  EXPECT_EQ(*d.a->next_deadline(), d.clock.steady_now() + 15s);
}

TEST(RouteGroupCore, NothingReceivedWithinTheKeepAliveIsADeadRoute) {
  group_options t;
  t.timing.ping_interval = 0s;
  t.timing.dead_after = 4s;
  duo d(true, true, t);
  d.establish();
  d.clock.advance(3s);
  d.b->on_packet(wr::packet_type::keep_alive, {});
  d.clock.advance(3s);
  d.b->on_timer();
  EXPECT_EQ(d.b->phase(), group_phase::open);  // the keep-alive 3 s ago counts
  d.clock.advance(1s);
  d.b->on_timer();
  EXPECT_TRUE(d.b->closed());
  EXPECT_EQ(d.b->error(), make_error_code(errc::route_dead));
  EXPECT_EQ(d.b->write(text("x")).error(), make_error_code(errc::route_dead));
}

TEST(RouteGroupCore, CloseIsAnsweredAndBothEndsFinish) {
  duo d;
  d.establish();
  ASSERT_TRUE(d.b->write(text("last words")).has_value());
  d.ba();
  d.a->close();
  EXPECT_EQ(d.a->phase(), group_phase::closing);
  EXPECT_TRUE(d.a->closed_locally());
  EXPECT_EQ(d.a->write(text("late")).error(), make_error_code(errc::group_closed));
  d.ab();
  EXPECT_EQ(d.wire_ab.back().type, wr::packet_type::close);
  EXPECT_EQ(d.wire_ab.back().payload, bytes{0});
  // B answered with its own Close and ended in order; what it had buffered is still readable.
  EXPECT_TRUE(d.b->closed());
  EXPECT_FALSE(d.b->error());
  EXPECT_EQ(d.b->write(text("x")).error(), make_error_code(net::errc::closed));
  d.ba();
  EXPECT_EQ(d.wire_ba.back().type, wr::packet_type::close);
  EXPECT_TRUE(d.a->closed());
  EXPECT_FALSE(d.a->error());
}

TEST(RouteGroupCore, ErrorTextTravelsBeforeTheClose) {
  duo d;
  d.establish();
  d.b->set_close_error("no listener on port 44, vpn-server offline");
  d.b->close();
  d.ba();
  ASSERT_GE(d.wire_ba.size(), 2u);
  EXPECT_EQ(d.wire_ba[d.wire_ba.size() - 2].type, wr::packet_type::error);
  EXPECT_TRUE(d.a->closed());
  EXPECT_EQ(d.a->peer_error_text(), "no listener on port 44, vpn-server offline");
  EXPECT_EQ(d.a->error(), make_error_code(errc::peer_error));
}

TEST(RouteGroupCore, AnUnansweredCloseEndsAfterTheCloseWait) {
  duo d;
  d.establish();
  d.a->close();
  d.clock.advance(1999ms);
  d.a->on_timer();
  EXPECT_EQ(d.a->phase(), group_phase::closing);
  d.clock.advance(1ms);
  d.a->on_timer();
  EXPECT_TRUE(d.a->closed());
  EXPECT_FALSE(d.a->error());
}

TEST(RouteGroupCore, AFullReceiveBufferDropsAndCounts) {
  group_options t;
  t.max_buffered_messages = 2;
  duo d(false, false, t);
  d.establish();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(d.a->write(text("m")).has_value());
  d.ab();
  EXPECT_EQ(d.b->stats().messages_dropped, 1u);
  EXPECT_EQ(d.drain(*d.b).size(), 2u);
  ASSERT_TRUE(d.a->write(text("after")).has_value());
  d.ab();
  EXPECT_EQ(d.drain(*d.b).at(0), text("after"));
}

TEST(RouteGroupCore, OutputBoundStopsWritersAndServicePackets) {
  group_options t;
  t.max_output_bytes = 100;
  duo d(false, false, t);
  d.establish();
  ASSERT_TRUE(d.a->writable());
  ASSERT_TRUE(d.a->write(bytes(200, 1)).has_value());
  EXPECT_FALSE(d.a->writable());
  const std::size_t queued = d.a->output_bytes();
  d.a->on_packet(wr::packet_type::ping, bytes(16, 0));  // no Pong while full
  EXPECT_EQ(d.a->output_bytes(), queued);
  d.a->pop_output();
  EXPECT_TRUE(d.a->writable());
}

TEST(RouteGroupCore, ShortTypedPayloadsAreIgnored) {
  duo d;
  d.establish();
  d.a->on_packet(wr::packet_type::ping, bytes(3, 0));
  d.a->on_packet(wr::packet_type::pong, bytes(3, 0));
  d.a->on_packet(wr::packet_type::handshake, {});
  EXPECT_FALSE(d.a->has_output());
  EXPECT_EQ(d.a->phase(), group_phase::open);
}

}  // namespace
}  // namespace skywire::router
