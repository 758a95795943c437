// `skywire cli config gen`: write a visor config (spec/skywire.md §8.2) that the Go visor
// v1.3.x reads as well as ours. Endpoints come from the built-in production (or -t test)
// deployment, or from a services file (--svcconf) such as a local deployment writes; nothing is
// fetched from the network. Keys: -s, kept from the existing file with -r, else fresh.
//
// Differences from Go, on purpose: the file is created with mode 0600 (it holds the secret key;
// Go writes 0644); an existing file is never replaced without -f or -r; --sudph sets only the
// sudph port (Go copies it into stcpr_port too).
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands/commands.hpp"
#include "commands/key_file.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/visor/config.hpp"

namespace skywire::cli {
namespace {

constexpr const char* our_version = "v1.3.20";

struct gen_flags {
  std::string output = "skywire-config.json";
  bool to_stdout = false;
  bool force = false;
  bool regen = false;
  bool retain_hypervisors = false;
  std::string sk;
  bool test_env = false;
  std::string svcconf;
  bool package = false;
  unsigned min_sessions = 2;
  bool is_public = false;
  bool no_autoconnect = false;
  int stcpr_port = -1;
  int sudph_port = -1;
  std::string log_level;
  std::vector<std::string> hypervisors;
  bool local_hypervisor = false;
  std::vector<std::string> dmsgpty_wl;
  std::vector<std::string> survey_wl;
  std::vector<std::string> route_setup;
  std::vector<std::string> tp_setup;
  std::vector<std::string> disable_apps;
  std::string stcp_listen;
  std::vector<std::string> stcp_peers;  // PK=HOST:PORT
  std::vector<std::string> persistent;  // PK:TYPE
  std::string cli_addr;
};

// An error result. Explicit, because visor::config is an aggregate whose first member is a
// string, so C++20 would also let a message construct the value.
template <class T>
cli_result<T> failure(std::string message) {
  return cli_result<T>(boost::system::in_place_error, std::move(message));
}

cli_result<std::string> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure<std::string>("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return cli_result<std::string>(boost::system::in_place_value, std::move(text));
}

cli_result<std::vector<crypto::public_key>> parse_pks(const std::vector<std::string>& items, const char* flag) {
  std::vector<crypto::public_key> out;
  for (const auto& item : items) {
    // Go takes comma-separated lists; CLI11 also allows repeating the flag.
    std::stringstream ss(item);
    std::string one;
    while (std::getline(ss, one, ',')) {
      if (one.empty()) continue;
      auto pk = crypto::public_key::from_text(one);
      if (!pk || pk->is_null()) return std::string(flag) + ": '" + one + "' is not a public key";
      out.push_back(*pk);
    }
  }
  return out;
}

cli_result<visor::config> build(const gen_flags& f) {
  visor::services svc = f.test_env ? visor::test_services() : visor::prod_services();
  if (!f.svcconf.empty()) {
    auto text = slurp(f.svcconf);
    if (!text) return failure<visor::config>("--svcconf: " + text.error());
    auto parsed = visor::parse_services(*text, f.test_env);
    if (!parsed) return failure<visor::config>("--svcconf " + f.svcconf + ": " + parsed.error().message);
    svc = *parsed;
  }
  visor::config c = visor::make_base_config(svc, our_version);

  std::optional<visor::config> previous;
  if (f.regen) {
    auto text = slurp(f.output);
    if (!text) return failure<visor::config>("-r: " + text.error());
    auto parsed = visor::parse_config(*text, svc, "");
    if (!parsed) return failure<visor::config>("-r: " + f.output + ": " + parsed.error().message);
    previous = parsed->cfg;
  }
  if (!f.sk.empty()) {
    auto sk = parse_secret_key_hex(f.sk);
    if (!sk) return failure<visor::config>("-s: " + sk.error());
    c.sk = *sk;
    c.pk = sk->public_key();
  } else if (previous) {
    c.sk = previous->sk;
    c.pk = previous->pk;
  } else {
    crypto::system_random rng;
    const auto kp = crypto::generate_key_pair(rng);
    c.sk = kp.sk;
    c.pk = kp.pk;
  }

  c.dmsg.sessions_count = f.min_sessions;
  c.is_public = f.is_public;
  c.transport.public_autoconnect = !f.no_autoconnect;
  if (f.stcpr_port >= 0) c.transport.stcpr_port = static_cast<std::uint16_t>(f.stcpr_port);
  if (f.sudph_port >= 0) c.transport.sudph_port = static_cast<std::uint16_t>(f.sudph_port);
  if (!f.log_level.empty()) c.log_level = f.log_level;
  if (!f.cli_addr.empty()) c.cli_addr = f.cli_addr;
  if (f.package) {
    c.launcher.bin_path = "/opt/skywire/bin";
    c.local_path = "/opt/skywire/local";
    c.dmsghttp_server_path = "/opt/skywire/local/custom";
    c.transport.log_store_location = "/opt/skywire/local/transport_logs";
    if (c.hypervisor) c.hypervisor->db_path = "/opt/skywire/users.db";
  }

  auto hvs = parse_pks(f.hypervisors, "--hvpks");
  if (!hvs) return failure<visor::config>(hvs.error());
  c.hypervisors = *hvs;
  if (f.retain_hypervisors && previous) {
    for (const auto& pk : previous->hypervisors) {
      if (std::find(c.hypervisors.begin(), c.hypervisors.end(), pk) == c.hypervisors.end()) c.hypervisors.push_back(pk);
    }
  }
  if (f.local_hypervisor) c.hypervisor = visor::hypervisor_config{};
  const struct {
    const std::vector<std::string>& in;
    const char* flag;
    std::vector<crypto::public_key>& out;
  } lists[] = {{f.dmsgpty_wl, "--dmsgpty", c.dmsgpty->whitelist},
               {f.survey_wl, "--survey", c.survey_whitelist},
               {f.route_setup, "--routesetup", c.routing.route_setup_nodes},
               {f.tp_setup, "--tpsetup", c.transport.transport_setup}};
  for (const auto& l : lists) {
    if (l.in.empty()) continue;
    auto pks = parse_pks(l.in, l.flag);
    if (!pks) return failure<visor::config>(pks.error());
    l.out = *pks;
  }
  for (const auto& name : f.disable_apps) {
    std::stringstream ss(name);
    std::string one;
    while (std::getline(ss, one, ',')) {
      auto& apps = c.launcher.apps;
      const auto before = apps.size();
      std::erase_if(apps, [&](const visor::app_config& a) { return a.name == one; });
      if (!one.empty() && apps.size() == before) return failure<visor::config>("--disableapps: no app named '" + one + "'");
    }
  }
  if (!f.stcp_listen.empty()) c.stcp->listening_address = f.stcp_listen;
  for (const auto& peer : f.stcp_peers) {
    const auto eq = peer.find('=');
    if (eq == std::string::npos) return failure<visor::config>("--stcp-peer: '" + peer + "' is not PK=HOST:PORT");
    auto pk = crypto::public_key::from_text(peer.substr(0, eq));
    if (!pk || pk->is_null()) return failure<visor::config>("--stcp-peer: '" + peer.substr(0, eq) + "' is not a public key");
    c.stcp->pk_table[pk->to_hex()] = peer.substr(eq + 1);
  }
  for (const auto& item : f.persistent) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) return failure<visor::config>("--persistent: '" + item + "' is not PK:TYPE");
    auto pk = crypto::public_key::from_text(item.substr(0, colon));
    const std::string type = item.substr(colon + 1);
    if (!pk || pk->is_null()) return failure<visor::config>("--persistent: '" + item.substr(0, colon) + "' is not a public key");
    if (type != "stcp" && type != "stcpr" && type != "sudph" && type != "dmsg")
      return failure<visor::config>("--persistent: '" + type + "' is not a transport type (stcp, stcpr, sudph, dmsg)");
    c.persistent_transports.push_back({*pk, type});
  }
  return c;
}

