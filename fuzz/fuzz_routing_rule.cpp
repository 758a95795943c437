// Fuzz target: routing rules and route descriptors (routing/rule.hpp, route_descriptor.hpp;
// spec/skywire.md §3.2) on arbitrary bytes, as a setup node's AddIntermediaryRules /
// AddEdgeRules or DialRouteGroup reply delivers them. parse must be total; a rule that parses
// must encode to its type's canonical size (83 / 120 / 50) and re-parse to the same rule, and
// the same holds for the first 70 bytes read as a descriptor.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "skywire/routing/route_descriptor.hpp"
#include "skywire/routing/rule.hpp"

using namespace skywire;
using namespace skywire::routing;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_view in(data, size);
  if (auto r = rule::parse(in)) {
    const bytes b = r->encode();
    const std::size_t want = r->type == rule_type::consume   ? consume_rule_size
                             : r->type == rule_type::forward ? forward_rule_size
                                                             : intermediary_rule_size;
    if (b.size() != want || size > want) std::abort();
    if (r->keep_alive.count() < 0) std::abort();
    auto again = rule::parse(b);
    if (!again || *again != *r) std::abort();
    (void)to_string(r->type);
  }
  if (size >= descriptor_size) {
    if (auto d = route_descriptor::parse(in.first(descriptor_size))) {
      const auto b = d->encode();
      if (!std::equal(b.begin(), b.end(), data)) std::abort();
      auto again = route_descriptor::parse(b);
      if (!again || *again != *d || again->inverted().inverted() != *d) std::abort();
      (void)d->to_string();
    }
  }
  return 0;
}
