// `skywire svc`: the deployment services (Go: skywire-services' binaries, `skywire svc …` in the
// Go merged binary). `svc ar` runs the address resolver (services/address-resolver): its HTTP
// API, on a memory (default), SQLite (--db) or Redis (--redis) store, plus the UDP/KCP side for SUDPH.
// `svc tpd` runs the transport discovery (services/transport-discovery): its HTTP API on a
// memory (default), SQLite (--db) or PostgreSQL (--pg-host/--pg-port, PG_* env, as Go) store.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "address-resolver/redis_store.hpp"
#include "address-resolver/service.hpp"
#include "address-resolver/sqlite_store.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "httpauth/nonce_store.hpp"
#include "httpauth/persistent_nonce_stores.hpp"
#include "transport-discovery/postgres_store.hpp"
#include "transport-discovery/service.hpp"
#include "transport-discovery/sqlite_store.hpp"
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

// A service's data store and its httpauth nonce counters, kept in the same place: in the same
// SQLite file, Redis or PostgreSQL database, so a restart does not let a signed request from
// before be replayed (persistent_nonce_stores.hpp); in memory only when the data is too.
template <class Store>
struct stores {
  std::unique_ptr<Store> data;
  std::unique_ptr<svc::httpauth::nonce_store> nonces;
  explicit operator bool() const { return data && nonces; }
};

// Reports a nonce store that did not open (the data store did): false after a message on stderr.
template <class T>
bool nonces_opened(result<T>& opened, std::string_view where) {
  if (opened) return true;
  std::cerr << "error: cannot keep nonces in " << where << ": " << opened.error().message() << "\n";
  return false;
}

// The address resolver's store from --db / --redis (memory when neither); empty after a
// message on stderr.
stores<ar_svc::store> open_ar_store(asio::io_context& ctx, const std::string& db, std::string redis,
                                    int redis_pool_size, const base::logger& log) {
  namespace ha = svc::httpauth;
  if (!db.empty() && !redis.empty()) {
    std::cerr << "error: --db and --redis are mutually exclusive: choose one store\n";
    return {};
  }
  if (!redis.empty()) {
    if (!redis.starts_with("redis://")) redis = "redis://" + redis;  // as Go's resolver does
    auto url = redis_url_flag(redis);
    if (!url) return {};
    svc::common::redis_options ro;
    ro.max_connections = static_cast<std::size_t>(std::max(1, redis_pool_size));
    auto opened = open_before_serving(ctx, ar_svc::open_redis_store(ctx.get_executor(), *url, ro));
    if (!opened) {
      std::cerr << "error: cannot use Redis at " << url->display() << ": " << opened.error().message() << "\n";
      return {};
    }
    auto nonces = open_before_serving(ctx, ha::open_redis_nonce_store(ctx.get_executor(), *url, ro));
    if (!nonces_opened(nonces, "Redis")) return {};
    log->info("bindings and nonces stored in Redis at {} (the Go address resolver's key layout)", url->display());
    return {std::move(*opened), std::move(*nonces)};
  }
  if (!db.empty()) {
    auto opened = ar_svc::open_sqlite_store(db);
    if (!opened) {
      std::cerr << "error: cannot open database " << db << ": " << opened.error().message() << "\n";
      return {};
    }
    auto nonces = ha::open_sqlite_nonce_store(db);
    if (!nonces_opened(nonces, db)) return {};
    log->info("bindings and nonces stored in SQLite database {}", db);
    return {std::move(*opened), std::move(*nonces)};
  }
  log->warn("no --db or --redis given: bindings and nonces are kept in memory and lost on restart");
  return {ar_svc::make_memory_store(), ha::make_memory_nonce_store()};
}

struct ar_flags {
  std::string addr = ":9093";
  bool local = false;
  bool trust_forwarded = false;
  std::string log_level = "info";
  std::string whitelist_keys;
  std::size_t max_body = 64 * 1024;
  std::string db;
  std::string redis;
  int redis_pool_size = 10;
  bool no_sudph = false;
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
  opt.udp = !f.no_sudph;  // the SUDPH (UDP/KCP) side on the same host:port as HTTP
  if (!parse_key_list(f.whitelist_keys, opt.api.nm_whitelist)) return 2;

