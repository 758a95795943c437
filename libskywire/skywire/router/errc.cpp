#include "skywire/router/errc.hpp"

namespace skywire::router {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.router"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::empty_remote: return "empty remote public key";
      case errc::no_transport: return "no transport found";
      case errc::not_configured: return "route finder or setup client not configured";
      case errc::bad_edge_rules: return "edge rules do not match the route";
      case errc::route_group_exists: return "route group with this descriptor already exists";
      case errc::too_many_route_groups: return "too many route groups";
      case errc::group_closed: return "route group closed";
      case errc::not_established: return "route group not established";
      case errc::peer_error: return "route closed by the remote with an error";
      case errc::route_dead: return "route dead: nothing received within the keep-alive";
      case errc::transport_gone: return "the route's transport closed";
      case errc::route_expired: return "route rules expired";
      case errc::rules_removed: return "route rules removed";
      case errc::message_too_long: return "message too long for one route packet";
      case errc::router_closed: return "router closed";
      case errc::rule_not_found: return "rule not found";
      case errc::rule_in_use: return "that route id belongs to a route group; remove the group's rule first";
      case errc::wrong_rule_type: return "wrong rule type";
      case errc::no_listener: return "no listener on the route's port";
      case errc::no_ping_route: return "no route to ping through";
      case errc::bad_ping_reply: return "unexpected sky-ping reply";
    }
    return "unknown router error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::router
