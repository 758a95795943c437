#pragma once
// Error codes of the routing module (category "skywire.routing"). Decode errors of the byte
// layouts pass through as wire::errc (truncated, trailing_bytes) and crypto::errc (bad keys).
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::routing {

enum class errc {
  bad_rule_type = 1,     // a rule's type byte is not 0, 1 or 2
  route_ids_exhausted,   // the id counter would reach 2^32−1
  bad_reserve_count,     // reserve_ids(0) or more than table_limits::max_reserve
  table_full,            // table_limits::max_rules rules are held
  unreserved_route_id,   // a rule keyed by 0 or by an id this table never handed out
  empty_path,
  path_too_long,         // more than max_path_hops hops
  broken_path,           // consecutive hops do not join, or a hop from a pk to itself
  path_endpoints,        // the path does not start at src or end at dst
  route_loop,            // a pk visited twice
  invalid_route,         // Go's "bidirectional route has an invalid route description" (and keep-alive ≤ 0)
  not_enough_ids,        // generate_rules: a visor's reserved ids are missing or too few
  no_forward_hops,       // Go's "bidirectional route does not have forward hops"
  no_reverse_hops,       // Go's "bidirectional route does not have reverse hops"
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::routing

template <>
struct boost::system::is_error_code_enum<skywire::routing::errc> : std::true_type {};
