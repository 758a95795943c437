#pragma once
// Error codes of the router module (category "skywire.router"): what dialing, route groups, the
// router's route_handler side and sky-ping decide. Errors of the layers below pass through in
// their own categories: transport::errc (a write on a transport that is gone), noise::errc (the
// route group's end-to-end Noise KK), routing::errc (table bounds, unreserved ids), net::errc
// (net::errc::closed is what a route group's read returns at an orderly end, as every
// net::stream does; net::errc::timeout for dial steps bounded by the router's deadlines), and
// whatever the injected path_finder / route_setup return.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::router {

enum class errc {
  empty_remote = 1,       // dial: the null public key (Go's "empty remote public key")
  no_transport,           // dial: the visor has no transport at all (Go's "no transport found")
  not_configured,         // dial: no path_finder or route_setup was set
  bad_edge_rules,         // edge rules of the wrong kinds, or descriptors that do not fit the route
  route_group_exists,     // a route group with that descriptor already exists
  too_many_route_groups,  // router_config::max_route_groups are open
  group_closed,           // the route group was closed here (read/write after close())
  not_established,        // write() before the route group is open
  peer_error,             // the peer sent an Error packet, then closed (route_group::error_text())
  route_dead,             // nothing arrived on the route within its keep-alive
  transport_gone,         // the transport the route leaves on closed
  route_expired,          // the route's consume rule expired (rules GC)
  rules_removed,          // the route's consume rule was removed (remove_rule / RemoveRules)
  message_too_long,       // write(): more than route_group::max_message() bytes
  router_closed,          // the router was closed
  rule_not_found,         // remove_rule: no rule under that id
  rule_in_use,            // add_rule: that key belongs to a route group's rule
  wrong_rule_type,        // add_intermediary_rules: a rule that is not an intermediary rule
  no_listener,            // responder: nobody listens on the descriptor's port (text sent to the peer)
  no_ping_route,          // ping: no transport to the pk and no loop route through it
  bad_ping_reply,         // ping: the sky-ping service did not answer "ok"
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::router

template <>
struct boost::system::is_error_code_enum<skywire::router::errc> : std::true_type {};
