#pragma once
// Error codes of the net module (category "skywire.net"). Errors that come from the operating
// system or from Asio itself (connection_refused, operation_aborted, host_not_found, ...) are
// passed through unchanged in their own categories; these codes name what net itself decides.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::net {

enum class errc {
  timeout = 1,          // a deadline (with_timeout, connect/request timeout) fired first
  closed,               // the peer closed the stream (EOF), also in the middle of a frame/message
  frame_too_large,      // a frame length exceeds the caller's limit (read) or 65535 (write)
  too_many_tasks,       // task_group is at its max_tasks bound
  group_closed,         // task_group no longer accepts tasks (cancel() was called)
  bad_url,              // URL does not parse, has no host, or has a bad port
  unsupported_scheme,   // URL scheme other than http (https is not implemented)
  bad_header,           // a request header name/value contains CR, LF or NUL, or is empty
  header_too_large,     // HTTP response header exceeds options.max_header
  body_too_large,       // HTTP response body exceeds options.max_body
  bad_response,         // HTTP response is not valid HTTP/1.x
  http_status,          // reserved for callers that turn a non-2xx status into an error
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::net

template <>
struct boost::system::is_error_code_enum<skywire::net::errc> : std::true_type {};
