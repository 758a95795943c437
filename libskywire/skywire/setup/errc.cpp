#include "skywire/setup/errc.hpp"

#include <string>

namespace skywire::setup {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.setup"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::no_setup_node: return "failed to dial to a setup node";  // Go's ErrSetupNode
      case errc::route_setup: return "route setup failed";
      case errc::bad_reply: return "setup node sent edge rules that do not fit the route";
      case errc::id_not_reserved: return "route id was not reserved on this stream";
      case errc::id_already_used: return "route id already carries a rule";
      case errc::not_intermediary_rule: return "not an intermediary forward rule";
      case errc::bad_edge_rules: return "edge rules must be a forward rule and a consume rule";
      case errc::edge_not_for_us: return "edge rules are for another visor";
      case errc::edge_descriptor_mismatch: return "edge rules' route descriptors do not match";
      case errc::too_many_calls: return "too many calls on one setup stream";
      case errc::not_route_source: return "requesting visor is not the route's source";
      case errc::too_many_ids: return "too many route ids for one visor";
      case errc::bad_reserved_ids: return "visor reserved an unexpected list of route ids";
    }
    return "unknown setup error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::setup
