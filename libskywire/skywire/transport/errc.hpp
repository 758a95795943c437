#pragma once
// Error codes of the transport module (category "skywire.transport"): what the raw handshake
// (§1.2), the settlement (§1.6) and the networks decide. Carrier errors (net::errc::closed,
// net::errc::timeout, asio/system codes), Noise errors (noise::errc) and decode errors
// (wire::errc, crypto::errc) pass through in their own categories.
// Every code means "drop this connection"; none is retryable on the same stream.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::transport {

enum class errc {
  bad_frame0 = 1,        // responder: the first 9 bytes are not "get_nonce"
  frame_too_long,        // a handshake / settlement line has no "\n" within its bound
  unexpected_nonce,      // responder: Frame2's nonce differs from the one sent ("unexpected nonce")
  not_listening,         // responder: Frame2's DstAddr port has no listener ("not listening on given port")
  handshake_rejected,    // initiator: Frame3 had OK:false ("handshake rejected: <ErrMsg>")
  entry_not_found,       // stcp dial: the pk has no pk_table entry ("entry not found in PK table")
  invalid_entry,         // settlement: entry undecodable, mismatched or badly signed (0x03)
  settlement_failed,     // initiator: response byte 0x00
  settlement_signature,  // initiator: response byte 0x02 (the responder could not sign)
  settlement_invalid,    // initiator: response byte 0x03 (the responder refused our entry)
  settlement_bad_byte,   // initiator: any other response byte
  network_closed,        // accept()/dial() after close()
  bad_address,           // a pk_table / listen address that is not host:port
  too_many_sessions,     // udp_mux: the session bound (udp_mux_config::max_sessions) is reached
  not_bound,             // stcpr/sudph dial: the address resolver has no binding for the pk (404)
  // transport::manager (manager.hpp):
  unknown_type,          // save_transport: no network of that type was added ("unknown network type")
  transport_not_found,   // remove_transport / write_packet: no transport with that id ("transport not found")
  too_many_transports,   // the manager holds max_transports already
  manager_closed,        // the manager was closed (close() or its destructor)
  self_transport,        // save_transport to the manager's own public key
  bad_packet,            // write_packet: not one whole routing packet (header + its payload_size bytes)
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::transport

template <>
struct boost::system::is_error_code_enum<skywire::transport::errc> : std::true_type {};
