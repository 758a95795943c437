// `skywire dmsg`: the dmsg command group (Go: the dmsg binaries, reachable as `skywire dmsg …` in
// the vendored skywire). `dmsg disc` (discovery), `dmsg server`
// (dmsg_server.cpp), `dmsg http` (dmsg_http.cpp), `dmsg curl` (dmsg_curl.cpp), `dmsg pty` (dmsg_pty.cpp).
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "dmsg-discovery/redis_store.hpp"
#include "dmsg-discovery/service.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;
namespace disc_svc = skywire::svc::dmsg_discovery;

struct disc_flags {
  std::string addr = ":9090";
  std::string db;
  std::string redis;
  bool test_mode = false;
  std::string log_level = "info";
  std::vector<std::string> nm_pks;
  std::string auth;
  std::vector<std::string> official;
  std::size_t max_body = disc_svc::default_max_body;
};

int run_disc(const disc_flags& f) {
  auto start = parse_service_flags("dmsg-disc", f.log_level, f.addr);
  if (!start) return 2;
  const base::logger log = start->log;
  disc_svc::service_options opt;
  opt.host = start->listen.host;
  opt.port = start->listen.port;
  opt.api.test_mode = f.test_mode;
  opt.api.auth_passphrase = f.auth;
  if (const char* env = std::getenv("DMSG_DISC_AUTH"); env && f.auth.empty()) opt.api.auth_passphrase = env;
  auto official = parse_public_keys(f.official, "--official-servers");
  if (!official) return 2;
  opt.api.official_servers = std::move(*official);
  opt.max_body = f.max_body;
  auto nm_whitelist = parse_public_keys(f.nm_pks, "--nm-pk");
  if (!nm_whitelist) return 2;
  opt.api.nm_whitelist = std::move(*nm_whitelist);

  if (!f.db.empty() && !f.redis.empty()) {
    std::cerr << "error: --db and --redis are mutually exclusive: choose one store\n";
    return 2;
  }

  asio::io_context ctx(1);
  std::unique_ptr<disc_svc::store> db;
  if (!f.redis.empty()) {
    auto url = redis_url_flag(f.redis);
    if (!url) return 2;
    // Connect and PING before serving: an unreachable Redis (or a refused password) is a start-up
    // error, not a stream of 500s.
    auto opened = open_before_serving(ctx, disc_svc::open_redis_store(ctx.get_executor(), *url));
    if (!opened) {
      std::cerr << "error: cannot use Redis at " << url->display() << ": " << opened.error().message() << "\n";
      return 1;
    }
    db = std::move(*opened);
    log->info("entries stored in Redis at {} (the Go dmsg-discovery's key layout)", url->display());
  } else if (f.db.empty()) {
    log->warn("no --db or --redis given: entries are kept in memory and lost on restart");
    db = disc_svc::make_memory_store();
  } else {
    auto opened = disc_svc::open_sqlite_store(f.db);
    if (!opened) {
      std::cerr << "error: cannot open database " << f.db << ": " << opened.error().message() << "\n";
      return 1;
    }
    db = std::move(*opened);
    log->info("entries stored in SQLite database {}", f.db);
  }

  const base::system_clock clock;
  disc_svc::service svc(ctx.get_executor(), *db, clock, log, opt);
  return serve_until_signal(ctx, svc, f.addr, log);
}

}  // namespace

void register_dmsg(CLI::App& parent, run_state& state) {
  CLI::App* dmsg = parent.add_subcommand("dmsg", "dmsg services and tools (Go: dmsg-discovery, dmsg-server, …)");
  dmsg->require_subcommand(1);

  auto flags = std::make_shared<disc_flags>();
  CLI::App* disc = dmsg->add_subcommand(
      "disc",
      "Run a dmsg discovery (Go: dmsg-discovery): the HTTP API where dmsg servers and clients\n"
      "publish their signed entries (GET/POST /dmsg-discovery/entry/…, available_servers,\n"
      "all_servers, entries, visorEntries, deregister, /health). Server entries expire 2 min\n"
      "after their last update; client entries are kept until deleted. Stops gracefully on\n"
      "SIGINT/SIGTERM. Stores: memory (default, lost on restart), SQLite (--db FILE) or Redis\n"
      "(--redis URL, the Go discovery's key layout: a Go and a C++ discovery can share it).");
  add_addr_option(*disc, flags->addr);
  disc->add_option("--db", flags->db,
                   "SQLite database file (created if missing; survives restarts). Default: in memory, "
                   "entries are lost on restart. Not with --redis");
  disc->add_option("--redis", flags->redis,
                   "Redis URL redis://[:password@]host:port[/db] (password also from env REDIS_PASSWORD, "
                   "which wins). Checked at start: unreachable = exit 1. Not with --db");
  disc->add_flag("-t,--test-mode", flags->test_mode,
                 "accept server entries advertising loopback addresses (local test deployments); "
                 "refused by default like the Go discovery");
  disc->add_option("--log-level", flags->log_level,
                   "trace, debug (every request), info (every entry write), warn, error, off")
      ->capture_default_str();
  disc->add_option("--nm-pk", flags->nm_pks,
                   "public key of a network monitor allowed to call DELETE /dmsg-discovery/deregister "
                   "(repeatable; none = deregister always answers 403)");
  disc->add_option("--auth", flags->auth,
                   "passphrase that makes a dmsg server 'official' (the server sends it as serverType; "
                   "also from env DMSG_DISC_AUTH). With this or --official-servers every server entry is "
                   "stored as 'official' or 'community'");
  disc->add_option("--official-servers", flags->official, "public keys of official dmsg servers (repeatable)");
  add_max_body_option(*disc, flags->max_body);
  disc->callback([flags, &state] { state.exit_code = run_disc(*flags); });

  register_dmsg_server(*dmsg, state);
  register_dmsg_http(*dmsg, state);
  register_dmsg_curl(*dmsg, state);
  register_dmsg_pty(*dmsg, state);
}

}  // namespace skywire::cli
