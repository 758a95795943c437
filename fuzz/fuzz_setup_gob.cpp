// Fuzz target: the setup protocol's gob values (setup/gob_types.hpp) as a peer could send them.
// Byte 0 picks the Go type the rest is decoded as — 0 BidirectionalRoute (DialRouteGroup's
// argument), 1 EdgeRules (AddEdgeRules / the reply), 2 []RouteID (ReserveIDs' reply,
// RemoveRules), 3 []Rule (AddIntermediaryRules), 4 uint8 (ReserveIDs), 5 bool — and the rest
// is a gob stream, every value of which goes through that parser. Errors are expected; a crash,
// over-read or UB is a bug. A value that parses must survive a round trip (to_value, Go's bytes,
// decode, parse) unchanged, and the visor's rule checks must run on it without harm.
#include <cstddef>
#include <cstdint>

#include "skywire/crypto/keys.hpp"
#include "skywire/setup/gob_types.hpp"
#include "skywire/setup/limits.hpp"
#include "skywire/setup/rule_checks.hpp"
#include "skywire/wire/gob/decoder.hpp"
#include "skywire/wire/gob/encoder.hpp"

using namespace skywire;
namespace gob = wire::gob;

namespace {

// Encodes v as a fresh Go stream and decodes it back: what the other side's decoder sees.
gob::value through_bytes(const gob::type_def& t, const gob::value& v) {
  auto b = gob::encode_fresh(t, v);
  if (!b) __builtin_trap();
  auto back = gob::decode_single(*b);
  if (!back) __builtin_trap();
  return *back;
}

void check_one(std::uint8_t kind, const gob::value& v) {
  const auto& t = setup::types();
  switch (kind % 6) {
    case 0: {
      auto r = setup::parse_bidirectional_route(v);
      if (!r) return;
      auto again = setup::parse_bidirectional_route(through_bytes(*t.route, setup::to_value(*r)));
      if (!again || !(*again == *r)) __builtin_trap();
      if (r->forward.size() > setup::max_hops || r->reverse.size() > setup::max_hops) __builtin_trap();
      (void)routing::check(*r);
      return;
    }
    case 1: {
      auto e = setup::parse_edge_rules(v);
      if (!e) return;
      auto again = setup::parse_edge_rules(through_bytes(*t.edge_rules, setup::to_value(*e)));
      if (!again || !(*again == *e)) __builtin_trap();
      (void)setup::check_edge_rules(*e, e->desc.dst_pk);
      return;
    }
    case 2: {
      auto ids = setup::parse_route_ids(v);
      if (!ids) return;
      if (ids->size() > setup::max_reserve) __builtin_trap();
      auto again = setup::parse_route_ids(through_bytes(*t.route_ids, setup::route_ids_value(*ids)));
      if (!again || *again != *ids) __builtin_trap();
      return;
    }
    case 3: {
      auto rules = setup::parse_rules(v);
      if (!rules) return;
      if (rules->size() > setup::max_rules_per_call) __builtin_trap();
      auto again = setup::parse_rules(through_bytes(*t.rules, setup::rules_value(*rules)));
      if (!again || *again != *rules) __builtin_trap();
      (void)setup::check_intermediary_rules(*rules);
      return;
    }
    case 4: {
      auto n = setup::parse_uint8(v);
      if (n && setup::parse_uint8(through_bytes(gob::uint_type(), gob::make_uint(*n))).value() != *n) __builtin_trap();
      return;
    }
    default: {
      auto b = setup::parse_bool(v);
      if (b && setup::parse_bool(through_bytes(gob::bool_type(), gob::make_bool(*b))).value() != *b) __builtin_trap();
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t kind = data[0];
  const byte_view in(data + 1, size - 1);
  gob::decoder d;
  std::size_t pos = 0;
  while (pos < in.size()) {
    auto m = d.next_message(in.subspan(pos));
    if (!m) break;
    pos += m->consumed;
    if (m->v) check_one(kind, *m->v);
  }
  return 0;
}
