#include "skywire/setup/rule_checks.hpp"

#include <set>

#include "skywire/setup/errc.hpp"

namespace skywire::setup {

result<void> check_edge_rules(const routing::edge_rules& e, const crypto::public_key& self) {
  if (e.forward.type != routing::rule_type::forward || e.reverse.type != routing::rule_type::consume) {
    return errc::bad_edge_rules;
  }
  if (e.forward.key_route_id == e.reverse.key_route_id) return errc::id_already_used;
  // Route groups are keyed by the consume rule's descriptor, whose destination is this visor.
  if (e.desc.dst_pk != self) return errc::edge_not_for_us;
  if (e.reverse.descriptor != e.desc || e.forward.descriptor != e.desc.inverted()) {
    return errc::edge_descriptor_mismatch;
  }
  return {};
}

result<void> check_intermediary_rules(const std::vector<routing::rule>& rules) {
  std::set<routing::route_id> keys;
  for (const auto& r : rules) {
    if (r.type != routing::rule_type::intermediary) return errc::not_intermediary_rule;
    if (!keys.insert(r.key_route_id).second) return errc::id_already_used;
  }
  return {};
}

}  // namespace skywire::setup
