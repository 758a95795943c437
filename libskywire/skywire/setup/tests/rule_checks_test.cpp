// What a visor accepts from a setup node (setup/rule_checks.hpp): the rules routing's
// generate_rules makes for the §3.4 worked example pass at the visor they are for, and every
// kind of wrong rule is refused with its own code.
#include <gtest/gtest.h>

#include <map>

#include "skywire/routing/route.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/rule_checks.hpp"
#include "test_keys.hpp"

namespace skywire::setup {
namespace {

using namespace std::chrono_literals;
using namespace test;

routing::generated_rules generated() {
  std::map<crypto::public_key, std::vector<routing::route_id>> ids{
      {pk1(), {1, 2}}, {pk2(), {1, 2}}, {pk3(), {1, 2}}};
  return routing::generate_rules(b5_route(), ids).value();
}

TEST(RuleChecks, GeneratedRulesPassWhereTheyBelong) {
  auto g = generated();
  EXPECT_TRUE(check_edge_rules(g.initiator, pk1()));
  EXPECT_TRUE(check_edge_rules(g.responder, pk2()));
  EXPECT_EQ(check_edge_rules(g.initiator, pk2()).error(), errc::edge_not_for_us);
  EXPECT_EQ(check_edge_rules(g.responder, pk3()).error(), errc::edge_not_for_us);
  ASSERT_EQ(g.intermediaries.size(), 1u);
  EXPECT_TRUE(check_intermediary_rules(g.intermediaries.at(pk3())));
  EXPECT_TRUE(check_intermediary_rules({}));
}

TEST(RuleChecks, EdgeRulesRefusals) {
  const auto g = generated();
  auto swapped = g.responder;
  std::swap(swapped.forward, swapped.reverse);
  EXPECT_EQ(check_edge_rules(swapped, pk2()).error(), errc::bad_edge_rules);

  auto inter = g.responder;
  inter.forward = routing::rule::make_intermediary(30s, 9, 1, uuid1());
  EXPECT_EQ(check_edge_rules(inter, pk2()).error(), errc::bad_edge_rules);

  auto same_key = g.responder;
  same_key.forward.key_route_id = same_key.reverse.key_route_id;
  EXPECT_EQ(check_edge_rules(same_key, pk2()).error(), errc::id_already_used);

  // A consume rule for another descriptor than the one the group is keyed by.
  auto other = g.responder;
  other.reverse.descriptor.dst_port = 45;
  EXPECT_EQ(check_edge_rules(other, pk2()).error(), errc::edge_descriptor_mismatch);
  // A forward rule that does not go back the way the route came.
  auto fwd = g.responder;
  fwd.forward.descriptor = fwd.desc;
  EXPECT_EQ(check_edge_rules(fwd, pk2()).error(), errc::edge_descriptor_mismatch);
}

TEST(RuleChecks, IntermediaryRefusals) {
  const auto g = generated();
  EXPECT_EQ(check_intermediary_rules({g.responder.forward}).error(), errc::not_intermediary_rule);
  EXPECT_EQ(check_intermediary_rules({g.responder.reverse}).error(), errc::not_intermediary_rule);
  auto twice = g.intermediaries.at(pk3());
  twice.push_back(twice.front());
  EXPECT_EQ(check_intermediary_rules(twice).error(), errc::id_already_used);
}

}  // namespace
}  // namespace skywire::setup
