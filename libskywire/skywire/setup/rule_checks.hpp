#pragma once
// What a visor accepts from a setup node, as pure checks (spec/skywire.md §3.4, §4.2): the visor
// gateway applies them to AddIntermediaryRules / AddEdgeRules, and the setup client to the
// EdgeRules a setup node returns. Go's visor checks none of this; every rule a correct Go setup
// node generates passes.
//
//   check_edge_rules(e, self)     e.forward is a forward rule, e.reverse a consume rule,
//                                 e.reverse.descriptor == e.desc, e.desc.dst_pk == self,
//                                 e.forward.descriptor == e.desc.inverted(), two distinct keys
//   check_intermediary_rules(rs)  every rule is an intermediary rule, keys distinct
//
// Errors: errc::bad_edge_rules, errc::edge_not_for_us, errc::edge_descriptor_mismatch,
// errc::not_intermediary_rule, errc::id_already_used (a key twice in one call). Route id 0 is
// left to the id bookkeeping of the caller (it is never reserved).
#include <vector>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/routing/rule.hpp"

namespace skywire::setup {

result<void> check_edge_rules(const routing::edge_rules& e, const crypto::public_key& self);
result<void> check_intermediary_rules(const std::vector<routing::rule>& rules);

}  // namespace skywire::setup