int run_gen(const gen_flags& f) {
  if (f.regen && !f.sk.empty()) {
    std::cerr << "error: -r keeps the existing keys; it cannot be combined with -s\n";
    return 2;
  }
  struct stat st {};
  const bool exists = ::stat(f.output.c_str(), &st) == 0;
  if (!f.to_stdout && exists && !f.force && !f.regen) {
    std::cerr << "error: " << f.output << " already exists; -r regenerates it keeping its keys, -f replaces it\n";
    return 1;
  }
  auto cfg = build(f);
  if (!cfg) {
    std::cerr << "error: " << cfg.error() << "\n";
    return 2;
  }
  const std::string text = visor::to_json(*cfg) + "\n";
  if (f.to_stdout) {
    std::cout << text;
    return 0;
  }
  // Written next to the target and renamed over it, so a failure never leaves half a config.
  const std::string tmp = f.output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "error: cannot write " << tmp << "\n";
      return 1;
    }
    ::chmod(tmp.c_str(), 0600);
    out << text;
    out.close();
    if (!out) {
      std::cerr << "error: cannot write " << tmp << "\n";
      std::remove(tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), f.output.c_str()) != 0) {
    std::cerr << "error: cannot replace " << f.output << "\n";
    std::remove(tmp.c_str());
    return 1;
  }
  std::cerr << (exists ? "updated " : "wrote ") << f.output << " (visor pk " << cfg->pk.to_hex() << ")\n";
  return 0;
}

}  // namespace

