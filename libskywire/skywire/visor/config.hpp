#pragma once
// visor/config: the visor's JSON config file, field for field the Go visor's v1.3.x config
// (spec/skywire.md §8.1), so users can bring the file their Go visor runs with and get back one
// it can read.
//
//   auto cfg = visor::make_base_config(visor::prod_services(), "v1.3.20");
//   cfg.sk = keys.sk;  cfg.pk = keys.pk;
//   std::string text = visor::to_json(cfg);                    // tab-indented, Go's field order
//   auto back = visor::parse_config(text, visor::prod_services());  // result<config_file>
//
// Reading works like the Go visor: start from the base config (production defaults), then lay
// the file's fields over it, so omitted fields keep their defaults. Unlike Go, a field with the
// wrong type, a public key that is not a curve point, a bad duration or a port out of range is
// an error that names the field (Go silently keeps a zero value for some of these), the secret
// key must match the public key when both are present, and the file's version must share the
// major version of ours (as Go checks). Unknown fields are ignored (as Go does) and listed in
// config_file::unknown_fields, so the caller can warn about typos.
//
// Writing: members in Go's struct order, tab indentation (json.MarshalIndent(…, "", "\t")),
// omitempty objects left out when absent. The escaping of strings is Boost.JSON's, not Go's: a
// config is read back by a JSON decoder, never signed, so only the meaning has to match.
//
// Errors: parse_config returns a config_error whose message names the field and the problem.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/system/result.hpp>

#include "skywire/crypto/keys.hpp"

namespace skywire::visor {

// Deployment service endpoints (spec/skywire.md §8.3, "Services"): prod, test, or a local
// deployment's own file.
struct services {
  std::string dmsg_discovery;
  std::string transport_discovery;
  std::string address_resolver;
  std::string route_finder;
  std::vector<crypto::public_key> route_setup_nodes;
  std::vector<crypto::public_key> transport_setup;
  std::string uptime_tracker;
  std::string service_discovery;
  std::vector<std::string> stun_servers;
  std::string dns_server;
  std::vector<crypto::public_key> survey_whitelist;
};

services prod_services();
services test_services();

struct config_error;
// A services-config.json ({"prod":Services,"test":Services}, taking the `test` half when asked)
// or a flat Services object, as a local deployment writes it. Fields it leaves out keep the
// production values (Go: unless --nodefaults).
boost::system::result<services, config_error> parse_services(std::string_view json_text, bool test);

struct app_config {
  std::string name;
  std::string binary;
  std::vector<std::string> args;
  bool auto_start = false;
  std::uint16_t port = 0;
};

struct persistent_transport {
  crypto::public_key pk;
  std::string type;
};

struct hypervisor_config {
  std::string db_path = "./users.db";
  bool enable_auth = true;
  std::string cookies_hash_key;   // hex, 64 bytes
  std::string cookies_block_key;  // hex, 32 bytes
  std::int64_t cookies_expires_ns = 43200000000000;
  std::string cookies_path = "/";
  std::string cookies_domain;
  std::uint16_t dmsg_port = 46;
  std::string http_addr = ":8000";
  bool enable_tls = false;
  std::string tls_cert_file = "./ssl/cert.pem";
  std::string tls_key_file = "./ssl/key.pem";
};

// Namespace scope, not nested in config: clang does not treat a nested struct with default
// member initializers as default-constructible inside its enclosing class (optional::emplace).
struct dmsgpty_config {
  std::uint16_t dmsg_port = 22;
  std::string cli_network = "unix";
  std::string cli_address = "/tmp/dmsgpty.sock";
  std::vector<crypto::public_key> whitelist;
};

struct stcp_config {
  std::map<std::string, std::string> pk_table;  // pk hex -> "host:port"; empty = null
  std::string listening_address = ":7777";
};

struct config {
  std::string version;
  std::optional<crypto::secret_key> sk;
  crypto::public_key pk;

  struct {
    std::string discovery;
    std::uint32_t sessions_count = 1;
    boost::json::array servers;  // dmsg discovery entries for the dmsghttp bootstrap, kept as read
    std::string servers_type = "all";
  } dmsg;

  std::optional<dmsgpty_config> dmsgpty = dmsgpty_config{};

  std::optional<stcp_config> stcp = stcp_config{};  // "skywire-tcp"

  struct {
    std::string discovery;
    std::string address_resolver;
    bool public_autoconnect = true;
    std::vector<crypto::public_key> transport_setup;
    std::string log_store_type = "file";
    std::string log_store_location = "./local/transport_logs";
    std::chrono::nanoseconds log_store_rotation = std::chrono::hours(168);
    std::uint16_t stcpr_port = 0;
    std::uint16_t sudph_port = 0;
  } transport;

  struct {
    std::vector<crypto::public_key> route_setup_nodes;
    std::string route_finder;
    std::chrono::nanoseconds route_finder_timeout = std::chrono::seconds(10);
    std::uint16_t min_hops = 0;
  } routing;

  std::optional<std::string> uptime_tracker;  // uptime_tracker.addr; absent = no tracker

  struct {
    std::string service_discovery;
    std::vector<app_config> apps;
    std::string server_addr = "localhost:5505";
    std::string bin_path = "./";
    bool display_node_ip = false;
  } launcher;

  std::vector<crypto::public_key> survey_whitelist;
  std::vector<crypto::public_key> hypervisors;
  std::string cli_addr = "localhost:3435";
  std::string log_level = "info";
  std::string local_path = "./local";
  std::string dmsghttp_server_path = "./local/custom";
  std::vector<std::string> stun_servers;
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(10);
  bool is_public = false;
  std::vector<persistent_transport> persistent_transports;  // empty = null
  std::optional<hypervisor_config> hypervisor;
};

// The Go visor's default launcher apps (vpn-client, skychat, skysocks, skysocks-client,
// vpn-server).
std::vector<app_config> default_apps();

// MakeBaseConfig: production-shaped defaults with the given services and version, no keys yet
// (set cfg.sk and cfg.pk).
config make_base_config(const services& svc, std::string version);

struct config_file {
  config cfg;
  std::vector<std::string> unknown_fields;  // dotted paths, e.g. "transport.stcpr_prot"
};

struct config_error {
  std::string message;  // names the field and what is wrong with it
};

using config_result = boost::system::result<config_file, config_error>;

// `base` supplies the defaults of fields the file leaves out; `our_version` is checked against
// the file's "version" (same major). At most 1 MiB of text and 32 levels of nesting.
config_result parse_config(std::string_view json_text, const services& base, std::string_view our_version);

std::string to_json(const config& cfg);

// Go's semver major of "v1.3.20" / "1.3.20" ("1"), or empty if the text is not a version.
std::string semver_major(std::string_view version);

}  // namespace skywire::visor
