// Header codec against the Go vectors (tests/vectors/dmsg-vectors.json, yamux_headers).
#include <gtest/gtest.h>

#include "skywire/base/errc.hpp"
#include "skywire/dmsg/yamux/errc.hpp"
#include "skywire/dmsg/yamux/header.hpp"
#include "vectors.hpp"

namespace skywire::dmsg::yamux {
namespace {

header make(frame_type t, std::uint16_t f, std::uint32_t id, std::uint32_t len) {
  header h;
  h.type = t;
  h.flags = f;
  h.stream_id = id;
  h.length = len;
  return h;
}

void check(const char* name, const header& h) {
  SCOPED_TRACE(name);
  const bytes want = test::hex(test::dmsg_vectors(), std::string("yamux_headers.") + name);
  const auto got = encode_header(h);
  EXPECT_EQ(bytes(got.begin(), got.end()), want);
  auto back = decode_header(want);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, h);
}

TEST(YamuxHeader, GoVectors) {
  check("accept_stream_1_window_update_ACK", make(frame_type::window_update, flag::ack, 1, 0));
  check("close_stream_1_window_update_FIN", make(frame_type::window_update, flag::fin, 1, 0));
  check("data_stream_1_len_100", make(frame_type::data, 0, 1, 100));
  check("go_away_normal", make(frame_type::go_away, 0, 0, 0));
  check("open_stream_1_window_update_SYN_delta0", make(frame_type::window_update, flag::syn, 1, 0));
  check("ping_ACK_id_7", make(frame_type::ping, flag::ack, 0, 7));
  check("ping_SYN_id_7", make(frame_type::ping, flag::syn, 0, 7));
  check("reset_stream_1_window_update_RST", make(frame_type::window_update, flag::rst, 1, 0));
  check("window_update_stream_1_delta_65536", make(frame_type::window_update, 0, 1, 65536));
}

TEST(YamuxHeader, RejectsBadInput) {
  EXPECT_EQ(decode_header(test::unhex("0100000000000000000000")).error(), base::errc::truncated);
  EXPECT_EQ(decode_header(test::unhex("010000000000000000000000")).error(), errc::bad_version);
  EXPECT_EQ(decode_header(test::unhex("000400000000000000000000")).error(), errc::bad_type);
  EXPECT_EQ(decode_header(test::unhex("00ff00000000000000000000")).error(), errc::bad_type);
  EXPECT_TRUE(decode_header(test::unhex("0003ffff00000000ffffffff")).has_value());
}

}  // namespace
}  // namespace skywire::dmsg::yamux