int generate_config(const std::string& output, const std::string& svcconf, bool test_env) {
  gen_flags f;
  f.output = output;
  f.svcconf = svcconf;
  f.test_env = test_env;
  return run_gen(f);
}

void register_config_gen(CLI::App& config, run_state& state) {
  auto f = std::make_shared<gen_flags>();
  CLI::App* gen = config.add_subcommand(
      "gen",
      "Generate a visor config (the Go visor v1.3.x reads it too).\n"
      "Endpoints: the production deployment, -t for the test deployment, or --svcconf FILE\n"
      "(services-config.json, or a local deployment's own). Nothing is fetched from the network.\n"
      "The file is created with mode 0600 because it holds the visor's secret key.");
  gen->add_option("-o,--output", f->output, "config file to write")->capture_default_str();
  gen->add_flag("-n,--stdout", f->to_stdout, "print the config instead of writing a file");
  gen->add_flag("-f,--force", f->force, "replace an existing file (with fresh keys unless -s)");
  gen->add_flag("-r,--regen", f->regen, "regenerate the existing file, keeping its keys");
  gen->add_flag("-x,--retainhv", f->retain_hypervisors, "with -r: keep the file's hypervisors as well");
  gen->add_option("-s,--sk", f->sk, "secret key to use (64 hex digits); default: a fresh key pair");
  gen->add_flag("-t,--testenv", f->test_env, "use the test deployment (*.skywire.dev)");
  gen->add_option("--svcconf", f->svcconf,
                  "services file for the endpoints: {\"prod\":{…},\"test\":{…}} or one flat object; fields it "
                  "omits keep the production values");
  gen->add_flag("-p,--pkg", f->package, "paths of the package install (/opt/skywire)");
  gen->add_option("--minsess", f->min_sessions, "dmsg sessions to hold")->capture_default_str()->check(CLI::Range(1u, 64u));
  gen->add_flag("-z,--public", f->is_public, "advertise this visor as public in the service discovery");
  gen->add_flag("-y,--noautoconnect", f->no_autoconnect, "do not make transports to public visors automatically");
  gen->add_option("--stcpr", f->stcpr_port, "stcpr listening port (0 = random)")->check(CLI::Range(0, 65535));
  gen->add_option("--sudph", f->sudph_port, "sudph listening port (0 = random)")->check(CLI::Range(0, 65535));
  gen->add_option("--loglvl", f->log_level, "log level: trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"}));
  gen->add_option("-j,--hvpks", f->hypervisors, "remote hypervisors allowed to manage this visor (pks, comma-separated)");
  gen->add_flag("-i,--hypervisor", f->local_hypervisor, "run the hypervisor UI on this visor");
  gen->add_option("--dmsgpty", f->dmsgpty_wl, "pks allowed to open a dmsgpty shell on this visor");
  gen->add_option("--survey", f->survey_wl, "pks allowed to fetch the survey (replaces the deployment's list)");
  gen->add_option("--routesetup", f->route_setup, "trusted route setup nodes (replaces the deployment's list)");
  gen->add_option("--tpsetup", f->tp_setup, "trusted transport setup nodes (replaces the deployment's list)");
  gen->add_option("-g,--disableapps", f->disable_apps, "apps to leave out (names, comma-separated)");
  gen->add_option("--stcp-listen", f->stcp_listen, "stcp listening address (default :7777)");
  gen->add_option("--stcp-peer", f->stcp_peers, "stcp peer PK=HOST:PORT (repeatable): the static pk table");
  gen->add_option("--persistent", f->persistent, "persistent transport PK:TYPE (repeatable), redialled when down");
  gen->add_option("--cli-addr", f->cli_addr,
                  "where the visor's local API listens, for `skywire cli` (loopback only; default localhost:3435)");
  gen->callback([f, &state] { state.exit_code = run_gen(*f); });
}

}  // namespace skywire::cli
