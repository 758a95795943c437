#include "skywire/wire/json/go_duration.hpp"
#include "skywire/wire/json/go_time.hpp"

#include <gtest/gtest.h>

namespace skywire::wire::json {
namespace {

using std::chrono::nanoseconds;

TEST(GoDuration, FormatsLikeDurationString) {
  // Values and spellings from Go's time package tests.
  const struct {
    std::int64_t ns;
    const char* text;
  } cases[] = {
      {0, "0s"},
      {1, "1ns"},
      {1100, "1.1\xc2\xb5s"},
      {2200000, "2.2ms"},
      {3300000000, "3.3s"},
      {4 * 60000000000ll + 5000000000ll, "4m5s"},
      {4 * 60000000000ll + 5001000000ll, "4m5.001s"},
      {5 * 3600000000000ll + 6 * 60000000000ll + 7001000000ll, "5h6m7.001s"},
      {8 * 60000000000ll + 1, "8m0.000000001s"},
      {168 * 3600000000000ll, "168h0m0s"},
      {10000000000ll, "10s"},
      {-1, "-1ns"},
      {std::numeric_limits<std::int64_t>::max(), "2562047h47m16.854775807s"},
      {std::numeric_limits<std::int64_t>::min(), "-2562047h47m16.854775808s"},
  };
  for (const auto& c : cases) EXPECT_EQ(format_go_duration(nanoseconds{c.ns}), c.text) << c.ns;
}

TEST(GoDuration, ParsesWhatGoParses) {
  const struct {
    const char* text;
    std::int64_t ns;
  } cases[] = {
      {"0", 0},           {"5s", 5000000000ll}, {"30s", 30000000000ll}, {"1478s", 1478000000000ll},
      {"-5s", -5000000000ll}, {"+5s", 5000000000ll}, {"5.6s", 5600000000ll}, {"5.s", 5000000000ll},
      {".5s", 500000000}, {"1.004s", 1004000000}, {"100.00100s", 100001000000ll}, {"10ns", 10},
      {"11us", 11000}, {"12\xc2\xb5s", 12000}, {"13ms", 13000000}, {"14s", 14000000000ll},
      {"15m", 900000000000ll}, {"16h", 57600000000000ll}, {"3h30m", 12600000000000ll},
      {"10.5s4m", 250500000000ll}, {"168h0m0s", 168 * 3600000000000ll}, {"1h1m1s", 3661000000000ll},
      {"9223372036854775807ns", std::numeric_limits<std::int64_t>::max()},
  };
  for (const auto& c : cases) {
    auto d = parse_go_duration(c.text);
    ASSERT_TRUE(d.has_value()) << c.text;
    EXPECT_EQ(d->count(), c.ns) << c.text;
  }
}

TEST(GoDuration, RefusesWhatGoRefuses) {
  for (const char* bad : {"", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "3000000h", "9223372036854775808ns",
                          "9223372036854775.808us", "1.5x", "10 s", "1s "}) {
    EXPECT_FALSE(parse_go_duration(bad).has_value()) << bad;
  }
}

TEST(GoDuration, RoundTrips) {
  for (const char* text : {"10s", "168h0m0s", "1m30s", "500ms", "1.5\xc2\xb5s", "2h0m0.5s"}) {
    auto d = parse_go_duration(text);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(format_go_duration(*d), text);
  }
}

TEST(GoTime, Rfc3339NanoLikeGo) {
  EXPECT_EQ(format_go_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_go_time(1700000000123456789), "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(format_go_time(1700000000120000000), "2023-11-14T22:13:20.12Z");
  EXPECT_EQ(format_go_time(-1), "1969-12-31T23:59:59.999999999Z");
}

}  // namespace
}  // namespace skywire::wire::json
