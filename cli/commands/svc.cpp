// `skywire svc`: the deployment services (Go: skywire-services' binaries, `skywire svc …` in the
// Go merged binary). `svc ar` runs the address resolver (services/address-resolver): its HTTP
// API only, on embedded memory stores; the UDP/KCP side for SUDPH is not implemented yet.
// `svc tpd` runs the transport discovery (services/transport-discovery): its HTTP API on an
// embedded memory store (no Redis/PostgreSQL store yet).
#include <csignal>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "address-resolver/service.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "httpauth/nonce_store.hpp"
#include "transport-discovery/service.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;
namespace ar_svc = skywire::svc::address_resolver;
namespace tpd_svc = skywire::svc::transport_discovery;

// Comma-separated public keys into `out`; false (after a message) on a bad one.
bool parse_key_list(const std::string& text, std::vector<crypto::public_key>& out) {
  std::stringstream keys(text);
  for (std::string item; std::getline(keys, item, ',');) {
    if (item.empty()) continue;
    auto pk = crypto::public_key::from_text(item);
    if (!pk || pk->is_null()) {
      std::cerr << "error: --whitelist-keys: '" << item << "' is not a public key\n";
      return false;
    }
    out.push_back(*pk);
  }
  return true;
}

struct ar_flags {
  std::string addr = ":9093";
  bool local = false;
  bool trust_forwarded = false;
  std::string log_level = "info";
  std::string whitelist_keys;
  std::size_t max_body = 64 * 1024;
};

int run_ar(const ar_flags& f) {
  auto start = parse_service_flags("address-resolver", f.log_level, f.addr);
  if (!start) return 2;
  const base::logger log = start->log;
  ar_svc::service_options opt;
  opt.host = start->listen.host;
  opt.port = start->listen.port;
  opt.api.local_mode = f.local;
  opt.api.trust_forwarding = f.trust_forwarded;
  opt.max_body = f.max_body;
  if (!parse_key_list(f.whitelist_keys, opt.api.nm_whitelist)) return 2;

  log->warn("bindings and nonces are kept in memory and lost on restart");
  auto db = ar_svc::make_memory_store();
  auto nonces = svc::httpauth::make_memory_nonce_store();
  const base::system_clock clock;
  asio::io_context ctx(1);
  ar_svc::service svc(ctx.get_executor(), *db, *nonces, clock, log, opt);
  auto port = svc.start();
  if (!port) {
    std::cerr << "error: cannot listen on " << f.addr << ": " << port.error().message() << "\n";
    return 1;
  }
  run_until_signal(ctx, log, [&] { return svc.shutdown(std::chrono::seconds(5)); });
  return 0;
}

void register_svc_ar(CLI::App& svc, run_state& state) {
  auto flags = std::make_shared<ar_flags>();
  CLI::App* ar = svc.add_subcommand(
      "ar",
      "Run an address resolver (Go: address-resolver), the HTTP side: visors bind their STCPR\n"
      "port and addresses (POST/DELETE /bind/stcpr, signed with httpauth), others look them up\n"
      "(GET /resolve/{stcpr|sudph}/{pk}), GET /transports lists who is bound, network monitors\n"
      "deregister (DELETE /deregister/{network}); /security/nonces/{pk} and /health as usual.\n"
      "Bindings and nonces live in memory (no Redis needed) and have no TTL.\n"
      "Like Go, a visor may bind only from a public IPv4 address that it lists itself; --local\n"
      "also accepts loopback and private sources, for a deployment on one machine or a LAN.\n"
      "Not implemented yet: the UDP/KCP side (SUDPH binding and hole punching). Stops gracefully\n"
      "on SIGINT/SIGTERM.");
  ar->add_option("-a,--addr", flags->addr, "address to listen on: host:port or :port (all interfaces)")
      ->capture_default_str();
  ar->add_flag("--local", flags->local,
               "local mode: let visors bind from loopback (127.0.0.0/8, ::1) and private (10/8, "
               "172.16/12, 192.168/16, fc00::/7) addresses; refused by default like the Go resolver");
  ar->add_flag("--trust-forwarded", flags->trust_forwarded,
               "take the caller's IP from True-Client-IP / X-Real-IP / X-Forwarded-For (only behind "
               "a reverse proxy that sets them; Go always does)");
  ar->add_option("-l,--loglvl", flags->log_level,
                 "trace, debug, info (every request), warn, error, off")
      ->capture_default_str();
  ar->add_option("--whitelist-keys", flags->whitelist_keys,
                 "comma-separated public keys of network monitors allowed to call DELETE "
                 "/deregister/{network} (none = always 403)");
  ar->add_option("--max-body", flags->max_body, "largest accepted request body in bytes (413 above)")
      ->capture_default_str();
  ar->callback([flags, &state] { state.exit_code = run_ar(*flags); });
}

