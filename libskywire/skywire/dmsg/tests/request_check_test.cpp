// The server's sans-I/O request checks: forged, mismatched and replayed requests.
#include <gtest/gtest.h>

#include "skywire/crypto/random.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/limits.hpp"
#include "skywire/dmsg/request_check.hpp"

namespace skywire::dmsg {
namespace {

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

constexpr std::int64_t second = 1'000'000'000;

wire::dmsg::stream_request request(const crypto::key_pair& src, const crypto::key_pair& dst, std::int64_t ts) {
  wire::dmsg::stream_request r;
  r.timestamp = ts;
  r.src = {src.pk, 49153};
  r.dst = {dst.pk, 80};
  r.noise_msg = bytes(49, 7);
  return r;
}

struct fixture : ::testing::Test {
  crypto::key_pair a = keys("a"), b = keys("b"), c = keys("c");
  crypto::aead_key key{};
  noise::frame_sealer sealer{key, noise::limits::max_object_plaintext};
  noise::frame_opener opener{key, noise::replay_mode::window};
  replay_guard guard;

  result<checked_request> feed(const bytes& object) {
    auto frame = sealer.seal(object);
    EXPECT_TRUE(frame);
    bytes body(frame->begin() + 2, frame->end());
    return check_request_frame(body, opener, a.pk, guard);
  }
};

TEST_F(fixture, AcceptsValidRequest) {
  const auto obj = wire::dmsg::make_signed_request(request(a, b, 100 * second), a.sk);
  auto r = feed(obj.serialize());
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->object, obj.serialize());
  EXPECT_EQ(r->opened.hash, obj.hash());
  EXPECT_EQ(r->opened.request.dst.pk, b.pk);
}

TEST_F(fixture, RejectsBadSignature) {
  auto obj = wire::dmsg::make_signed_request(request(a, b, 100 * second), a.sk);
  obj.gob.back() ^= 1;  // signature no longer matches (or the gob no longer decodes)
  EXPECT_FALSE(feed(obj.serialize()));
  const auto signed_by_c = wire::dmsg::make_signed_request(request(a, b, 100 * second), c.sk);
  EXPECT_EQ(feed(signed_by_c.serialize()).error(), errc::request_bad_signature);
}

TEST_F(fixture, RejectsSourceOtherThanSessionPeer) {
  const auto obj = wire::dmsg::make_signed_request(request(c, b, 100 * second), c.sk);
  EXPECT_EQ(feed(obj.serialize()).error(), errc::request_bad_src);
}

TEST_F(fixture, RejectsReplayedObjectAndReplayedFrame) {
  const auto obj = wire::dmsg::make_signed_request(request(a, b, 100 * second), a.sk);
  ASSERT_TRUE(feed(obj.serialize()));
  EXPECT_EQ(feed(obj.serialize()).error(), errc::request_replayed);  // resealed, same object
  auto frame = sealer.seal(wire::dmsg::make_signed_request(request(a, b, 101 * second), a.sk).serialize());
  bytes body(frame->begin() + 2, frame->end());
  bytes copy = body;
  ASSERT_TRUE(check_request_frame(body, opener, a.pk, guard));
  EXPECT_FALSE(check_request_frame(copy, opener, a.pk, guard));  // same nonce: opener refuses
}

TEST_F(fixture, ConcurrentDialsOutOfOrderAccepted) {
  const auto later = wire::dmsg::make_signed_request(request(a, b, 200 * second), a.sk);
  const auto earlier = wire::dmsg::make_signed_request(request(a, b, 199 * second), a.sk);
  ASSERT_TRUE(feed(later.serialize()));
  EXPECT_TRUE(feed(earlier.serialize()));
  const auto stale = wire::dmsg::make_signed_request(request(a, b, 100 * second), a.sk);
  EXPECT_EQ(feed(stale.serialize()).error(), errc::request_replayed);
}

TEST(ReplayGuard, BoundedCacheRaisesFloor) {
  replay_guard g;
  crypto::sha256_digest h{};
  for (std::size_t i = 0; i < limits::request_cache + 10; ++i) {
    h[0] = static_cast<std::uint8_t>(i);
    h[1] = static_cast<std::uint8_t>(i >> 8);
    ASSERT_TRUE(g.check_and_record(static_cast<std::int64_t>(1000 + i), h));
  }
  EXPECT_LE(g.size(), limits::request_cache);
  EXPECT_GE(g.floor(), 1000 + 10 - 1);
  h[0] = 0xEE;
  h[1] = 0xEE;
  EXPECT_FALSE(g.check_and_record(1000, h));
  EXPECT_FALSE(g.check_and_record(0, h));
}

}  // namespace
}  // namespace skywire::dmsg