  asio::io_context ctx(1);
  auto db = open_ar_store(ctx, f.db, f.redis, f.redis_pool_size, log);
  if (!db) return 1;
  const base::system_clock clock;
  ar_svc::service svc(ctx.get_executor(), *db.data, *db.nonces, clock, log, opt);
  return serve_until_signal(ctx, svc, f.addr, log);
}

void register_svc_ar(CLI::App& svc, run_state& state) {
  auto flags = std::make_shared<ar_flags>();
  CLI::App* ar = svc.add_subcommand(
      "ar",
      "Run an address resolver (Go: address-resolver), the HTTP side: visors bind their STCPR\n"
      "port and addresses (POST/DELETE /bind/stcpr, signed with httpauth), others look them up\n"
      "(GET /resolve/{stcpr|sudph}/{pk}), GET /transports lists who is bound, network monitors\n"
      "deregister (DELETE /deregister/{network}); /security/nonces/{pk} and /health as usual.\n"
      "Bindings have no TTL and live in memory, in SQLite (--db) or in Redis (--redis); the nonces too.\n"
      "Like Go, a visor may bind only from a public IPv4 address that it lists itself; --local\n"
      "also accepts loopback and private sources, for a deployment on one machine or a LAN.\n"
      "SUDPH visors bind over UDP/KCP on the same host:port and are asked to hole-punch when\n"
      "resolved (--no-sudph: HTTP only). Stops gracefully on SIGINT/SIGTERM.");
  add_addr_option(*ar, flags->addr);
  ar->add_flag("--local", flags->local,
               "local mode: let visors bind from loopback (127.0.0.0/8, ::1) and private (10/8, "
               "172.16/12, 192.168/16, fc00::/7) addresses; refused by default like the Go resolver");
  ar->add_flag("--trust-forwarded", flags->trust_forwarded,
               "take the caller's IP from True-Client-IP / X-Real-IP / X-Forwarded-For (only behind "
               "a reverse proxy that sets them; Go always does)");
  add_loglvl_option(*ar, flags->log_level, "trace, debug, info (every request), warn, error, off");
  ar->add_option("--whitelist-keys", flags->whitelist_keys,
                 "comma-separated public keys of network monitors allowed to call DELETE "
                 "/deregister/{network} (none = always 403)");
  add_max_body_option(*ar, flags->max_body);
  ar->add_option("--db", flags->db,
                 "SQLite database file: bindings survive restarts (created if missing). Neither --db nor "
                 "--redis: bindings are lost on restart. Not with --redis");
  ar->add_option("--redis", flags->redis,
                 "Redis URL redis://[:password@]host:port[/db] (password also from env REDIS_PASSWORD, which "
                 "wins), in the Go resolver's key layout: a Go and a C++ resolver can share it. Checked at "
                 "start: unreachable = exit 1. Not with --db");
  ar->add_option("--redis-pool-size", flags->redis_pool_size, "most Redis connections at once")->capture_default_str();
  ar->add_flag("--no-sudph", flags->no_sudph,
               "HTTP only: no SUDPH binding / hole punching over UDP (by default on the same host:port)");
  ar->callback([flags, &state] { state.exit_code = run_ar(*flags); });
}

struct tpd_flags {
  std::string addr = ":9091";
  std::string log_level = "info";
  std::string whitelist_keys;
  std::size_t max_body = 64 * 1024;
  std::string db;
  std::string pg_host;  // Go's --pg-host / --pg-port; either one selects PostgreSQL
  std::string pg_port;
};

