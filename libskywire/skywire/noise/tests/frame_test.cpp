// Transport frames (spec/dmsg.md §3.5): sealing, opening, the two replay rules, the limits,
// and the frame splitter, with the attacks named.
#include <gtest/gtest.h>

#include <numeric>

#include "skywire/noise/frame.hpp"
#include "skywire/noise/frame_splitter.hpp"
#include "skywire/noise/replay_window.hpp"

namespace skywire::noise {
namespace {

crypto::aead_key key_of(std::uint8_t b) {
  crypto::aead_key k;
  k.fill(b);
  return k;
}

bytes body_of(const bytes& frame) { return bytes(frame.begin() + 2, frame.end()); }

bytes pattern_bytes(std::size_t n) {
  bytes b(n);
  std::iota(b.begin(), b.end(), std::uint8_t{7});
  return b;
}

TEST(frame_sealer, first_nonce_is_one_and_layout_is_u16_u64_ct) {
  frame_sealer s(key_of(1));
  EXPECT_EQ(s.last_nonce(), 0u);
  auto f = s.seal(as_bytes("abc")).value();
  ASSERT_EQ(f.size(), 2u + 8u + 3u + 16u);
  EXPECT_EQ(f[0], 0x00);
  EXPECT_EQ(f[1], 8 + 3 + 16);
  EXPECT_EQ(bytes(f.begin() + 2, f.begin() + 10), (bytes{0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(s.last_nonce(), 1u);
  auto g = s.seal(as_bytes("abc")).value();
  EXPECT_EQ(g[9], 2);
  EXPECT_NE(f, g);
}

TEST(frame_sealer, plaintext_limits) {
  frame_sealer data(key_of(1));
  EXPECT_TRUE(data.seal(bytes(limits::max_data_plaintext)));
  EXPECT_EQ(data.seal(bytes(limits::max_data_plaintext + 1)).error(), errc::frame_too_long);
  EXPECT_EQ(data.last_nonce(), 1u);  // the refused seal used no nonce

  frame_sealer objects(key_of(1), limits::max_object_plaintext + 1000);
  EXPECT_EQ(objects.max_plaintext(), limits::max_object_plaintext);
  auto f = objects.seal(bytes(limits::max_object_plaintext)).value();
  EXPECT_EQ(f[0], 0xff);
  EXPECT_EQ(f[1], 0xff);

  bytes out(10);
  EXPECT_EQ(data.seal_into(as_bytes("abc"), out).error(), errc::frame_too_short);
}

TEST(frame_sealer, moved_from_sealer_cannot_reuse_nonces) {
  frame_sealer a(key_of(1));
  ASSERT_TRUE(a.seal(as_bytes("x")));
  frame_sealer b(std::move(a));
  EXPECT_EQ(b.last_nonce(), 1u);
  EXPECT_EQ(a.seal(as_bytes("x")).error(), errc::nonce_exhausted);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.seal(as_bytes("x")).value()[9], 2);
}

TEST(frame_opener, round_trip_and_zero_length_plaintext) {
  frame_sealer s(key_of(3));
  frame_opener o(key_of(3));
  auto empty = s.seal({}).value();
  EXPECT_EQ(empty.size(), 2u + limits::frame_overhead);
  EXPECT_TRUE(o.open(body_of(empty)).value().empty());
  const bytes big = pattern_bytes(limits::max_data_plaintext);
  auto f = s.seal(big).value();
  bytes body = body_of(f);
  auto pt = o.open_in_place(body).value();
  EXPECT_EQ(bytes(pt.begin(), pt.end()), big);
  EXPECT_EQ(o.last_nonce(), 2u);
}

TEST(frame_opener, bad_tag_is_rejected_and_does_not_advance) {
  frame_sealer s(key_of(3));
  frame_opener o(key_of(3));
  auto f = s.seal(as_bytes("payload")).value();
  for (std::size_t i = 2; i < f.size(); ++i) {
    bytes bad = body_of(f);
    bad[i - 2] ^= 0x40;
    auto r = o.open(bad);
    ASSERT_FALSE(r) << "byte " << i;
    // Flipping the nonce to 0 is a replay; anything else is an authentication failure.
    EXPECT_TRUE(r.error() == errc::decrypt_failed || r.error() == errc::replayed_nonce);
  }
  EXPECT_EQ(o.last_nonce(), 0u);
  EXPECT_TRUE(o.open(body_of(f)));  // the genuine frame still opens
}

TEST(frame_opener, wrong_key_fails) {
  frame_sealer s(key_of(3));
  frame_opener o(key_of(4));
  EXPECT_EQ(o.open(body_of(s.seal(as_bytes("x")).value())).error(), errc::decrypt_failed);
}

TEST(frame_opener, replayed_nonce_is_rejected) {
  frame_sealer s(key_of(3));
  frame_opener o(key_of(3));
  auto f1 = s.seal(as_bytes("one")).value();
  ASSERT_TRUE(o.open(body_of(f1)));
  EXPECT_EQ(o.open(body_of(f1)).error(), errc::replayed_nonce);
}

TEST(frame_opener, counter_jump_allowed_decrease_rejected) {
  frame_sealer s(key_of(3));
  frame_opener o(key_of(3));
  auto f1 = s.seal(as_bytes("1")).value();
  auto f2 = s.seal(as_bytes("2")).value();
  auto f3 = s.seal(as_bytes("3")).value();
  ASSERT_TRUE(o.open(body_of(f1)));
  ASSERT_TRUE(o.open(body_of(f3)));  // gap: 2 was lost
  EXPECT_EQ(o.last_nonce(), 3u);
  EXPECT_EQ(o.open(body_of(f2)).error(), errc::replayed_nonce);
}

TEST(frame_opener, body_size_limits) {
  frame_opener o(key_of(3));
  EXPECT_EQ(o.open(bytes(23)).error(), errc::frame_too_short);
  EXPECT_EQ(o.open(bytes()).error(), errc::frame_too_short);
  EXPECT_EQ(o.open(bytes(limits::max_frame_body + 1)).error(), errc::frame_too_long);
  frame_opener w(key_of(3), replay_mode::window);
  EXPECT_EQ(w.max_body(), limits::max_object_frame_body);
  EXPECT_EQ(w.open(bytes(limits::max_object_frame_body + 1)).error(), errc::frame_too_long);
}

TEST(frame_opener, nonce_zero_is_never_accepted) {
  // A hand-made frame with N = 0 that authenticates: still refused (senders start at 1).
  bytes body(limits::frame_overhead);
  crypto::aead_seal(key_of(3), 0, {}, {}, mutable_byte_view(body).subspan(8));
  frame_opener o(key_of(3));
  EXPECT_EQ(o.open(body).error(), errc::replayed_nonce);
  frame_opener w(key_of(3), replay_mode::window);
  EXPECT_EQ(w.open(body).error(), errc::replayed_nonce);
}

TEST(frame_opener, window_mode_accepts_out_of_order_once) {
  frame_sealer s(key_of(5), limits::max_object_plaintext);
  frame_opener o(key_of(5), replay_mode::window);
  std::vector<bytes> frames;
  for (int i = 0; i < 5; ++i) frames.push_back(s.seal(pattern_bytes(100 + i)).value());
  for (int i : {2, 0, 4, 1, 3}) ASSERT_TRUE(o.open(body_of(frames[i]))) << i;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(o.open(body_of(frames[i])).error(), errc::replayed_nonce);
  // A large object (above the data limit) is fine in this mode.
  auto big = s.seal(bytes(10000)).value();
  EXPECT_TRUE(o.open(body_of(big)));
}

TEST(frame_opener, window_mode_rejects_too_old) {
  frame_sealer s(key_of(5));
  frame_opener o(key_of(5), replay_mode::window);
  auto old = s.seal(as_bytes("old")).value();  // N = 1
  bytes last;
  for (std::size_t i = 0; i < limits::replay_window_size + 1; ++i) last = s.seal({}).value();
  ASSERT_TRUE(o.open(body_of(last)));  // N = window + 2
  EXPECT_EQ(o.open(body_of(old)).error(), errc::replayed_nonce);
}

TEST(replay_window, matches_wireguard_semantics) {
  replay_window w;
  EXPECT_FALSE(w.check(0));
  for (std::uint64_t n = 1; n <= 200; ++n) {
    ASSERT_TRUE(w.check(n));
    w.mark(n);
    EXPECT_FALSE(w.check(n));
  }
  // Jump far ahead: everything old is out of the window, the ring is cleared.
  const std::uint64_t far = 1'000'000;
  ASSERT_TRUE(w.check(far));
  w.mark(far);
  EXPECT_FALSE(w.check(200));
  EXPECT_FALSE(w.check(far - limits::replay_window_size - 1));
  EXPECT_TRUE(w.check(far - limits::replay_window_size));
  EXPECT_TRUE(w.check(far - 1));
  w.mark(far - 1);
  EXPECT_FALSE(w.check(far - 1));
  // Moving forward by less than the ring keeps recent marks.
  w.mark(far + 100);
  EXPECT_FALSE(w.check(far - 1));
  EXPECT_TRUE(w.check(far + 50));
  EXPECT_TRUE(w.check(UINT64_MAX));
}

// ---- frame_splitter ----

TEST(frame_splitter, byte_at_a_time_and_many_per_chunk) {
  frame_sealer s(key_of(9));
  bytes stream;
  std::vector<bytes> plains;
  for (std::size_t n : {0u, 1u, 100u, 4070u, 5u}) {
    plains.push_back(pattern_bytes(n));
    ASSERT_TRUE(s.seal_append(plains.back(), stream));
  }
  for (bool one_byte : {true, false}) {
    frame_splitter sp;
    frame_opener o(key_of(9));
    std::size_t got = 0;
    byte_view all = stream;
    while (!all.empty()) {
      byte_view chunk = one_byte ? all.first(1) : all;
      all = all.subspan(chunk.size());
      while (!chunk.empty()) {
        auto r = sp.next(chunk);
        ASSERT_TRUE(r);
        if (!*r) break;
        auto pt = o.open_in_place(**r);
        ASSERT_TRUE(pt);
        EXPECT_EQ(bytes(pt->begin(), pt->end()), plains[got]);
        ++got;
      }
    }
    EXPECT_EQ(got, plains.size());
    EXPECT_EQ(sp.buffered(), 0u);
  }
}

TEST(frame_splitter, oversized_length_poisons) {
  frame_splitter sp;
  bytes in{0x0f, 0xff, 1, 2, 3};  // 4095 > 4094
  byte_view v = in;
  EXPECT_EQ(sp.next(v).error(), errc::frame_too_long);
  bytes ok{0x00, 0x00};
  byte_view w = ok;
  EXPECT_EQ(sp.next(w).error(), errc::frame_too_long);
}

TEST(frame_splitter, max_length_and_empty_frames) {
  frame_splitter sp(limits::max_object_frame_body);
  bytes in{0xff, 0xff};
  in.resize(2 + 65535, 0x11);
  in.push_back(0);
  in.push_back(0);  // an L = 0 frame
  in.push_back(0);  // half of the next prefix
  byte_view v = in;
  auto a = sp.next(v).value();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 65535u);
  auto b = sp.next(v).value();
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->empty());
  EXPECT_FALSE(sp.next(v).value());
  EXPECT_EQ(sp.buffered(), 1u);
  EXPECT_TRUE(v.empty());
}

TEST(frame_splitter, truncated_frame_stays_buffered) {
  frame_splitter sp;
  bytes in{0x00, 0x20, 1, 2, 3};
  byte_view v = in;
  EXPECT_FALSE(sp.next(v).value());
  EXPECT_EQ(sp.buffered(), 5u);
}

}  // namespace
}  // namespace skywire::noise
