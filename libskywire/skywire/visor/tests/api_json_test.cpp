// The local API's rule JSON (api_json.hpp): what rule_to_json writes, rule_from_json reads back
// unchanged, for every kind; a missing or out-of-range field is refused and named.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "skywire/visor/api_json.hpp"

namespace skywire::visor {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

routing::route_descriptor sample_desc() {
  return {crypto::deterministic_key_pair(as_bytes(std::string_view("src")))->pk,
          crypto::deterministic_key_pair(as_bytes(std::string_view("dst")))->pk, 49153, 44};
}

TEST(ApiJson, RulesOfEveryKindRoundTrip) {
  const auto tp = *wire::transport::uuid::from_text("a283e9bc-e5b4-03f8-a640-a4c189c21e04");
  for (const auto& r : {routing::rule::make_consume(30s, 7, sample_desc()),
                        routing::rule::make_forward(1min, 8, 9, tp, sample_desc()),
                        routing::rule::make_intermediary(5s, 10, 11, tp)}) {
    auto back = rule_from_json(rule_to_json(r));
    ASSERT_TRUE(back.has_value()) << routing::to_string(r.type);
    EXPECT_EQ(back->encode(), r.encode()) << routing::to_string(r.type);
  }
}

TEST(ApiJson, BadRuleFieldsAreNamed) {
  const auto good = rule_to_json(routing::rule::make_consume(30s, 0, sample_desc()));
  ASSERT_TRUE(rule_from_json(good).has_value()) << "key 0 is allowed: the router picks one";
  const std::pair<const char*, const char*> cases[] = {
      {R"({"rule_type":3,"keep_alive":1})", "rule_type"},
      {R"({"rule_type":0,"keep_alive":0})", "keep_alive"},
      {R"({"rule_type":0,"keep_alive":1,"key_route_id":-1})", "key_route_id"},
      {R"({"rule_type":0,"keep_alive":1})", "app_fields"},
      {R"({"rule_type":0,"keep_alive":1,"app_fields":{}})", "route_descriptor"},
      {R"({"rule_type":2,"keep_alive":1,"intermediary_forward_fields":{"next_rid":0,"next_tid":"x"}})", "next_rid"},
      {R"({"rule_type":2,"keep_alive":1,"intermediary_forward_fields":{"next_rid":1,"next_tid":"x"}})", "next_tid"},
  };
  for (const auto& [text, field] : cases) {
    std::string bad;
    EXPECT_FALSE(rule_from_json(json::parse(text), &bad).has_value()) << text;
    EXPECT_EQ(bad, field) << text;
  }
  auto o = good.as_object();
  o["app_fields"].as_object()["route_descriptor"].as_object()["src_port"] = 70000;
  std::string bad;
  EXPECT_FALSE(rule_from_json(o, &bad).has_value());
  EXPECT_EQ(bad, "src_port");
}

}  // namespace
}  // namespace skywire::visor
