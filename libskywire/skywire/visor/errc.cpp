#include "skywire/visor/errc.hpp"

namespace skywire::visor {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.visor"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::no_secret_key: return "the config has no secret key (sk)";
      case errc::api_not_loopback:
        return "cli_addr must be a loopback address such as localhost:3435 (the visor API has no authentication)";
      case errc::network_failed: return "a transport network could not start";
      case errc::no_transport_discovery: return "no transport discovery configured (transport.discovery)";
      case errc::no_route_finder: return "no route finder configured (routing.route_finder)";
    }
    return "unknown visor error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::visor
