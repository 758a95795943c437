#pragma once
// Error codes of the services' Redis client (category "skywire.redis"). Socket errors
// (connection_refused, reset, ...) pass through in their own categories; net::errc::timeout and
// net::errc::closed come from the transport underneath.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::svc::common {

enum class redis_errc {
  bad_url = 1,         // not redis://[[user]:password@]host[:port][/db]
  unsupported_scheme,  // rediss:// (TLS) and unix sockets are not implemented
  protocol_error,      // the server's bytes are not RESP (or nest deeper than hiredis allows)
  reply_too_large,     // a reply exceeds the configured byte or element bound
  server_error,        // the server answered a command with an error reply (-ERR ...)
  auth_failed,         // AUTH refused (or NOAUTH: a password is needed)
  unexpected_reply,    // a reply of the wrong type for the command
  closed,              // the server closed the connection (before or in the middle of a reply)
};

const boost::system::error_category& redis_category() noexcept;

inline boost::system::error_code make_error_code(redis_errc e) noexcept {
  return {static_cast<int>(e), redis_category()};
}

}  // namespace skywire::svc::common

template <>
struct boost::system::is_error_code_enum<skywire::svc::common::redis_errc> : std::true_type {};
