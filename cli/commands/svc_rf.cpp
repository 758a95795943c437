// `skywire svc rf`: the route finder (services/route-finder; Go: skywire-services route-finder).
// Its graph comes from a transport discovery's GET /all-transports (--tpd), cached for a second;
// Go's route finder reads the discovery's PostgreSQL tables instead.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "route-finder/service.hpp"
#include "route-finder/transport_source.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/net/http_client.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;
namespace rf_svc = skywire::svc::route_finder;

struct rf_flags {
  std::string addr = ":9092";
  std::string tpd;
  std::string log_level = "info";
  std::size_t max_body = 16 * 1024;
  double refresh = 1.0;
};

int run_rf(const rf_flags& f) {
  auto start = parse_service_flags("route-finder", f.log_level, f.addr);
  if (!start) return 2;
  const base::logger log = start->log;
  const std::string tpd = disc::sanitize_base_url(f.tpd);
  if (f.tpd.empty() || !tpd.starts_with("http://")) {
    std::cerr << "error: --tpd '" << f.tpd << "': give the transport discovery's http:// URL\n";
    return 2;
  }
  if (!(f.refresh >= 0.05 && f.refresh <= 3600)) {
    std::cerr << "error: --refresh must be between 0.05 and 3600 seconds\n";
    return 2;
  }
  rf_svc::service_options opt;
  opt.host = start->listen.host;
  opt.port = start->listen.port;
  opt.max_body = f.max_body;
  rf_svc::cache_options cache;
  cache.max_age = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(f.refresh));

  asio::io_context ctx(1);
  const base::system_clock clock;
  auto http = std::make_shared<net::http_client>(ctx.get_executor(), rf_svc::tpd_http_options());
  rf_svc::cached_source source(ctx.get_executor(), rf_svc::make_tpd_fetcher(http, tpd), clock, log, cache);
  rf_svc::service svc(ctx.get_executor(), source, clock, log, opt);
  if (auto port = svc.start(); !port) return listen_failed(f.addr, port.error());
  log->info("transports from {}/all-transports, graph refreshed when older than {} s", tpd, f.refresh);
  run_until_signal(ctx, log, [&] { return svc.shutdown(service_grace); });
  return 0;
}

}  // namespace

void register_svc_rf(CLI::App& svc, run_state& state) {
  auto flags = std::make_shared<rf_flags>();
  CLI::App* rf = svc.add_subcommand(
      "rf",
      "Run a route finder (Go: route-finder), the HTTP API visors ask for paths before a route\n"
      "setup (spec/skywire.md section 4.1). No authentication: POST /routes with\n"
      "{\"Edges\":[\"<src pk>:<dst pk>\",...],\"Opts\":{\"MinHops\":0,\"MaxHops\":50}} answers, per edge,\n"
      "up to 5 paths of hops {TpID, From, To}, shortest first, none visiting a visor twice (a\n"
      "loop route src == dst returns to its start); 404 when the source has no transport or no\n"
      "path fits the hop bounds. GET /health as usual. The graph is the transport discovery's\n"
      "GET /all-transports (--tpd, e.g. a `skywire svc tpd`), fetched again when older than\n"
      "--refresh seconds; a discovery outage is bridged with the last graph for 30 s.\n"
      "Stops gracefully on SIGINT/SIGTERM.");
  add_addr_option(*rf, flags->addr);
  rf->add_option("--tpd", flags->tpd, "transport discovery URL, e.g. http://127.0.0.1:9091")->required();
  add_loglvl_option(*rf, flags->log_level, "trace, debug (every request, graph refreshes), info, warn, error, off");
  add_max_body_option(*rf, flags->max_body);
  rf->add_option("--refresh", flags->refresh, "seconds a fetched graph is used before it is fetched again")
      ->capture_default_str();
  rf->callback([flags, &state] { state.exit_code = run_rf(*flags); });
}

}  // namespace skywire::cli
