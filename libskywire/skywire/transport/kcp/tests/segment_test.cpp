// KCP segment codec: the ikcp little-endian layout, all-or-nothing datagram decoding and the
// hostile shapes decode_datagram refuses.
#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "skywire/base/hex.hpp"
#include "skywire/transport/kcp/errc.hpp"
#include "skywire/transport/kcp/segment.hpp"

namespace skywire::transport::kcp {
namespace {

bytes datagram(const std::vector<std::pair<segment_header, std::string_view>>& segs) {
  bytes out;
  for (const auto& [h, data] : segs) {
    const std::size_t at = out.size();
    out.resize(at + limits::overhead);
    encode_header(h, out.data() + at);
    out.insert(out.end(), data.begin(), data.end());
  }
  return out;
}

segment_header push(std::uint32_t conv, std::uint32_t sn, std::uint32_t len) {
  segment_header h;
  h.conv = conv;
  h.cmd = command::push;
  h.wnd = 32;
  h.ts = 1000;
  h.sn = sn;
  h.len = len;
  return h;
}

TEST(KcpSegment, HeaderIsLittleEndianIkcpLayout) {
  segment_header h{0x04030201, command::push, 5, 0x0706, 0x0b0a0908, 0x0f0e0d0c, 0x13121110, 9};
  bytes out(limits::overhead);
  encode_header(h, out.data());
  EXPECT_EQ(base::to_hex(out), "01020304510506070809" "0a0b0c0d0e0f10111213" "09000000");
  EXPECT_EQ(peek_conv(out), 0x04030201u);
}

TEST(KcpSegment, DecodesEverySegmentOfADatagram) {
  segment_header ack;
  ack.conv = 7;
  ack.cmd = command::ack;
  ack.sn = 3;
  const bytes d = datagram({{push(7, 0, 9), "get_nonce"}, {ack, ""}, {push(7, 1, 0), ""}});
  std::vector<segment_view> segs;
  ASSERT_TRUE(decode_datagram(d, 7, segs));
  ASSERT_EQ(segs.size(), 3u);
  EXPECT_EQ(segs[0].h, push(7, 0, 9));
  EXPECT_EQ(as_chars(segs[0].data), "get_nonce");
  EXPECT_EQ(segs[1].h, ack);
  EXPECT_TRUE(segs[2].data.empty());
}

TEST(KcpSegment, TrailingBytesShorterThanAHeaderAreIgnored) {
  bytes d = datagram({{push(7, 0, 2), "hi"}});
  d.insert(d.end(), 23, 0xAA);
  std::vector<segment_view> segs;
  ASSERT_TRUE(decode_datagram(d, 7, segs));
  EXPECT_EQ(segs.size(), 1u);
}

TEST(KcpSegment, HostileDatagramsAreRefusedWhole) {
  std::vector<segment_view> segs;
  // The 9-byte hole-punch datagram is not KCP.
  EXPECT_EQ(decode_datagram(as_bytes("holepunch"), 7, segs).error(), errc::too_short);
  EXPECT_FALSE(looks_like_kcp(as_bytes("holepunch")));
  // len beyond the datagram (also a huge len that would overflow a naive bound check).
  bytes d = datagram({{push(7, 0, 10), "short"}});
  EXPECT_EQ(decode_datagram(d, 7, segs).error(), errc::truncated_segment);
  d = datagram({{push(7, 0, 0xFFFFFFFF), "x"}});
  EXPECT_EQ(decode_datagram(d, 7, segs).error(), errc::truncated_segment);
  // A valid first segment does not let a bad second one through.
  d = datagram({{push(7, 0, 1), "a"}, {push(8, 1, 1), "b"}});
  EXPECT_EQ(decode_datagram(d, 7, segs).error(), errc::wrong_conv);
  EXPECT_TRUE(segs.empty() || segs.size() == 1);  // partial output is never "success"
  // Unknown command.
  d = datagram({{push(7, 0, 0), ""}});
  d[4] = 80;
  EXPECT_EQ(decode_datagram(d, 7, segs).error(), errc::bad_command);
  EXPECT_FALSE(looks_like_kcp(d));
  // Data on an ACK.
  segment_header ack;
  ack.conv = 7;
  ack.cmd = command::ack;
  ack.len = 1;
  d = datagram({{ack, "x"}});
  EXPECT_EQ(decode_datagram(d, 7, segs).error(), errc::bad_segment);
  // Longer than any Go peer sends.
  d = datagram({{push(7, 0, 1600), std::string(1600, 'x')}});
  EXPECT_EQ(decode_datagram(d, 7, segs).error(), errc::too_long);
}

}  // namespace
}  // namespace skywire::transport::kcp
