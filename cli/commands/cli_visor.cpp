// `skywire cli visor info`: what the running visor is (its local API's /api/v1/info).
#include <iostream>
#include <memory>
#include <string>

#include <boost/json/serialize.hpp>

#include "commands/api_client.hpp"
#include "commands/commands.hpp"
#include "commands/table.hpp"
#include "skywire/visor/api_json.hpp"

namespace skywire::cli {
namespace {

struct visor_cli_flags {
  std::string rpc = default_rpc_address;
  bool json = false;
};

int run_info(const visor_cli_flags& f) {
  auto v = call_visor(f.rpc, net::http_method::get, "/api/v1/info");
  if (!v) {
    std::cerr << "error: " << v.error() << "\n";
    return 1;
  }
  if (f.json) {
    std::cout << boost::json::serialize(*v) << "\n";
    return 0;
  }
  auto info = visor::visor_info_from_json(*v);
  if (!info) {
    std::cerr << "error: the visor's answer does not have the expected shape\n";
    return 1;
  }
  std::vector<table_row> rows{
      {"public key", info->pk.to_hex()},
      {"version", info->version},
      {"uptime", human_duration(static_cast<std::uint64_t>(info->uptime.count()))},
      {"local path", info->local_path},
      {"local API", info->api_address},
      {"dmsg discovery", info->dmsg_discovery},
      {"dmsg servers", std::to_string(info->dmsg_servers.size()) + " connected"},
      {"transport discovery", info->transport_discovery.empty() ? "-" : info->transport_discovery},
      {"address resolver", info->address_resolver.empty() ? "-" : info->address_resolver},
      {"transports", std::to_string(info->transports)},
  };
  for (const auto& s : info->dmsg_servers) rows.push_back({"  dmsg server", s.to_hex()});
  for (const auto& t : info->transport_types) {
    const auto l = info->listening.find(t);
    rows.push_back({"  " + t, l == info->listening.end() ? "dial only" : "accepting on " + l->second});
  }
  print_table(std::cout, {"", ""}, rows);
  return 0;
}

}  // namespace

void register_cli_visor(CLI::App& cli, run_state& state) {
  auto f = std::make_shared<visor_cli_flags>();
  CLI::App* visor = cli.add_subcommand("visor", "Ask the running visor (its local API at --rpc)");
  visor->require_subcommand(1);
  visor->fallthrough();
  visor->add_option("--rpc", f->rpc, "the visor's local API address (its cli_addr)")->capture_default_str();
  visor->add_flag("--json", f->json, "print the visor's JSON answer instead of a table");
  CLI::App* info = visor->add_subcommand(
      "info", "Public key, version, uptime, dmsg servers, the transport types and where they listen");
  info->callback([f, &state] { state.exit_code = run_info(*f); });
}

}  // namespace skywire::cli
