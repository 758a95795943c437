#pragma once
// Error codes of the visor module (category "skywire.visor"): what the composition root refuses
// or cannot do. Errors of the modules it runs pass through in their own categories.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::visor {

enum class errc {
  no_secret_key = 1,        // the config has no "sk"
  api_not_loopback,         // cli_addr is not a loopback address (the local API has no auth)
  network_failed,           // a transport network could not start (the log names it)
  no_transport_discovery,   // transport.discovery is not configured
  no_route_finder,          // routing.route_finder is not configured
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::visor

template <>
struct boost::system::is_error_code_enum<skywire::visor::errc> : std::true_type {};
