// Hostile and Go-tolerant inputs for parse_entry.
#include <gtest/gtest.h>

#include <string>

#include "skywire/base/errc.hpp"
#include "skywire/crypto/errc.hpp"
#include "skywire/wire/disc/entry.hpp"
#include "skywire/wire/disc/parse.hpp"
#include "skywire/wire/errc.hpp"
#include "vectors.hpp"

namespace skywire::wire::disc {
namespace {

std::string body(int i) { return test::str(test::dmsg_vectors(), "discovery_entries." + std::to_string(i) + ".http_body"); }

std::string replace(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

constexpr std::string_view pk_s = "0295aa3973c8afa3d52df3a2bdf880143906702b8c319515d7697be9e04e810f53";

TEST(DiscEntryParse, OversizedBodyRejectedBeforeParsing) {
  std::string huge = "{\"version\":\"" + std::string(10 * 1024 * 1024, 'a') + "\"}";
  auto e = parse_entry(huge);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::too_long);
}

TEST(DiscEntryParse, DeepNestingRejected) {
  std::string deep = "{\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}";
  auto e = parse_entry(deep);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::too_deep);
}

TEST(DiscEntryParse, SyntaxErrorsAndNonObjects) {
  for (std::string_view bad : {"", "{", "[]", "null", "\"x\"", "{\"version\":}", "{} {}", "{}x",
                               "{\"version\":\"\xff\"}"}) {
    auto e = parse_entry(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error(), errc::bad_json) << bad;
  }
}

TEST(DiscEntryParse, WrongTypes) {
  for (std::string_view bad : {
           R"({"version":1})", R"({"sequence":"1"})", R"({"sequence":-1})", R"({"sequence":1.0})",
           R"({"sequence":1e3})", R"({"sequence":18446744073709551616})",
           R"({"timestamp":9223372036854775808})", R"({"timestamp":true})", R"({"static":5})",
           R"({"client":[]})", R"({"client":{"delegated_servers":{}}})",
           R"({"client":{"delegated_servers":[1]}})", R"({"server":"x"})",
           R"({"server":{"availableSessions":"1"}})", R"({"server":{"address":[]}})",
           R"({"signature":{}})", R"({"client_type":false})"}) {
    auto e = parse_entry(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error(), errc::type_mismatch) << bad;
  }
}

TEST(DiscEntryParse, BadPublicKeys) {
  // Not hex, wrong length, not on the curve (x = 0 has no point), uncompressed prefix.
  for (const std::string& pk : {std::string("zz"), std::string(pk_s.substr(2)),
                               "02" + std::string(64, '0'), "04" + std::string(pk_s.substr(2))}) {
    auto e = parse_entry(R"({"static":")" + pk + "\"}");
    EXPECT_FALSE(e) << pk;
    auto d = parse_entry(R"({"client":{"delegated_servers":[")" + pk + "\"]}}");
    EXPECT_FALSE(d) << pk;
  }
}

TEST(DiscEntryParse, GoNullKeyQuirkAndNulls) {
  auto e = parse_entry(R"({"version":null,"sequence":null,"static":"000","client":{"delegated_servers":["",null]},"server":null})");
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_TRUE(e->version.empty());
  EXPECT_TRUE(e->static_pk.is_null());
  ASSERT_TRUE(e->client && e->client->delegated_servers);
  ASSERT_EQ(e->client->delegated_servers->size(), 2u);
  EXPECT_TRUE((*e->client->delegated_servers)[0].is_null());
  EXPECT_FALSE(e->server);
  // Go writes a null key back as 66 zeros.
  EXPECT_NE(signing_payload(*e).find("\"static\":\"" + std::string(66, '0') + "\""), std::string::npos);
}

TEST(DiscEntryParse, WrongLengthSignatureParsesButNeverVerifies) {
  const std::string b = body(0);
  const auto sig_at = b.find("\"signature\":\"") + 13;
  for (const std::string& s : {b.substr(sig_at, 128), b.substr(sig_at, 130) + "00", std::string("xyz"),
                               std::string()}) {
    std::string t = b.substr(0, sig_at) + s + "\"}";
    auto e = parse_entry(t);
    ASSERT_TRUE(e) << e.error().message();
    EXPECT_FALSE(verify_signature(*e)) << s;
  }
}

TEST(DiscEntryParse, GoTolerance_CaseUnknownKeysUppercaseHexWhitespace) {
  // Different spelling, same values: verifies, because verification re-serialises.
  std::string b = body(1);
  b = replace(b, "\"version\"", "\"VERSION\"");
  b = replace(b, "\"availableSessions\"", "\"availablesessions\"");
  b = replace(b, std::string(pk_s), "0295AA3973C8AFA3D52DF3A2BDF880143906702B8C319515D7697BE9E04E810F53");
  b = replace(b, "{\"VERSION", "{ \"extra\": {\"nested\": [1, 2, {\"a\": null}]},\n \"VERSION");
  auto e = parse_entry(b);
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_TRUE(verify_signature(*e));
  EXPECT_EQ(to_json(*e), body(1));
}

TEST(DiscEntryParse, LaterDuplicateKeyWins) {
  auto e = parse_entry(R"({"sequence":1,"Sequence":7})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->sequence, 7u);
}

TEST(DiscEntryParse, NegativeSessionsAndExtremes) {
  auto e = parse_entry(R"({"timestamp":-9223372036854775808,"sequence":18446744073709551615,"server":{"address":"a:1","availableSessions":-5}})");
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(e->server->available_sessions, -5);
  EXPECT_EQ(e->sequence, 18446744073709551615u);
  EXPECT_NE(signing_payload(*e).find(R"("availableSessions":-5)"), std::string::npos);
}

}  // namespace
}  // namespace skywire::wire::disc
