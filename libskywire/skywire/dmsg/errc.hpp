#pragma once
// Error codes of the dmsg session/stream layer (category "skywire.dmsg"). The numeric values are
// Go's dmsg error codes (spec/dmsg.md §5.7), so logs read the same on both sides; codes above
// 1000 are local ones Go has no number for. Go never sends them on the wire and neither do we.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::dmsg {

enum class errc {
  entry_not_found = 100,         // discovery has no entry for the pk
  entry_not_client = 102,        // target entry has no client part
  no_delegated_servers = 103,    // target client entry lists no servers
  entity_closed = 200,           // the client/server was closed
  session_closed = 201,          // the session died
  cannot_connect_server = 202,   // no session to any of the target's servers could be made
  extra_bytes = 203,             // bytes pipelined after the session handshake
  request_bad_signature = 300,   // request not signed by SrcAddr.PK
  request_replayed = 301,        // request timestamp below the window or hash seen before
  request_bad_src = 302,         // SrcAddr.PK is not the session's peer
  request_bad_dst = 303,         // DstAddr.PK is not us (listener side)
  no_listener = 306,             // nobody listens on the port
  no_session_to_dst = 307,       // the server has no session to DstAddr.PK
  response_bad_signature = 350,  // response not signed by the dialled pk
  response_bad_hash = 351,       // response quotes another request
  response_rejected = 352,       // Accepted = false
  bad_object = 370,              // session object frame / SignedObject malformed
  port_occupied = 400,           // listen() on a port in use
  backlog_full = 401,            // listener backlog full
  no_ports = 1001,               // every ephemeral port is in use
  too_many_sessions = 1002,      // server session limit (total or per IP)
  not_ready = 1003,              // client has no session yet
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::dmsg

template <>
struct boost::system::is_error_code_enum<skywire::dmsg::errc> : std::true_type {};
