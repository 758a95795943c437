// KCP core: two cores over an in-memory link (lossy, reordering, duplicating) deliver every
// message exactly once and in order; the dead link fires; hostile segments are refused without
// disturbing the session; the zero window is probed and recovered; a kcp-go-shaped PUSH is
// accepted and acknowledged with ikcp's bytes.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "skywire/base/hex.hpp"
#include "skywire/transport/kcp/core.hpp"
#include "skywire/transport/kcp/errc.hpp"

namespace skywire::transport::kcp {
namespace {

using namespace std::chrono_literals;

// Two cores and the datagrams between them. Time advances in 1 ms steps.
struct sim {
  struct link_cfg {
    double loss = 0;
    double dup = 0;
    int max_delay_ms = 0;  // uniform extra delay per datagram: reordering
  };

  sim(link_cfg l, config c = {}, std::uint32_t seed = 1)
      : link(l), rng(seed), a(0x11223344, now, c), b(0x11223344, now, c) {}

  void pump_out(core& from, int to) {
    std::vector<bytes> out;
    from.flush(now, out);
    std::uniform_real_distribution<double> p(0, 1);
    std::uniform_int_distribution<int> d(0, link.max_delay_ms);
    for (auto& dg : out) {
      ++sent;
      if (p(rng) < link.loss) continue;
      const int copies = p(rng) < link.dup ? 2 : 1;
      for (int i = 0; i < copies; ++i) in_flight.emplace(now + std::chrono::milliseconds(1 + d(rng)), std::pair{to, dg});
    }
  }

  void step() {
    now += 1ms;
    while (!in_flight.empty() && in_flight.begin()->first <= now) {
      auto [to, dg] = std::move(in_flight.begin()->second);
      in_flight.erase(in_flight.begin());
      auto r = (to == 0 ? a : b).input(dg, now);
      EXPECT_TRUE(r) << r.error().message();
    }
    for (core* c : {&a, &b}) {
      auto w = c->next_wakeup();
      if (w && *w <= now) pump_out(*c, c == &a ? 1 : 0);
    }
  }

  link_cfg link;
  std::mt19937 rng;
  time_point now{};
  core a, b;
  std::multimap<time_point, std::pair<int, bytes>> in_flight;
  std::size_t sent = 0;
};

std::string message(std::size_t i, std::size_t len) {
  std::string m(len, '\0');
  for (std::size_t k = 0; k < len; ++k) m[k] = static_cast<char>('a' + (i * 7 + k) % 26);
  return m;
}

void transfer(sim& s, std::size_t count, std::chrono::milliseconds limit) {
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < count; ++i) sizes.push_back(i % 5 == 0 ? 0 : (i * 977) % (3 * 1376 + 11));
  std::size_t next_send = 0, received = 0;
  const time_point deadline = s.now + limit;
  while (received < count && s.now < deadline) {
    while (next_send < count && s.a.can_send(sizes[next_send])) {
      ASSERT_TRUE(s.a.send(as_bytes(message(next_send, sizes[next_send]))));
      ++next_send;
    }
    s.step();
    while (auto m = s.b.recv()) {
      ASSERT_LT(received, count) << "more messages than sent";
      ASSERT_EQ(as_chars(*m), message(received, sizes[received])) << "message " << received;
      ++received;
    }
  }
  EXPECT_EQ(received, count);
  EXPECT_FALSE(s.a.dead());
  EXPECT_FALSE(s.b.dead());
}

TEST(KcpCore, PerfectLinkDeliversInOrder) {
  sim s({});
  transfer(s, 300, 60s);
  EXPECT_EQ(s.a.retransmissions(), 0u);
}

TEST(KcpCore, LossyReorderingDuplicatingLinkDeliversEveryMessageExactlyOnceInOrder) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    sim s({.loss = 0.2, .dup = 0.1, .max_delay_ms = 40}, {}, seed);
    transfer(s, 400, 600s);
    EXPECT_GT(s.a.retransmissions(), 0u);
    // Afterwards everything is acknowledged and both sides go idle.
    for (int i = 0; i < 20000 && !s.a.all_acked(); ++i) s.step();
    EXPECT_TRUE(s.a.all_acked());
  }
}

