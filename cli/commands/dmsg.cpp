// `skywire dmsg`: the dmsg command group (Go: the dmsg binaries, reachable as `skywire dmsg …` in
// the vendored skywire). `dmsg disc` (discovery), `dmsg server`
// (dmsg_server.cpp), `dmsg http` (dmsg_http.cpp), `dmsg curl` (dmsg_curl.cpp).
#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "commands/commands.hpp"
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
  bool test_mode = false;
  std::string log_level = "info";
  std::vector<std::string> nm_pks;
  std::size_t max_body = disc_svc::default_max_body;
};

// "host:port", ":port" or "[v6]:port".
bool split_addr(const std::string& addr, std::string& host, std::uint16_t& port) {
  const auto colon = addr.rfind(':');
  if (colon == std::string::npos) return false;
  host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = addr.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long v = std::stoul(p);
  if (v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

int run_disc(const disc_flags& f) {
  const auto level = spdlog::level::from_str(f.log_level);
  if (level == spdlog::level::off && f.log_level != "off") {
    std::cerr << "error: unknown log level '" << f.log_level << "' (trace, debug, info, warn, error)\n";
    return 2;
  }
  auto log = base::make_stderr_logger("dmsg-disc", level);
  disc_svc::service_options opt;
  if (!split_addr(f.addr, opt.host, opt.port)) {
    std::cerr << "error: --addr must be host:port or :port, got '" << f.addr << "'\n";
    return 2;
  }
  opt.api.test_mode = f.test_mode;
  opt.max_body = f.max_body;
  for (const auto& text : f.nm_pks) {
    auto pk = crypto::public_key::from_text(text);
    if (!pk || pk->is_null()) {
      std::cerr << "error: --nm-pk '" << text << "' is not a public key\n";
      return 2;
    }
    opt.api.nm_whitelist.push_back(*pk);
  }

  std::unique_ptr<disc_svc::store> db;
  if (f.db.empty()) {
    log->warn("no --db given: entries are kept in memory and lost on restart");
    db = disc_svc::make_memory_store();
  } else {
    auto opened = disc_svc::open_sqlite_store(f.db);
    if (!opened) {
      std::cerr << "error: cannot open database " << f.db << ": " << opened.error().message() << "\n";
      return 1;
    }
    db = std::move(*opened);
    log->info("entries stored in {}", f.db);
  }

  const base::system_clock clock;
  asio::io_context ctx(1);
  disc_svc::service svc(ctx.get_executor(), *db, clock, log, opt);
  auto port = svc.start();
  if (!port) {
    std::cerr << "error: cannot listen on " << f.addr << ": " << port.error().message() << "\n";
    return 1;
  }
  asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log->info("signal {}: stopping", sig);
    asio::co_spawn(ctx, svc.shutdown(std::chrono::seconds(5)), asio::detached);
  });
  ctx.run();
  return 0;
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
      "SIGINT/SIGTERM. Unlike Go it needs no Redis: entries live in memory or in SQLite (--db).");
  disc->add_option("-a,--addr", flags->addr, "address to listen on: host:port or :port (all interfaces)")
      ->capture_default_str();
  disc->add_option("--db", flags->db,
                   "SQLite database file (created if missing; survives restarts). Default: in memory, "
                   "entries are lost on restart");
  disc->add_flag("-t,--test-mode", flags->test_mode,
                 "accept server entries advertising loopback addresses (local test deployments); "
                 "refused by default like the Go discovery");
  disc->add_option("--log-level", flags->log_level,
                   "trace, debug (every request), info (every entry write), warn, error, off")
      ->capture_default_str();
  disc->add_option("--nm-pk", flags->nm_pks,
                   "public key of a network monitor allowed to call DELETE /dmsg-discovery/deregister "
                   "(repeatable; none = deregister always answers 403)");
  disc->add_option("--max-body", flags->max_body, "largest accepted request body in bytes (413 above)")
      ->capture_default_str();
  disc->callback([flags, &state] { state.exit_code = run_disc(*flags); });

  register_dmsg_server(*dmsg, state);
  register_dmsg_http(*dmsg, state);
  register_dmsg_curl(*dmsg, state);
}

}  // namespace skywire::cli
