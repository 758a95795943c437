#pragma once
// Error codes of the rpc module (category "skywire.rpc"): what the net/rpc client and server
// decide themselves. gob decoding errors (wire::errc) and stream errors (net::errc, system)
// pass through unchanged. A server's *application* error (Response.Error) is not an error code:
// it arrives as rpc::reply::error (client.hpp), because its text is the protocol.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::rpc {

enum class errc {
  shut_down = 1,   // the connection is closed or broken (Go: rpc.ErrShutdown)
  bad_header,      // a Request/Response header value is not the struct net/rpc sends
  bad_method,      // register(): a name that is not "Service.Method"
  duplicate_method,  // register(): the name is already registered
  too_many_calls,  // client: limits::max_pending calls are already waiting
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::rpc

template <>
struct boost::system::is_error_code_enum<skywire::rpc::errc> : std::true_type {};
