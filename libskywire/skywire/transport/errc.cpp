#include "skywire/transport/errc.hpp"

namespace skywire::transport {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.transport"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_frame0: return "invalid handshake request (expected get_nonce)";
      case errc::frame_too_long: return "handshake frame exceeds length limit";
      case errc::unexpected_nonce: return "unexpected nonce";
      case errc::not_listening: return "not listening on given port";
      case errc::handshake_rejected: return "handshake rejected";
      case errc::entry_not_found: return "entry not found in PK table";
      case errc::invalid_entry: return "invalid entry";
      case errc::settlement_failed: return "settlement handshake failed";
      case errc::settlement_signature: return "settlement handshake: signature error";
      case errc::settlement_invalid: return "settlement handshake: invalid entry";
      case errc::settlement_bad_byte: return "settlement handshake: unknown response";
      case errc::network_closed: return "transport network closed";
      case errc::bad_address: return "invalid host:port address";
      case errc::too_many_sessions: return "too many KCP sessions";
      case errc::not_bound: return "remote visor is not bound at the address resolver";
      case errc::unknown_type: return "unknown network type";
      case errc::transport_not_found: return "transport not found";
      case errc::too_many_transports: return "too many transports";
      case errc::manager_closed: return "transport manager is closed";
      case errc::self_transport: return "cannot create a transport to the local public key";
      case errc::bad_packet: return "not a whole routing packet";
    }
    return "unknown transport error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::transport
