// gob primitives against the examples in spec/dmsg.md §5.4 and spec/skywire.md A.2.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "skywire/base/byte_reader.hpp"
#include "skywire/wire/gob/primitives.hpp"
#include "vectors.hpp"

namespace skywire::wire::gob {
namespace {

bytes uint_bytes(std::uint64_t v) {
  bytes out;
  put_uint(out, v);
  return out;
}

bytes int_bytes(std::int64_t v) {
  bytes out;
  put_int(out, v);
  return out;
}

TEST(GobPrimitives, UintSpecExamples) {
  EXPECT_EQ(uint_bytes(0), test::unhex("00"));
  EXPECT_EQ(uint_bytes(0x7f), test::unhex("7f"));
  EXPECT_EQ(uint_bytes(0x80), test::unhex("ff80"));
  EXPECT_EQ(uint_bytes(49153), test::unhex("fec001"));
  EXPECT_EQ(uint_bytes(475), test::unhex("fe01db"));
  EXPECT_EQ(uint_bytes(std::numeric_limits<std::uint64_t>::max()), test::unhex("f8ffffffffffffffff"));
}

TEST(GobPrimitives, IntZigZagSpecExamples) {
  EXPECT_EQ(int_bytes(30'000'000'000), test::unhex("fb0df8475800"));  // 30 s in ns
  EXPECT_EQ(int_bytes(65), test::unhex("ff82"));
  EXPECT_EQ(int_bytes(-65), test::unhex("ff81"));
  EXPECT_EQ(int_bytes(2), test::unhex("04"));
  EXPECT_EQ(int_bytes(-1), test::unhex("01"));
}

TEST(GobPrimitives, RoundTripsExtremes) {
  for (std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1}, std::int64_t{0},
                         std::numeric_limits<std::int64_t>::max(), std::int64_t{1700000000123456789}}) {
    bytes b = int_bytes(v);
    base::byte_reader r(b);
    auto got = read_int(r);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, v);
    EXPECT_TRUE(r.empty());
  }
}

TEST(GobPrimitives, NonMinimalUintAcceptedLikeGo) {
  bytes b = test::unhex("ff05");
  base::byte_reader r(b);
  auto got = read_uint(r);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, 5u);
}

TEST(GobPrimitives, UintLengthByteAboveEightRejected) {
  bytes b = test::unhex("f7000000000000000000");  // 9-byte uint
  base::byte_reader r(b);
  EXPECT_EQ(read_uint(r).error(), errc::bad_message);
  bytes c = test::unhex("80");
  base::byte_reader rc(c);
  EXPECT_EQ(read_uint(rc).error(), errc::bad_message);
}

TEST(GobPrimitives, TruncatedUint) {
  bytes b = test::unhex("f8ffff");
  base::byte_reader r(b);
  EXPECT_EQ(read_uint(r).error(), errc::truncated);
  bytes empty;
  base::byte_reader re(empty);
  EXPECT_EQ(read_uint(re).error(), errc::truncated);
}

TEST(GobPrimitives, FloatBitsReversed) {
  bytes out;
  put_float_bits(out, 0x4000000000000000ull);  // 2.0 -> reversed 0x40 -> one byte
  EXPECT_EQ(out, test::unhex("40"));
  EXPECT_EQ(float_bits_from_wire(0x40), 0x4000000000000000ull);
}

}  // namespace
}  // namespace skywire::wire::gob
