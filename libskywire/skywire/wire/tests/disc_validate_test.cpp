// §7.4 validation, iteration and the POST decision with an injected clock.
#include <gtest/gtest.h>

#include <chrono>

#include "skywire/crypto/keys.hpp"
#include "skywire/wire/disc/validate.hpp"
#include "skywire/wire/errc.hpp"
#include "vectors.hpp"

namespace skywire::wire::disc {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t t0 = 1700000000000000000;

base::manual_clock clock_at(std::int64_t unix_ns) {
  return base::manual_clock{base::clock::wall_time{
      std::chrono::duration_cast<base::clock::wall_time::duration>(std::chrono::nanoseconds{unix_ns})}};
}

crypto::secret_key sk_s() {
  return crypto::secret_key::from_text(test::str(test::dmsg_vectors(), "keys.server_S.sk")).value();
}

entry signed_server(std::int64_t ts, std::uint64_t seq = 0, std::string addr = "203.0.113.1:8081") {
  auto e = make_server_entry(sk_s().public_key(), seq, ts, std::move(addr), 10);
  sign(e, sk_s());
  return e;
}

TEST(DiscValidate, GoOrderOfChecks) {
  const auto clk = clock_at(t0);
  entry e;
  EXPECT_EQ(validate(e, clk).error(), errc::disc_no_version);
  e.version = "0.0.1";
  EXPECT_EQ(validate(e, clk).error(), errc::disc_no_signature);
  e.signature = "x";
  EXPECT_EQ(validate(e, clk).error(), errc::disc_nil_keys);
  e.static_pk = sk_s().public_key();
  EXPECT_EQ(validate(e, clk).error(), errc::disc_no_client_or_server);
  e.server = server_info{};
  EXPECT_EQ(validate(e, clk).error(), errc::disc_empty_server_address);
  e.server->address = "1.2.3.4:5";
  e.timestamp = t0;
  EXPECT_TRUE(validate(e, clk));
}

TEST(DiscValidate, ServerTimestampWindowInclusive) {
  const auto clk = clock_at(t0);
  EXPECT_TRUE(validate(signed_server(t0 - 60'000'000'000), clk));
  EXPECT_EQ(validate(signed_server(t0 - 60'000'000'001), clk).error(), errc::disc_outdated_timestamp);
  EXPECT_TRUE(validate(signed_server(t0 + 5'000'000'000), clk));
  EXPECT_EQ(validate(signed_server(t0 + 5'000'000'001), clk).error(), errc::disc_outdated_timestamp);
  // Any client part switches the timestamp check off (Go handler), even with a server part.
  auto both = signed_server(0);
  both.client = client_info{};
  EXPECT_TRUE(validate(both, clk));
}

TEST(DiscValidate, Iteration) {
  const auto a = signed_server(t0, 5);
  EXPECT_EQ(validate_iteration(a, signed_server(t0, 5)).error(), errc::disc_wrong_sequence);
  EXPECT_EQ(validate_iteration(a, signed_server(t0, 4)).error(), errc::disc_wrong_sequence);
  EXPECT_TRUE(validate_iteration(a, signed_server(t0, 9)));  // any jump
  EXPECT_TRUE(validate_iteration(a, signed_server(t0, 6)));  // same timestamp is fine
  EXPECT_EQ(validate_iteration(a, signed_server(t0 - 1, 6)).error(), errc::disc_wrong_time);
}

TEST(DiscValidate, Loopback) {
  for (auto a : {"127.0.0.1:80", "127.9.9.9:1", ":8081", "[::1]:80", "[::ffff:127.0.0.1]:80"})
    EXPECT_TRUE(is_loopback_address(a)) << a;
  for (auto a : {"localhost:80", "10.0.0.1:80", "1.2.3.4", "::1", "[::2]:80", "127.0.0.1", "a:b:c", ""})
    EXPECT_FALSE(is_loopback_address(a)) << a;
}

TEST(DiscValidate, CheckPostAndHttpErrors) {
  const auto clk = clock_at(t0);
  const auto good = signed_server(t0, 1);
  auto r = check_post(to_json(good), clk, nullptr);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, good);

  auto bad = good;
  bad.server->available_sessions = 11;
  r = check_post(to_json(bad), clk, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(to_http_error(r.error()).status, 401);
  EXPECT_EQ(to_http_error(r.error()).message, "invalid signature");

  r = check_post(to_json(good), clk, &good);
  ASSERT_FALSE(r);
  EXPECT_EQ(to_http_error(r.error()).status, 422);
  EXPECT_EQ(to_http_error(r.error()).message,
            "entry validation error: sequence field of new entry is not sequence of old entry + 1");

  const auto local = signed_server(t0, 1, "127.0.0.1:8081");
  EXPECT_EQ(check_post(to_json(local), clk, nullptr).error(), errc::disc_loopback_address);
  EXPECT_TRUE(check_post(to_json(local), clk, nullptr, {.test_mode = true}));

  r = check_post("{nope", clk, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(to_http_error(r.error()).status, 500);
  EXPECT_EQ(to_http_error(r.error()).message, "something unexpected happened");
}

}  // namespace
}  // namespace skywire::wire::disc
