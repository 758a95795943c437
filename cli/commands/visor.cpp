// `skywire visor`: run a visor from its config file (libskywire/skywire/visor/visor.hpp). With no
// config file at the given path it first writes one (fresh keys, like `skywire cli config gen`),
// for the production deployment unless --svcconf names a local one or -t the test one.
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/visor/config.hpp"
#include "skywire/visor/visor.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;

constexpr const char* our_version = "v1.3.20";

struct visor_flags {
  std::string config = "skywire-config.json";
  std::string svcconf;
  bool test_env = false;
  std::string log_level;
};

// The start sequence as one coroutine: on failure the exit code is set and the context stopped.
asio::awaitable<void> start_visor(visor::visor& v, asio::io_context& ctx, int& exit_code) {
  auto started = co_await v.start();
  if (!started) {
    std::cerr << "error: the visor could not start: " << started.error().message() << "\n";
    exit_code = 1;
    ctx.stop();
  }
}

int run_visor(const visor_flags& f) {
  struct stat st {};
  if (::stat(f.config.c_str(), &st) != 0) {
    std::cerr << "no config at " << f.config << ": generating one\n";
    if (const int rc = generate_config(f.config, f.svcconf, f.test_env); rc != 0) return rc;
  }
  std::ifstream in(f.config, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << f.config << "\n";
    return 1;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = visor::parse_config(text, visor::prod_services(), our_version);
  if (!parsed) {
    std::cerr << "error: " << f.config << ": " << parsed.error().message << "\n";
    return 2;
  }
  visor::config cfg = std::move(parsed->cfg);
  if (!f.log_level.empty()) cfg.log_level = f.log_level;
  const auto level = parse_log_level(cfg.log_level);
  if (!level) {
    std::cerr << "error: unknown log level '" << cfg.log_level << "'\n";
    return 2;
  }
  const base::logger log = base::make_stderr_logger("visor", *level);
  for (const auto& field : parsed->unknown_fields) log->warn("{}: unknown field '{}' ignored", f.config, field);

  const base::system_clock clock;
  asio::io_context ctx(1);
  auto v = visor::visor::create(ctx.get_executor(), std::move(cfg), clock, log);
  if (!v) {
    std::cerr << "error: " << f.config << ": " << v.error().message() << "\n";
    return 2;
  }
  int exit_code = 0;
  asio::co_spawn(ctx, start_visor(**v, ctx, exit_code), asio::detached);
  run_until_signal(ctx, log, [&] { return (*v)->stop(); });
  return exit_code;
}

}  // namespace

void register_visor(CLI::App& parent, run_state& state) {
  auto f = std::make_shared<visor_flags>();
  CLI::App* cmd = parent.add_subcommand(
      "visor",
      "Run a visor: dmsg sessions, transports (stcp, stcpr, sudph, dmsg) registered in the\n"
      "transport discovery, persistent transports, and the local API that `skywire cli` uses\n"
      "(on cli_addr, loopback only). Reads the Go visor's config format; with no config file it\n"
      "writes one first (fresh keys; production endpoints, -t the test deployment, --svcconf a\n"
      "local one). Stops gracefully on SIGINT/SIGTERM within the config's shutdown_timeout.");
  cmd->add_option("-c,--config", f->config, "config file (created when missing)")->capture_default_str();
  cmd->add_option("--svcconf", f->svcconf, "services file used when generating a missing config");
  cmd->add_flag("-t,--testenv", f->test_env, "generate a missing config for the test deployment");
  cmd->add_option("--loglvl", f->log_level, "override the config's log level: trace, debug, info, warn, error");
  cmd->callback([f, &state] { state.exit_code = run_visor(*f); });
}

}  // namespace skywire::cli