TEST(KcpCore, FragmentedMessagesReassemble) {
  sim s({.loss = 0.1, .max_delay_ms = 20});
  const std::string big = message(9, 16 * 1376);
  ASSERT_TRUE(s.a.send(as_bytes(big)));
  EXPECT_EQ(s.a.send(as_bytes(message(1, 16 * 1376 + 1))).error(), errc::message_too_large);
  std::optional<bytes> got;
  for (int i = 0; i < 60000 && !got; ++i) {
    s.step();
    got = s.b.recv();
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(as_chars(*got), big);
}

TEST(KcpCore, BothDirectionsAtOnce) {
  sim s({.loss = 0.05, .max_delay_ms = 10});
  std::size_t ra = 0, rb = 0;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(s.a.send(as_bytes(message(i, 500))));
    ASSERT_TRUE(s.b.send(as_bytes(message(i + 1000, 700))));
  }
  for (int i = 0; i < 120000 && (ra < 100 || rb < 100); ++i) {
    s.step();
    while (auto m = s.b.recv()) EXPECT_EQ(as_chars(*m), message(rb++, 500));
    while (auto m = s.a.recv()) EXPECT_EQ(as_chars(*m), message(1000 + ra++, 700));
  }
  EXPECT_EQ(ra, 100u);
  EXPECT_EQ(rb, 100u);
}

TEST(KcpCore, DeadLinkFiresWhenThePeerVanishes) {
  sim s({.loss = 1.0});
  ASSERT_TRUE(s.a.send(as_bytes("anyone there?")));
  int steps = 0;
  while (!s.a.dead() && steps < 120000) {
    s.step();
    ++steps;
  }
  EXPECT_EQ(s.a.error(), errc::dead_link);
  // Within the time bound (30 s), give or take one RTO.
  EXPECT_LE(steps, 31000);
  EXPECT_EQ(s.a.send(as_bytes("x")).error(), errc::dead_link);
  std::vector<bytes> out;
  s.a.flush(s.now, out);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(s.a.next_wakeup());
}

TEST(KcpCore, DeadLinkCountBound) {
  config c;
  c.dead_link = 3;
  c.dead_timeout = 1h;
  sim s({.loss = 1.0}, c);
  ASSERT_TRUE(s.a.send(as_bytes("x")));
  for (int i = 0; i < 120000 && !s.a.dead(); ++i) s.step();
  EXPECT_EQ(s.a.error(), errc::dead_link);
  EXPECT_EQ(s.a.retransmissions(), 2u);  // transmissions 1..3, dead on the 4th attempt
}

TEST(KcpCore, SendQueueIsBounded) {
  config c;
  c.max_send_segments = 4;
  core k(1, time_point{}, c);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(k.send(as_bytes("m")));
  EXPECT_FALSE(k.can_send());
  EXPECT_EQ(k.send(as_bytes("m")).error(), errc::send_queue_full);
}

