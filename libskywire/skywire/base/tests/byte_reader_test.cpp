#include "skywire/base/byte_reader.hpp"
#include "skywire/base/byte_writer.hpp"

#include <gtest/gtest.h>

namespace skywire::base {
namespace {

TEST(byte_reader, reads_big_endian_and_stops_at_the_end) {
  byte_writer w;
  w.u8(0x01);
  w.u16be(0x0203);
  w.u32be(0x04050607);
  w.u64be(0x08090a0b0c0d0e0fULL);
  const bytes b = std::move(w).take();
  ASSERT_EQ(b.size(), 15u);

  byte_reader r(b);
  EXPECT_EQ(r.u8().value(), 0x01);
  EXPECT_EQ(r.u16be().value(), 0x0203);
  EXPECT_EQ(r.u32be().value(), 0x04050607u);
  EXPECT_EQ(r.u64be().value(), 0x08090a0b0c0d0e0fULL);
  EXPECT_TRUE(r.expect_end());
  EXPECT_EQ(r.u8().error(), errc::truncated);
}

TEST(byte_reader, truncated_reads_do_not_move_the_cursor) {
  const bytes b{0xaa, 0xbb, 0xcc};
  byte_reader r(b);
  EXPECT_EQ(r.u32be().error(), errc::truncated);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.take(4).error(), errc::truncated);
  auto two = r.take(2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->size(), 2u);
  EXPECT_EQ(r.expect_end().error(), errc::trailing_bytes);
  EXPECT_EQ((r.array<2>().error()), errc::truncated);
}

}  // namespace
}  // namespace skywire::base
