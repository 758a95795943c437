#include "skywire/dmsg/errc.hpp"

#include <string>

namespace skywire::dmsg {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.dmsg"; }
  std::string message(int ev) const override {
    const char* text = "unknown dmsg error";
    switch (static_cast<errc>(ev)) {
      case errc::entry_not_found: text = "entry not found in discovery"; break;
      case errc::entry_not_client: text = "entry is not of client"; break;
      case errc::no_delegated_servers: text = "entry of client has no delegated servers"; break;
      case errc::entity_closed: text = "local entity closed"; break;
      case errc::session_closed: text = "local session closed"; break;
      case errc::cannot_connect_server: text = "failed to connect to delegated servers"; break;
      case errc::extra_bytes: text = "extra bytes received during session handshake"; break;
      case errc::request_bad_signature: text = "request has invalid signature"; break;
      case errc::request_replayed: text = "request timestamp should be higher than last"; break;
      case errc::request_bad_src: text = "request has invalid source public key"; break;
      case errc::request_bad_dst: text = "request has invalid destination public key"; break;
      case errc::no_listener: text = "failed to find listener of port"; break;
      case errc::no_session_to_dst: text = "dst client is not connected to the server"; break;
      case errc::response_bad_signature: text = "response has invalid signature"; break;
      case errc::response_bad_hash: text = "response has invalid request hash"; break;
      case errc::response_rejected: text = "response rejected without reason"; break;
      case errc::bad_object: text = "invalid signed object"; break;
      case errc::port_occupied: text = "port already occupied"; break;
      case errc::backlog_full: text = "listener accept chan maxed"; break;
      case errc::no_ports: text = "no free ephemeral port"; break;
      case errc::too_many_sessions: text = "session limit reached"; break;
      case errc::not_ready: text = "client has no session"; break;
    }
    return "dmsg error " + std::to_string(ev) + " - " + text;
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::dmsg
