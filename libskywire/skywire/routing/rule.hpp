#pragma once
// Routing rules in Go's binary layout (spec/skywire.md §3.2; byte-exact with B.3).
//
//   header (13 B): keepAlive u64 ns ‖ type u8 ‖ keyRouteID u32          (all big-endian)
//   consume      (type 0, 83 B):  header ‖ descriptor(70)
//   forward      (type 1, 120 B): header ‖ descriptor(70) ‖ nextRouteID u32 ‖ nextTpID(16) ‖ 17×00
//   intermediary (type 2, 50 B):  header ‖ nextRouteID u32 ‖ nextTpID(16) ‖ 17×00
//
//   auto r = rule::make_forward(30s, key, next, tp_id, desc);
//   bytes b = r.encode();                          // always 83 / 120 / 50 bytes, as Go emits
//   auto back = rule::parse(b);                    // accepts ≥ 83 / 103 / 33 bytes (Go's readers)
//
// parse is strict where Go is lax and still accepts everything Go writes: an unknown type byte
// is refused (errc::bad_rule_type), a body shorter than Go's reader needs is refused
// (wire::errc::truncated), padding is ignored whatever it holds, and more than the emitted
// length (83 / 120 / 50) is refused (wire::errc::trailing_bytes). A negative keepAlive (top bit
// set) is clamped to 0, as Go does. Pure values, no I/O.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/routing/route_descriptor.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::routing {

enum class rule_type : std::uint8_t {
  consume = 0,       // Go: RuleReverse ("app"): delivers to the local route group
  forward = 1,       // Go: RuleForward: the first hop of a route, at its source visor
  intermediary = 2,  // Go: RuleIntermediary: rewrites the route id and forwards
};

// Go's names for logs and tables: "Consume", "Forward", "IntermediaryForward".
std::string_view to_string(rule_type t) noexcept;

inline constexpr std::size_t rule_header_size = 13;
inline constexpr std::size_t consume_rule_size = 83;
inline constexpr std::size_t forward_rule_size = 120;
inline constexpr std::size_t intermediary_rule_size = 50;

// The route keep-alive every Go setup node puts into rules (and the rule table's default).
inline constexpr std::chrono::nanoseconds default_rule_keep_alive = std::chrono::seconds(30);

struct rule {
  rule_type type = rule_type::consume;
  std::chrono::nanoseconds keep_alive{0};
  route_id key_route_id = 0;
  route_descriptor descriptor;              // consume and forward only
  route_id next_route_id = 0;               // forward and intermediary only
  wire::transport::uuid next_transport_id;  // forward and intermediary only

  static rule make_consume(std::chrono::nanoseconds keep_alive, route_id key,
                           const route_descriptor& d);
  static rule make_forward(std::chrono::nanoseconds keep_alive, route_id key, route_id next,
                           const wire::transport::uuid& next_tp, const route_descriptor& d);
  static rule make_intermediary(std::chrono::nanoseconds keep_alive, route_id key, route_id next,
                                const wire::transport::uuid& next_tp);

  bytes encode() const;
  static result<rule> parse(byte_view b);

  friend bool operator==(const rule&, const rule&) = default;
};

}  // namespace skywire::routing
