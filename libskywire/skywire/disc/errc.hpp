#pragma once
// Error codes of the HTTP service clients (category "skywire.disc"). For the dmsg discovery
// client: what the discovery answered, mapped back from Go's message texts (spec/dmsg.md
// §7.5) the way the Go client's error table does. A 422 whose cause text names a known
// validation rule comes back as the matching wire::errc::disc_* code instead
// (disc_wrong_sequence, disc_outdated_timestamp, ...), so callers compare against the same
// codes the discovery's own checks use. The httpauth, address-resolver and transport-discovery
// clients use bad_response and the four after it; the route-finder client also the last two.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::disc {

enum class errc {
  entry_not_found = 1,     // 404 "entry of public key is not found"
  bad_input,               // 400 "error bad input"
  unauthorized,            // 401 "invalid signature"
  no_available_servers,    // 404 "no delegated dmsg servers available for remote"
  validation_failed,       // 422 with a cause text we do not know
  server_error,            // 500 "something unexpected happened", or any other 5xx
  unexpected_status,       // a status/message pair the discovery API never sends
  bad_response,            // a 200 whose body is not what the endpoint returns
  // httpauth services (httpauth_client.hpp, addr_resolver_client.hpp):
  nonce_unavailable,       // GET /security/nonces/{pk} did not answer 200 with a nonce
  no_entry,                // 404 from the address resolver: "no entry for this PK"
  rejected,                // any other non-200 answer (the text: client's last_error())
  // transport discovery (tpd_client.hpp):
  transport_not_found,     // 404 "transport not found" (get/delete by id): a delete is done
  // route finder (rf_client.hpp):
  no_route,                // 404: no transports from the source or no path (Go: ErrTransportNotFound)
  bad_route,               // a 200 whose paths are not paths of the asked edges (broken, looping, too long)
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::disc

template <>
struct boost::system::is_error_code_enum<skywire::disc::errc> : std::true_type {};
