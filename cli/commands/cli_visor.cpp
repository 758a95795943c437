// `skywire cli visor info`: what the running visor is (its local API's /api/v1/info).
// `skywire cli visor ping PK`: round trips over a route to PK's sky-ping port (48), with the
// route's latency and throughput (its local API's POST /api/v1/ping).
#include <cstdio>
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
  std::string pk;
  unsigned tries = 3;
  unsigned size = 2;  // KiB, as Go's -s
  unsigned min_hops = 0;
  unsigned max_hops = 50;
};

std::string number(const boost::json::value* v) {
  if (!v) return "-";
  if (v->is_double()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v->get_double());
    return buf;
  }
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return "-";
}

int run_ping(const visor_cli_flags& f) {
  auto pk = crypto::public_key::from_text(f.pk);
  if (!pk || pk->is_null()) {
    std::cerr << "error: '" << f.pk << "' is not a public key\n";
    return 2;
  }
  if (f.min_hops > f.max_hops) {
    std::cerr << "error: --min-hops is above --max-hops\n";
    return 2;
  }
  boost::json::object body{{"pk", pk->to_hex()}, {"tries", f.tries}, {"size", f.size * 1024},
                           {"min_hops", f.min_hops}, {"max_hops", f.max_hops}};
  // Route setup (up to 30 s at a setup node) plus the tries themselves.
  auto v = call_visor(f.rpc, net::http_method::post, "/api/v1/ping", boost::json::serialize(body), 45 + 5 * f.tries);
  if (!v) {
    std::cerr << "error: " << v.error() << "\n";
    return 1;
  }
  if (f.json) {
    std::cout << boost::json::serialize(*v) << "\n";
    return 0;
  }
  if (!v->is_object()) {
    std::cerr << "error: the visor's answer does not have the expected shape\n";
    return 1;
  }
  const auto& o = v->get_object();
  std::cout << "ping " << pk->to_hex() << " (a route to its sky-ping port 48), " << f.size << " KiB per try\n";
  std::vector<table_row> rows;
  if (const auto* tries = o.if_contains("tries"); tries && tries->is_array()) {
    std::size_t n = 0;
    for (const auto& t : tries->get_array()) {
      if (!t.is_object()) continue;
      rows.push_back({std::to_string(++n), number(t.get_object().if_contains("latency_ms"))});
    }
  }
  print_table(std::cout, {"TRY", "LATENCY (ms)"}, rows);
  std::cout << "min/avg/max " << number(o.if_contains("min_ms")) << "/" << number(o.if_contains("avg_ms")) << "/"
            << number(o.if_contains("max_ms")) << " ms, throughput " << number(o.if_contains("throughput_kib_s"))
            << " KiB/s\n";
  return 0;
}

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

  CLI::App* ping = visor->add_subcommand(
      "ping", "Round trips to a visor over a route (its sky-ping port 48): latency per try and throughput");
  ping->add_option("pk", f->pk, "the remote visor's public key")->required();
  ping->add_option("-t,--tries", f->tries, "round trips")->capture_default_str()->check(CLI::Range(1u, 100u));
  ping->add_option("-s,--size", f->size, "KiB sent per try")->capture_default_str()->check(CLI::Range(1u, 1024u));
  ping->add_option("-n,--min-hops", f->min_hops, "fewest hops of the route")->capture_default_str()->check(CLI::Range(0u, 50u));
  ping->add_option("-x,--max-hops", f->max_hops, "most hops of the route")->capture_default_str()->check(CLI::Range(1u, 50u));
  ping->callback([f, &state] { state.exit_code = run_ping(*f); });
}

}  // namespace skywire::cli
