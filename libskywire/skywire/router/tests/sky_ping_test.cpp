// parse_go_time (sky_ping.hpp): Go's RFC3339Nano texts, as format_go_time writes them and with
// zone offsets as a Go visor in another zone writes them, and what it refuses.
#include <gtest/gtest.h>

#include "skywire/router/sky_ping.hpp"
#include "skywire/wire/json/go_time.hpp"

namespace skywire::router {
namespace {

TEST(ParseGoTime, ReadsWhatFormatGoTimeWrites) {
  for (std::int64_t ns : {0LL, 1LL, 1700000000123456789LL, 1700000000000000000LL, 951782400500000000LL}) {
    const auto text = wire::json::format_go_time(ns);
    auto back = parse_go_time(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, ns) << text;
  }
}

TEST(ParseGoTime, HonoursZoneOffsetsAndShortFractions) {
  EXPECT_EQ(parse_go_time("2023-11-14T22:13:20Z"), 1700000000LL * 1000000000);
  EXPECT_EQ(parse_go_time("2023-11-15T00:13:20.5+02:00"), 1700000000LL * 1000000000 + 500000000);
  EXPECT_EQ(parse_go_time("2023-11-14T17:13:20.000000001-05:00"), 1700000000LL * 1000000000 + 1);
}

TEST(ParseGoTime, RefusesAnythingElse) {
  for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14 22:13:20Z", "2023-13-14T22:13:20Z",
                          "2023-02-30T22:13:20Z", "2023-11-14T24:13:20Z", "2023-11-14T22:13:20.Z",
                          "2023-11-14T22:13:20.1234567891Z", "2023-11-14T22:13:20Zjunk", "2023-11-14T22:13:20+2:00",
                          "20a3-11-14T22:13:20Z"}) {
    EXPECT_FALSE(parse_go_time(bad).has_value()) << bad;
  }
  EXPECT_FALSE(parse_go_time(std::string(100, '1')).has_value());
}

}  // namespace
}  // namespace skywire::router