// The transport discovery's store from --db / --pg-host / --pg-port (memory when none); empty
// after a message on stderr. PostgreSQL credentials come from PG_USER, PG_PASSWORD and
// PG_DATABASE, as Go's transport-discovery reads them.
stores<tpd_svc::store> open_tpd_store(asio::io_context& ctx, const tpd_flags& f, const base::logger& log) {
  namespace ha = svc::httpauth;
  const bool pg = !f.pg_host.empty() || !f.pg_port.empty();
  if (!f.db.empty() && pg) {
    std::cerr << "error: --db and --pg-host/--pg-port are mutually exclusive: choose one store\n";
    return {};
  }
  if (pg) {
    auto env = [](const char* name) {
      const char* v = std::getenv(name);
      return std::string(v ? v : "");
    };
    svc::common::pg_options o;
    const std::string host = f.pg_host.empty() ? "localhost" : f.pg_host;
    const std::string port = f.pg_port.empty() ? "5432" : f.pg_port;
    o.params = {{"host", host}, {"port", port}, {"sslmode", "disable"}};  // Go's DSN: sslmode=disable
    const std::pair<const char*, const char*> from_env[] = {
        {"user", "PG_USER"}, {"password", "PG_PASSWORD"}, {"dbname", "PG_DATABASE"}};
    for (const auto& [key, var] : from_env)
      if (auto v = env(var); !v.empty()) o.params.emplace_back(key, v);
    auto opened = open_before_serving(ctx, tpd_svc::open_postgres_store(ctx.get_executor(), o, log));
    if (!opened) {
      std::cerr << "error: cannot use PostgreSQL at " << host << ":" << port << ": " << opened.error().message()
                << " (see the log line above)\n";
      return {};
    }
    auto nonces = open_before_serving(ctx, ha::open_pg_nonce_store(ctx.get_executor(), o, log));
    if (!nonces_opened(nonces, "PostgreSQL")) return {};
    log->info("transports stored in PostgreSQL at {}:{} (Go's transports table), nonces in httpauth_nonces", host,
              port);
    return {std::move(*opened), std::move(*nonces)};
  }
  if (!f.db.empty()) {
    auto opened = tpd_svc::open_sqlite_store(f.db);
    if (!opened) {
      std::cerr << "error: cannot open database " << f.db << ": " << opened.error().message() << "\n";
      return {};
    }
    auto nonces = ha::open_sqlite_nonce_store(f.db);
    if (!nonces_opened(nonces, f.db)) return {};
    log->info("transports and nonces stored in SQLite database {}", f.db);
    return {std::move(*opened), std::move(*nonces)};
  }
  log->warn("no --db or --pg-host given: transports and nonces are kept in memory and lost on restart");
  return {tpd_svc::make_memory_store(), ha::make_memory_nonce_store()};
}

int run_tpd(const tpd_flags& f) {
  auto start = parse_service_flags("transport-discovery", f.log_level, f.addr);
  if (!start) return 2;
  const base::logger log = start->log;
  tpd_svc::service_options opt;
  opt.host = start->listen.host;
  opt.port = start->listen.port;
  opt.max_body = f.max_body;
  if (!parse_key_list(f.whitelist_keys, opt.api.nm_whitelist)) return 2;

  asio::io_context ctx(1);
  auto db = open_tpd_store(ctx, f, log);
  if (!db) return 1;
  const base::system_clock clock;
  tpd_svc::service svc(ctx.get_executor(), *db.data, *db.nonces, clock, log, opt);
  return serve_until_signal(ctx, svc, f.addr, log);
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
      "Transports live in memory, in SQLite (--db FILE) or in PostgreSQL (--pg-host/--pg-port with\n"
      "PG_USER/PG_PASSWORD/PG_DATABASE, Go's transports table: a Go and a C++ discovery can share\n"
      "it); the nonces with them. Stops gracefully on SIGINT/SIGTERM.");
  add_addr_option(*tpd, flags->addr);
  add_loglvl_option(*tpd, flags->log_level, "trace, debug (every change), info, warn, error, off");
  tpd->add_option("--whitelist-keys", flags->whitelist_keys,
                  "comma-separated public keys of network monitors allowed to call DELETE "
                  "/transports/deregister (NM-PK header, NM-Sign = signature of that key's hex; none = "
                  "always 403)");
  add_max_body_option(*tpd, flags->max_body);
  tpd->add_option("--db", flags->db,
                  "SQLite database file: transports survive restarts (created if missing). Not with --pg-*");
  tpd->add_option("--pg-host", flags->pg_host,
                  "PostgreSQL host (selects PostgreSQL; default port 5432; user, password and database from "
                  "env PG_USER, PG_PASSWORD, PG_DATABASE as in Go). Checked at start: unreachable = exit 1");
  tpd->add_option("--pg-port", flags->pg_port, "PostgreSQL port (selects PostgreSQL; host localhost by default)");
  tpd->callback([flags, &state] { state.exit_code = run_tpd(*flags); });
}

}  // namespace

void register_svc(CLI::App& parent, run_state& state) {
  CLI::App* svc = parent.add_subcommand("svc", "Deployment services (Go: skywire-services): ar, tpd, rf, sn");
  svc->require_subcommand(1);
  register_svc_ar(*svc, state);
  register_svc_tpd(*svc, state);
  register_svc_rf(*svc, state);
  register_svc_sn(*svc, state);
}

}  // namespace skywire::cli
