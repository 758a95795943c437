#pragma once
// The Go values of the setup protocol as gob sees them (spec/skywire.md §4.2, Appendix A), and
// conversions between them and the routing module's types. Byte-exact with B.5 (a)(b)(c) when
// the encoder numbers types as the recorded Go process did (tests pin the ids).
//
//   Go type                                   gob wire type (name as Go sends it)
//   routing.BidirectionalRoute               struct "BidirectionalRoute" {Desc; KeepAlive int;
//                                              Forward, Reverse "[]routing.Hop"}
//   routing.RouteDescriptor  [70]byte        array "RouteDescriptor" of 70 uint (never []byte:
//                                              Go refuses a slice for an array field)
//   routing.Hop                              struct "Hop" {TpID "UUID"; From, To "PubKey"}
//   uuid.UUID, cipher.PubKey                 BinaryMarshaler (16 / 33 raw bytes)
//   routing.EdgeRules                        struct "EdgeRules" {Desc; Forward, Reverse []byte}
//   []routing.RouteID                        slice "" of uint       (ReserveIDs reply,
//                                                                    RemoveRules argument)
//   []routing.Rule                           slice "" of []byte     (AddIntermediaryRules)
//   uint8 / bool                             builtin uint / bool    (ReserveIDs arg / replies)
//
//   auto v = to_value(route);                      // then rpc::client::call(…, types().route, v)
//   auto r = parse_bidirectional_route(reply.body);
//
// Decoding is strict and bounded, and still accepts every value a Go peer sends. Fields are
// matched by name (gob's rule; unknown fields ignored, absent = Go's zero value), and:
//   Desc        exactly 70 uints ≤ 255, both keys valid points (absent: the null descriptor,
//               whose keys are refused);
//   hops        ≤ max_hops per path; From/To valid keys (absent = null key: refused);
//               TpID 16 bytes (absent = the nil UUID, accepted as Go does);
//   rules       each a []byte that routing::rule::parse accepts, ≤ max_rules_per_call of them;
//   route ids   ≤ max_reserve of them, each ≤ 2^32−1;
//   uint8       ≤ 255.
// Errors: wire::errc::type_mismatch (a value of the wrong gob kind or marshaler), too_long (a
// bound above), invalid_value (a number out of range, a missing key); crypto::errc for a key
// that is not a point; routing/wire errors from rule::parse. Pure: no I/O.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "skywire/base/result.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/routing/route_descriptor.hpp"
#include "skywire/routing/rule.hpp"
#include "skywire/wire/gob/types.hpp"
#include "skywire/wire/gob/value.hpp"

namespace skywire::setup {

namespace gob = wire::gob;

// The type definitions (immutable after first use, like rpc's header types).
struct gob_types {
  gob_types();
  gob_types(const gob_types&) = delete;
  gob_types& operator=(const gob_types&) = delete;

  gob::schema s;
  const gob::type_def* uuid = nullptr;
  const gob::type_def* pubkey = nullptr;
  const gob::type_def* descriptor = nullptr;
  const gob::type_def* hop = nullptr;
  const gob::type_def* hops = nullptr;
  const gob::type_def* route = nullptr;       // BidirectionalRoute
  const gob::type_def* edge_rules = nullptr;  // EdgeRules
  const gob::type_def* route_ids = nullptr;   // []RouteID
  const gob::type_def* rules = nullptr;       // []Rule
};
const gob_types& types();

gob::value to_value(const routing::route_descriptor& d);
gob::value to_value(const routing::hop& h);
gob::value to_value(const routing::bidirectional_route& r);
gob::value to_value(const routing::edge_rules& e);
gob::value route_ids_value(const std::vector<routing::route_id>& ids);
gob::value rules_value(const std::vector<routing::rule>& rules);

result<routing::route_descriptor> parse_descriptor(const gob::value& v);
result<routing::bidirectional_route> parse_bidirectional_route(const gob::value& v);
result<routing::edge_rules> parse_edge_rules(const gob::value& v);
result<std::vector<routing::route_id>> parse_route_ids(const gob::value& v);
result<std::vector<routing::rule>> parse_rules(const gob::value& v);
result<std::uint8_t> parse_uint8(const gob::value& v);
result<bool> parse_bool(const gob::value& v);

// Go's routing.FailureCode values that RPCGateway uses, and routing.Failure's error text:
// "failure code <n> (<msg>)" (the text a visor's refusal carries in Response.Error).
enum class failure_code : std::uint8_t { unknown = 0, add_rules = 1, reserve_ids = 4 };
std::string failure_text(failure_code code, std::string_view msg);

}  // namespace skywire::setup
