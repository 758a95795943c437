#include "skywire/routing/errc.hpp"

namespace skywire::routing {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.routing"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_rule_type: return "invalid rule type";
      case errc::route_ids_exhausted: return "no available routeIDs";  // Go's ErrNoAvailableRoutes
      case errc::bad_reserve_count: return "invalid number of route ids to reserve";
      case errc::table_full: return "routing table is full";
      case errc::unreserved_route_id: return "rule key is not a route id reserved by this visor";
      case errc::empty_path: return "path has no hops";
      case errc::path_too_long: return "path has too many hops";
      case errc::broken_path: return "path hops do not join";
      case errc::path_endpoints: return "path does not lead from the route's source to its destination";
      case errc::route_loop: return "path visits a visor twice";
      case errc::invalid_route: return "bidirectional route has an invalid route description";
      case errc::not_enough_ids: return "id reservoir has no key";  // Go's ErrNoKey
      case errc::no_forward_hops: return "bidirectional route does not have forward hops";
      case errc::no_reverse_hops: return "bidirectional route does not have reverse hops";
    }
    return "unknown routing error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::routing
