#pragma once
// The `skywire cli` side of the visor's local API (libskywire/skywire/visor/api.hpp,
// docs/visor-api.md): one blocking HTTP exchange with the visor at --rpc (default
// localhost:3435). Errors are user-facing messages: the visor is not running there, or the
// text of its {"error":…} answer.
#include <string>

#include <boost/json/value.hpp>

#include "commands/key_file.hpp"
#include "skywire/net/http_types.hpp"

namespace skywire::cli {

inline constexpr const char* default_rpc_address = "localhost:3435";

// `timeout_seconds` bounds the whole exchange (adding a transport may take a while).
cli_result<boost::json::value> call_visor(const std::string& rpc_address, net::http_method method,
                                          const std::string& path, const std::string& body = {},
                                          unsigned timeout_seconds = 10);

}  // namespace skywire::cli
