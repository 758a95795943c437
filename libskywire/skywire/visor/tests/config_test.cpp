#include "skywire/visor/config.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "skywire/crypto/keys.hpp"

namespace skywire::visor {
namespace {

namespace json = boost::json;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

config sample() {
  config c = make_base_config(prod_services(), "v1.3.20");
  const auto k = keys("visor");
  c.sk = k.sk;
  c.pk = k.pk;
  return c;
}

TEST(VisorConfig, BaseConfigHasGoDefaults) {
  const config c = sample();
  EXPECT_EQ(c.dmsg.discovery, "http://dmsgd.skywire.skycoin.com");
  EXPECT_EQ(c.transport.discovery, "http://tpd.skywire.skycoin.com");
  EXPECT_EQ(c.routing.route_setup_nodes.size(), 3u);
  EXPECT_EQ(c.transport.transport_setup.size(), 10u);
  ASSERT_EQ(c.launcher.apps.size(), 5u);
  EXPECT_EQ(c.launcher.apps[1].name, "skychat");
  EXPECT_EQ(c.launcher.apps[1].port, 1);
  EXPECT_EQ(c.cli_addr, "localhost:3435");
  EXPECT_TRUE(c.transport.public_autoconnect);
}

TEST(VisorConfig, WritesGoFieldOrderWithTabs) {
  const std::string text = to_json(sample());
  // Tab-indented, "key": value, Go's struct order at the top level.
  EXPECT_EQ(text.rfind("{\n\t\"version\": \"v1.3.20\",\n\t\"sk\": \"", 0), 0u) << text.substr(0, 80);
  const char* order[] = {"\"version\"", "\"sk\"", "\"pk\"", "\"dmsg\"", "\"dmsgpty\"", "\"skywire-tcp\"",
                         "\"transport\"", "\"routing\"", "\"uptime_tracker\"", "\"launcher\"", "\"survey_whitelist\"",
                         "\"hypervisors\"", "\"cli_addr\"", "\"log_level\"", "\"local_path\"",
                         "\"dmsghttp_server_path\"", "\"stun_servers\"", "\"shutdown_timeout\"", "\"is_public\"",
                         "\"persistent_transports\""};
  std::size_t at = 0;
  for (const char* key : order) {
    const auto found = text.find(std::string("\n\t") + key, at);
    ASSERT_NE(found, std::string::npos) << key << " missing or out of order";
    at = found;
  }
  EXPECT_NE(text.find("\"rotation_interval\": \"168h0m0s\""), std::string::npos);
  EXPECT_NE(text.find("\"shutdown_timeout\": \"10s\""), std::string::npos);
  EXPECT_NE(text.find("\"persistent_transports\": null"), std::string::npos);
  EXPECT_NE(text.find("\"hypervisors\": []"), std::string::npos);
  EXPECT_EQ(text.find("\"hypervisor\":"), std::string::npos) << "omitempty";
  EXPECT_TRUE(json::parse(text).is_object());
}

TEST(VisorConfig, RoundTrips) {
  config c = sample();
  c.hypervisors = {keys("hv").pk};
  c.persistent_transports = {{keys("peer").pk, "stcpr"}};
  c.is_public = true;
  c.transport.stcpr_port = 7778;
  c.stcp->pk_table[keys("peer").pk.to_hex()] = "127.0.0.1:7777";
  c.hypervisor = hypervisor_config{};
  const std::string text = to_json(c);
  auto back = parse_config(text, prod_services(), "v1.3.20");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_TRUE(back->unknown_fields.empty());
  EXPECT_EQ(to_json(back->cfg), text);
}

// A Go visor's config: fields it leaves out keep the base defaults; unknown fields are listed.
TEST(VisorConfig, ReadsOverDefaultsAndListsUnknownFields) {
  const auto k = keys("go-visor");
  const std::string text = R"({"version":"v1.3.19","sk":")" + k.sk.reveal_hex() + R"(",
    "dmsg":{"discovery":"http://127.0.0.1:9090","sessions_count":2,"servers":[],"servers_type":"all"},
    "transport":{"discovery":"http://127.0.0.1:9091","stcpr_prot":1},
    "routing":{"route_finder_timeout":"1m30s"},
    "persistent_transports":[{"pk":")" + keys("peer").pk.to_hex() + R"(","type":"sudph"}],
    "future_field":{"x":1}})";
  auto r = parse_config(text, prod_services(), "v1.3.20");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const config& c = r->cfg;
  EXPECT_EQ(c.pk, k.pk) << "pk derived from sk";
  EXPECT_EQ(c.version, "v1.3.19");
  EXPECT_EQ(c.dmsg.sessions_count, 2u);
  EXPECT_EQ(c.transport.discovery, "http://127.0.0.1:9091");
  EXPECT_EQ(c.transport.address_resolver, "http://ar.skywire.skycoin.com") << "default kept";
  EXPECT_EQ(c.routing.route_finder_timeout, std::chrono::seconds(90));
  ASSERT_EQ(c.persistent_transports.size(), 1u);
  EXPECT_EQ(c.persistent_transports[0].type, "sudph");
  EXPECT_EQ(c.launcher.apps.size(), 5u);
  EXPECT_EQ(r->unknown_fields, (std::vector<std::string>{"transport.stcpr_prot", "future_field"}));
}

TEST(VisorConfig, ErrorsNameTheField) {
  const auto k = keys("v");
  const std::string sk = k.sk.reveal_hex();
  const struct {
    std::string json;
    std::string expect;  // the start of the message
  } cases[] = {
      {"[]", "config: must be a JSON object"},
      {"{", "config: not valid JSON"},
      {R"({"version":"v1.3.20"})", "sk: missing"},
      {R"({"version":"v1.3.20","sk":"zz"})", "sk: not a secret key"},
      {R"({"version":"v2.0.0","sk":")" + sk + "\"}", "version: config v2.0.0 does not share"},
      {R"({"version":"latest","sk":")" + sk + "\"}", "version: 'latest' is not a version"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","pk":")" + keys("other").pk.to_hex() + "\"}", "pk: does not belong to sk"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","transport":{"stcpr_port":70000}})", "transport.stcpr_port: out of range"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","transport":{"stcpr_port":"7777"}})", "transport.stcpr_port: must be an integer"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","hypervisors":["02zz"]})", "hypervisors[0]: '02zz' is not a public key"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","shutdown_timeout":"10 s"})", "shutdown_timeout: '10 s' is not a duration"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","persistent_transports":[{"pk":")" + k.pk.to_hex() + R"(","type":"tcp"}]})",
       "persistent_transports[0].type: 'tcp' is not a transport type"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","launcher":{"apps":[{"binary":"x"}]}})", "launcher.apps[0].name: an app needs a name"},
      {R"({"version":"v1.3.20","sk":")" + sk + R"(","dmsg":{"sessions_count":0}})", "dmsg.sessions_count: must be at least 1"},
  };
  for (const auto& c : cases) {
    auto r = parse_config(c.json, prod_services(), "v1.3.20");
    ASSERT_FALSE(r.has_value()) << c.json;
    EXPECT_EQ(r.error().message.rfind(c.expect, 0), 0u) << r.error().message;
  }
  // Bounded: deep nesting and huge files are refused, not recursed into.
  EXPECT_FALSE(parse_config(std::string(100, '[') + std::string(100, ']'), prod_services(), "v1.3.20").has_value());
  EXPECT_FALSE(parse_config(std::string(2 << 20, ' '), prod_services(), "v1.3.20").has_value());
}

}  // namespace
}  // namespace skywire::visor
