#pragma once
// The network-monitor side door of the deployment services (the address resolver's
// DELETE /deregister/{network}, the transport discovery's DELETE /transports/deregister): the
// caller names itself in NM-PK, which must be whitelisted, and proves it with NM-Sign, its
// signature of its own public key's hex; the body lists what to remove as a JSON array of
// strings (or null). Go's checks, status codes and log lines; empty reply bodies.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_server.hpp"

namespace skywire::svc::httpauth {

// nullopt when the caller is a whitelisted monitor with a valid signature; otherwise the reply:
// 403 (not whitelisted, bad signature) or 400 (unparsable NM-Sign).
std::optional<net::http_reply> refuse_network_monitor(const net::http_request& req,
                                                      const std::vector<crypto::public_key>& whitelist,
                                                      const base::logger& log);

// The body's strings (empty for null); nullopt for anything else (bad JSON, deeper than 4
// levels, a non-string element). The caller parses each string as its key or id.
std::optional<std::vector<std::string>> parse_deregister_list(std::string_view body);

}  // namespace skywire::svc::httpauth
