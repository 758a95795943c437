#include "skywire/base/hex.hpp"

#include <gtest/gtest.h>

namespace skywire::base {
namespace {

TEST(hex, round_trips_lowercase_and_accepts_uppercase) {
  const bytes b{0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(to_hex(b), "007f80ff");
  EXPECT_EQ(from_hex("007F80FF").value(), b);
}

TEST(hex, rejects_odd_length_and_non_hex_digits) {
  EXPECT_EQ(from_hex("abc").error(), errc::bad_hex);
  EXPECT_EQ(from_hex("zz").error(), errc::bad_hex);
  EXPECT_EQ(from_hex("0g").error(), errc::bad_hex);
  EXPECT_EQ((from_hex_fixed<2>("0011aa").error()), errc::bad_hex);
  EXPECT_EQ((from_hex_fixed<2>("0011").value()), (byte_array<2>{0x00, 0x11}));
}

}  // namespace
}  // namespace skywire::base
