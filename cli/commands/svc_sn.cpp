// `skywire svc sn`: the setup node (services/setup-node; Go: setup-node). It runs from Go's
// setup-node config file, so either implementation can use the other's file; `--gen-config`
// writes one with fresh keys (mode 0600, never over an existing file unless --force).
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "setup-node/config.hpp"
#include "setup-node/service.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;
namespace sn_svc = skywire::svc::setup_node;

struct sn_flags {
  std::string file;      // positional, as Go's `setup-node [config.json]`
  std::string file_opt;  // -c
  std::string gen_config;
  std::string dmsg_disc = "http://dmsgd.skywire.skycoin.com";
  std::string tpd = "http://tpd.skywire.skycoin.com";
  bool force = false;
};

int write_new_config(const sn_flags& f) {
  crypto::system_random rng;
  sn_svc::config c{crypto::generate_key_pair(rng)};
  c.dmsg_discovery = f.dmsg_disc;
  c.transport_discovery = f.tpd;
  // What we write must be what we read: check it before it reaches the disk.
  const std::string text = sn_svc::to_json(c);
  if (auto back = sn_svc::parse_config(text); !back) {
    std::cerr << "error: " << back.error().message << "\n";
    return 2;
  }
  // The file holds the node's secret key: mode 0600, an existing config is not replaced.
  if (int code = write_new_secret_file(f.gen_config, text, f.force); code != 0) return code;
  std::cerr << "setup-node config written to " << f.gen_config << " (public key " << c.keys.pk.to_hex()
            << "): visors list this key in routing.route_setup_nodes\n";
  return 0;
}

int run_sn(const sn_flags& f) {
  if (!f.gen_config.empty()) return write_new_config(f);
  const std::string path = f.file_opt.empty() ? f.file : f.file_opt;
  if (path.empty()) {
    std::cerr << "error: no config file: `skywire svc sn -c FILE` (or --gen-config FILE to make one)\n";
    return 2;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot open " << path << "\n";
    return 1;
  }
  std::string text(sn_svc::max_config_size + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto cfg = sn_svc::parse_config(text);
  if (!cfg) {
    std::cerr << "error: " << path << ": " << cfg.error().message << "\n";
    return 1;
  }
  const auto level = config_log_level(path, cfg->log_level);
  if (!level) return 1;
  const base::logger log = base::make_stderr_logger("setup-node", *level);
  for (const auto& name : cfg->unknown_fields) log->warn("{}: unknown field \"{}\" ignored", path, name);
  if (!cfg->dmsg_servers.empty()) log->info("dmsg.servers is not used: dmsg servers come from the discovery");

  asio::io_context ctx(1);
  const base::system_clock clock;
  sn_svc::service svc(ctx.get_executor(), *cfg, clock, log);
  if (auto r = svc.start(); !r) return listen_failed("dmsg port 36", r.error());
  run_until_signal(ctx, log, [&] { return svc.shutdown(); });
  return 0;
}

}  // namespace

void register_svc_sn(CLI::App& svc, run_state& state) {
  auto flags = std::make_shared<sn_flags>();
  CLI::App* sn = svc.add_subcommand(
      "sn",
      "Run a route setup node (Go: setup-node, spec/skywire.md section 4.2). Visors call\n"
      "SetupRPCGateway.DialRouteGroup on dmsg port 36 with a route from the route finder; the\n"
      "node dials every visor of it on dmsg port 136, reserves route ids, installs the\n"
      "intermediary rules and the destination's edge rules, and answers with the caller's.\n"
      "Only the route's source visor may ask; 30 s per request; a setup that fails after rules\n"
      "were installed removes them again (visors without that extension let them expire).\n"
      "Visors accept a node only if its public key is in their routing.route_setup_nodes.\n"
      "The config file is Go's: {\"public_key\",\"secret_key\",\"dmsg\":{\"discovery\",\n"
      "\"sessions_count\",\"servers\",\"servers_type\"},\"transport_discovery\",\"log_level\"};\n"
      "--gen-config FILE writes one with fresh keys. Stops gracefully on SIGINT/SIGTERM.");
  sn->add_option("config", flags->file, "config file (Go: setup-node [config.json])");
  sn->add_option("-c,--config", flags->file_opt, "config file");
  sn->add_option("--gen-config", flags->gen_config,
                 "write a new config with fresh keys to this file (mode 0600) and exit");
  sn->add_option("--dmsg-disc", flags->dmsg_disc, "with --gen-config: the dmsg discovery URL")->capture_default_str();
  sn->add_option("--tpd", flags->tpd, "with --gen-config: the transport discovery URL (kept, unused, as Go)")
      ->capture_default_str();
  sn->add_flag("--force", flags->force, "with --gen-config: replace an existing file");
  sn->callback([flags, &state] { state.exit_code = run_sn(*flags); });
}

}  // namespace skywire::cli
