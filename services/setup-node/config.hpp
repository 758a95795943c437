#pragma once
// The setup node's config file, Go's format (spec/skywire.md §4.2 item 4; Go: pkg/router/
// setupconfig.go SetupConfig, pkg/dmsgc DmsgConfig), so one file runs either implementation:
//
//   {
//     "public_key": "<66 hex>",            optional; must belong to secret_key when given
//     "secret_key": "<64 hex>",            required
//     "dmsg": {
//       "discovery": "http://…",           required: the dmsg discovery
//       "sessions_count": 1,               dmsg sessions to keep (0 = one per server); ≤ 64
//       "servers": [ …entries… ],          kept as read, unused: we find servers via the discovery
//       "servers_type": ""                 kept as read, unused
//     },
//     "transport_discovery": "http://…",   kept as read, unused (as in Go's setup node)
//     "log_level": "info"                  logrus names; checked by the caller
//   }
//
//   auto cfg = svc::setup_node::parse_config(text);
//   if (!cfg) std::cerr << cfg.error().message;        // names the field and the problem
//   std::string text = to_json(*cfg);                  // what --gen-config writes
//
// Strict where Go is lax, and never refusing a file Go writes: every field must have its JSON
// type (Go: an error too), the keys must parse and match, the discovery must be an http(s) URL;
// unknown fields are not errors (Go ignores them) but are listed in `unknown_fields` for a
// warning. At most max_config_size bytes and 32 levels of nesting.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/system/result.hpp>

#include "skywire/crypto/keys.hpp"

namespace skywire::svc::setup_node {

inline constexpr std::size_t max_config_size = 64 * 1024;
inline constexpr std::int64_t max_sessions_count = 64;

struct config {
  crypto::key_pair keys;
  std::string dmsg_discovery{};
  std::uint32_t sessions_count = 1;
  boost::json::array dmsg_servers{};
  std::string servers_type{};
  std::string transport_discovery{};
  std::string log_level = "info";
  std::vector<std::string> unknown_fields{};  // "dmsg.foo", "bar": for a warning
};

struct config_error {
  std::string message;
};

boost::system::result<config, config_error> parse_config(std::string_view json_text);

// Go's json.MarshalIndent(conf, "", "  ") field order; the secret key in clear (the file is the
// node's identity: write it 0600).
std::string to_json(const config& c);

}  // namespace skywire::svc::setup_node
