// The setup node's config file (setup-node/config.hpp): a Go-shaped file parses (unknown fields
// listed, not fatal), to_json round-trips, and each broken field gets a message naming it.
#include <gtest/gtest.h>

#include <string>

#include "setup-node/config.hpp"

namespace skywire::svc::setup_node {
namespace {

// Appendix B's key pair "a".
const std::string pk1 = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
const std::string sk1 = "b4f56cab07ea360c16c22ac241738e923b232138b69089fe0134f81a432ffaff";

std::string file(const std::string& dmsg = R"({"discovery":"http://dmsgd.skywire.skycoin.com","sessions_count":2,"servers":[],"servers_type":"all"})",
                 const std::string& extra = "") {
  return R"({"public_key":")" + pk1 + R"(","secret_key":")" + sk1 + R"(","dmsg":)" + dmsg +
         R"(,"transport_discovery":"http://tpd.skywire.skycoin.com","log_level":"debug")" + extra + "}";
}

std::string error_of(const std::string& text) {
  auto c = parse_config(text);
  EXPECT_FALSE(c);
  return c ? std::string() : c.error().message;
}

TEST(SetupNodeConfig, GoFileParses) {
  auto c = parse_config(file("{\"discovery\":\"http://127.0.0.1:9090\",\"sessions_count\":2,\"servers\":null,\"mystery\":1}",
                             ",\"metrics\":\":2121\""));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->keys.pk.to_hex(), pk1);
  EXPECT_EQ(c->dmsg_discovery, "http://127.0.0.1:9090");
  EXPECT_EQ(c->sessions_count, 2u);
  EXPECT_EQ(c->transport_discovery, "http://tpd.skywire.skycoin.com");
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->unknown_fields, (std::vector<std::string>{"metrics", "dmsg.mystery"}));
}

TEST(SetupNodeConfig, PublicKeyIsOptionalAndLogLevelDefaults) {
  auto c = parse_config(R"({"secret_key":")" + sk1 + R"(","dmsg":{"discovery":"https://d.example"}})");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->keys.pk.to_hex(), pk1);
  EXPECT_EQ(c->sessions_count, 1u);
  EXPECT_EQ(c->log_level, "info");
}

TEST(SetupNodeConfig, ToJsonRoundTrips) {
  auto c = parse_config(file());
  ASSERT_TRUE(c);
  auto again = parse_config(to_json(*c));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->keys.pk, c->keys.pk);
  EXPECT_EQ(again->dmsg_discovery, c->dmsg_discovery);
  EXPECT_EQ(again->sessions_count, c->sessions_count);
  EXPECT_EQ(again->servers_type, "all");
  EXPECT_EQ(again->transport_discovery, c->transport_discovery);
  EXPECT_EQ(again->log_level, "debug");
  EXPECT_NE(to_json(*c).find("\"secret_key\": \"" + sk1 + "\""), std::string::npos);
}

TEST(SetupNodeConfig, ErrorsNameTheField) {
  EXPECT_EQ(error_of("[1]"), "not a JSON object");
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of(std::string(max_config_size + 1, ' ')), "larger than 64 KiB: not a setup-node config");
  EXPECT_NE(error_of(R"({"dmsg":{"discovery":"http://x"}})").find("\"secret_key\" is missing"), std::string::npos);
  EXPECT_NE(error_of(R"({"secret_key":"00","dmsg":{"discovery":"http://x"}})").find("\"secret_key\" is not"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"secret_key":7})").find("\"secret_key\" must be a string"), std::string::npos);
  const std::string other_pk = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";
  EXPECT_EQ(error_of(R"({"public_key":")" + other_pk + R"(","secret_key":")" + sk1 + R"(","dmsg":{"discovery":"http://x"}})"),
            "\"public_key\" does not belong to \"secret_key\"");
  EXPECT_NE(error_of(R"({"secret_key":")" + sk1 + R"("})").find("\"dmsg\" is missing"), std::string::npos);
  EXPECT_NE(error_of(file(R"({"discovery":"dmsgd.skywire.skycoin.com"})")).find("\"dmsg.discovery\" must be an http"),
            std::string::npos);
  EXPECT_NE(error_of(file(R"({"discovery":"http://x","sessions_count":-1})")).find("between 0 and 64"),
            std::string::npos);
  EXPECT_NE(error_of(file(R"({"discovery":"http://x","sessions_count":1e3})")).find("must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of(file(R"({"discovery":"http://x","sessions_count":18446744073709551615})")).find("between"),
            std::string::npos);
  EXPECT_NE(error_of(file(R"({"discovery":"http://x","servers":{}})")).find("\"dmsg.servers\" must be an array"),
            std::string::npos);
  EXPECT_NE(error_of(file(R"({"discovery":"http://x"})", R"(,"log_level":3)")).find("\"log_level\""),
            std::string::npos);
  std::string deep(40, '[');
  EXPECT_NE(error_of(R"({"x":)" + deep).find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace skywire::svc::setup_node