bytes seg_bytes(segment_header h, std::string_view data = {}) {
  h.len = static_cast<std::uint32_t>(data.size());
  bytes out(limits::overhead);
  encode_header(h, out.data());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

TEST(KcpCore, AcceptsAGoShapedPushAndAcksWithIkcpBytes) {
  time_point t0{};
  core k(0x01020304, t0);
  // What kcp-go sends for a Write("get_nonce") as the first segment of a session.
  segment_header h{0x01020304, command::push, 0, 32, 1234, 0, 0, 0};
  ASSERT_TRUE(k.input(seg_bytes(h, "get_nonce"), t0 + 5ms));
  auto m = k.recv();
  ASSERT_TRUE(m);
  EXPECT_EQ(as_chars(*m), "get_nonce");
  EXPECT_TRUE(k.next_wakeup());
  std::vector<bytes> out;
  k.flush(t0 + 5ms, out);
  ASSERT_EQ(out.size(), 1u);
  // ACK: conv, cmd 82, frg 0, wnd 128 (our free window), ts echoed 1234, sn 0, una 1, len 0.
  EXPECT_EQ(base::to_hex(out[0]), "04030201" "52" "00" "8000" "d2040000" "00000000" "01000000" "00000000");
  EXPECT_FALSE(k.next_wakeup());  // idle: nothing to send or retransmit
}

TEST(KcpCore, HostileSegmentsAreRefusedAndChangeNothing) {
  time_point t0{};
  core k(9, t0);
  ASSERT_TRUE(k.send(as_bytes("hello")));
  std::vector<bytes> out;
  k.flush(t0, out);  // cwnd starts at 1 after the first flush (ikcp slow start)
  k.flush(t0 + 1ms, out);
  ASSERT_FALSE(k.all_acked());

  segment_header ack{9, command::ack, 0, 32, 0, 5, 0, 0};  // ACK of sn 5: never sent
  EXPECT_EQ(k.input(seg_bytes(ack), t0 + 2ms).error(), errc::bad_segment);
  segment_header una{9, command::wins, 0, 32, 0, 0, 7, 0};  // una 7 > snd_nxt 1
  EXPECT_EQ(k.input(seg_bytes(una), t0 + 2ms).error(), errc::bad_segment);
  segment_header frg{9, command::push, 200, 32, 0, 0, 0, 0};  // 201 fragments: can never fit
  EXPECT_EQ(k.input(seg_bytes(frg, "x"), t0 + 2ms).error(), errc::bad_segment);
  segment_header other{10, command::push, 0, 32, 0, 0, 0, 0};
  EXPECT_EQ(k.input(seg_bytes(other, "x"), t0 + 2ms).error(), errc::wrong_conv);
  EXPECT_EQ(k.input(as_bytes("holepunch"), t0 + 2ms).error(), errc::too_short);
  // A datagram whose first segment is fine and second is hostile has no effect at all.
  bytes mixed = seg_bytes({9, command::push, 0, 32, 0, 0, 0, 0}, "ok");
  const bytes bad = seg_bytes(ack);
  mixed.insert(mixed.end(), bad.begin(), bad.end());
  EXPECT_EQ(k.input(mixed, t0 + 2ms).error(), errc::bad_segment);
  EXPECT_FALSE(k.recv());
  EXPECT_FALSE(k.all_acked());

  // The session is intact: the real ACK still works.
  segment_header good{9, command::ack, 0, 32, 0, 0, 1, 0};
  ASSERT_TRUE(k.input(seg_bytes(good), t0 + 3ms));
  EXPECT_TRUE(k.all_acked());
  EXPECT_FALSE(k.dead());
}

TEST(KcpCore, ZeroWindowIsProbedAndRecovers) {
  config c;
  c.rcv_wnd = 16;
  sim s({}, c);
  // b does not read: a fills b's window, sees wnd 0, stops.
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(s.a.send(as_bytes(message(i, 100))));
  for (int i = 0; i < 3000; ++i) s.step();
  EXPECT_EQ(s.a.waiting_send(), 40u - 16u);
  EXPECT_FALSE(s.a.dead());  // a full window is not a dead link
  std::size_t got = 0;
  for (int i = 0; i < 30000 && got < 40; ++i) {
    s.step();
    while (auto m = s.b.recv()) EXPECT_EQ(as_chars(*m), message(got++, 100));
  }
  EXPECT_EQ(got, 40u);
}

TEST(KcpCore, ClosedCoreIsInert) {
  core k(1, time_point{});
  ASSERT_TRUE(k.send(as_bytes("x")));
  k.close();
  EXPECT_EQ(k.send(as_bytes("x")).error(), errc::closed);
  std::vector<bytes> out;
  k.flush(time_point{}, out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(k.input(seg_bytes({1, command::push, 0, 32, 0, 0, 0, 0}, "x"), time_point{}));
  EXPECT_FALSE(k.recv());
}

}  // namespace
}  // namespace skywire::transport::kcp