struct tpd_flags {
  std::string addr = ":9091";
  std::string log_level = "info";
  std::string whitelist_keys;
  std::size_t max_body = 64 * 1024;
};

int run_tpd(const tpd_flags& f) {
  auto start = parse_service_flags("transport-discovery", f.log_level, f.addr);
  if (!start) return 2;
  const base::logger log = start->log;
  tpd_svc::service_options opt;
  opt.host = start->listen.host;
  opt.port = start->listen.port;
  opt.max_body = f.max_body;
  if (!parse_key_list(f.whitelist_keys, opt.api.nm_whitelist)) return 2;

  log->warn("transports and nonces are kept in memory and lost on restart");
  auto db = tpd_svc::make_memory_store();
  auto nonces = svc::httpauth::make_memory_nonce_store();
  const base::system_clock clock;
  asio::io_context ctx(1);
  tpd_svc::service svc(ctx.get_executor(), *db, *nonces, clock, log, opt);
  auto port = svc.start();
  if (!port) {
    std::cerr << "error: cannot listen on " << f.addr << ": " << port.error().message() << "\n";
    return 1;
  }
  run_until_signal(ctx, log, [&] { return svc.shutdown(std::chrono::seconds(5)); });
  return 0;
}

void register_svc_tpd(CLI::App& svc, run_state& state) {
  auto flags = std::make_shared<tpd_flags>();
  CLI::App* tpd = svc.add_subcommand(
      "tpd",
      "Run a transport discovery (Go: transport-discovery), the HTTP API visors use to publish\n"
      "their transports (spec/skywire.md section 1.9). Signed with httpauth (SW-Public/SW-Nonce/\n"
      "SW-Sig): POST /transports/ registers a JSON array of SignedEntry (201, echoed; signatures\n"
      "are not checked, as in Go), GET /transports/id:{uuid} and /transports/edge:{pk} look\n"
      "entries up, DELETE /transports/id:{uuid} removes one (only an edge may). Open:\n"
      "GET /all-transports, /security/nonces/{pk}, /health; POST /statuses answers 410 Gone.\n"
      "Network monitors (--whitelist-keys) may DELETE /transports/deregister with NM-PK/NM-Sign.\n"
      "Transports and nonces live in memory (no Redis/PostgreSQL store yet). Stops gracefully\n"
      "on SIGINT/SIGTERM.");
  tpd->add_option("-a,--addr", flags->addr, "address to listen on: host:port or :port (all interfaces)")
      ->capture_default_str();
  tpd->add_option("-l,--loglvl", flags->log_level, "trace, debug (every change), info, warn, error, off")
      ->capture_default_str();
  tpd->add_option("--whitelist-keys", flags->whitelist_keys,
                  "comma-separated public keys of network monitors allowed to call DELETE "
                  "/transports/deregister (NM-PK header, NM-Sign = signature of that key's hex; none = "
                  "always 403)");
  tpd->add_option("--max-body", flags->max_body, "largest accepted request body in bytes (413 above)")
      ->capture_default_str();
  tpd->callback([flags, &state] { state.exit_code = run_tpd(*flags); });
}

}  // namespace

void register_svc(CLI::App& parent, run_state& state) {
  CLI::App* svc = parent.add_subcommand("svc", "Deployment services (Go: skywire-services): ar, tpd");
  svc->require_subcommand(1);
  register_svc_ar(*svc, state);
  register_svc_tpd(*svc, state);
}

}  // namespace skywire::cli
