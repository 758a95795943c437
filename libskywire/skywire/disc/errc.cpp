#include "skywire/disc/errc.hpp"

#include <string>

namespace skywire::disc {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.disc"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::entry_not_found: return "entry of public key is not found";
      case errc::bad_input: return "error bad input";
      case errc::unauthorized: return "invalid signature";
      case errc::no_available_servers: return "no delegated dmsg servers available for remote";
      case errc::validation_failed: return "entry validation error";
      case errc::server_error: return "something unexpected happened";
      case errc::unexpected_status: return "unexpected discovery response status";
      case errc::bad_response: return "malformed discovery response";
      case errc::nonce_unavailable: return "error getting current nonce";
      case errc::no_entry: return "no entry for this PK";
      case errc::rejected: return "request rejected by the service";
      case errc::transport_not_found: return "transport not found";
      case errc::no_route: return "route not found";
      case errc::bad_route: return "route finder returned an invalid path";
    }
    return "unknown disc error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::disc
