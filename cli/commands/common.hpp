#pragma once
// Helpers shared by the command files (the dmsg tools, the services): address and log-level
// parsing, the secret key from -s / --sk-file (random when neither is given), the flags every
// service or dmsg tool registers alike, and a service's life (open its store, start, serve until
// SIGINT/SIGTERM, shut down). Errors are user-facing messages (never the secret itself); the
// helpers that print them say so, with the exit code the caller returns.
//
//   auto start = parse_service_flags("dmsg-disc", f.log_level, f.addr);      // bad input: exit 2
//   asio::io_context ctx(1);
//   svc::dmsg_discovery::service svc(ctx.get_executor(), …);
//   return serve_until_signal(ctx, svc, f.addr, start->log);                 // 1 if it cannot listen
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <CLI/CLI.hpp>
#include <spdlog/common.h>

#include "commands/key_file.hpp"
#include "common/redis_url.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::cli {

struct host_port {
  std::string host;  // empty for ":port" (all interfaces); brackets of "[v6]" removed
  std::uint16_t port = 0;
};

// "host:port", ":port" or "[v6]:port".
bool split_host_port(const std::string& text, host_port& out);

// logrus level names (trace, debug, info, warn/warning, error, fatal, panic) and "off".
std::optional<spdlog::level::level_enum> parse_log_level(const std::string& name);

// What every service command starts from: its --log-level and its listen --addr. On bad input
// the message is printed on stderr and nullopt returned (the caller exits 2).
struct service_start {
  base::logger log;
  host_port listen;
};
std::optional<service_start> parse_service_flags(const std::string& logger_name, const std::string& log_level,
                                                 const std::string& addr);

// Runs `ctx` until SIGINT/SIGTERM, then logs the signal, awaits `stop` (graceful shutdown) and
// stops `ctx`; returns when ctx.run() does.
void run_until_signal(boost::asio::io_context& ctx, const base::logger& log,
                      std::function<boost::asio::awaitable<void>()> stop);

// -s SK (64 hex digits) or --sk-file FILE (a key file); neither: a fresh random key pair.
cli_result<crypto::key_pair> load_or_generate_keys(const std::string& sk_hex, const std::string& sk_file);

// --- The flags of the dmsg tools (http, pty, curl) ----------------------------------------------

// -s,--sk and --sk-file, next to each other (their order in --help).
void add_key_options(CLI::App& cmd, std::string& sk, std::string& sk_file,
                     const std::string& sk_help = "secret key (64 hex digits); default: a random key");

// --log-level with the plain level list as help, its default shown.
CLI::Option* add_tool_log_level_option(CLI::App& cmd, std::string& level);

// A dmsg tool's --log-level: nullopt after "error: unknown log level 'NAME'" on stderr (exit 2).
std::optional<spdlog::level::level_enum> tool_log_level(const std::string& name);

// load_or_generate_keys: nullopt after "error: MESSAGE" on stderr (exit 2).
std::optional<crypto::key_pair> tool_keys(const std::string& sk_hex, const std::string& sk_file);

// Public keys given one per flag occurrence (--wl, --nm-pk, …): nullopt after
// "error: FLAG 'TEXT' is not a public key" on stderr (exit 2). The null key is refused too.
std::optional<std::vector<crypto::public_key>> parse_public_keys(const std::vector<std::string>& texts,
                                                                 std::string_view flag);

// --- The flags of the HTTP services (svc ar/tpd/rf, dmsg disc) ----------------------------------

// -a,--addr: where the service listens, its default shown.
CLI::Option* add_addr_option(CLI::App& cmd, std::string& addr);

// -l,--loglvl with the service's own help (what each level logs), its default shown.
CLI::Option* add_loglvl_option(CLI::App& cmd, std::string& level, const std::string& help);

// --max-body: the largest request body, its default shown.
CLI::Option* add_max_body_option(CLI::App& cmd, std::size_t& max_body);

// --- Config files that hold a secret key (svc sn, dmsg server) --------------------------------

// The log_level field of config file PATH: nullopt after "error: PATH: unknown log_level 'NAME'"
// on stderr (exit 1).
std::optional<spdlog::level::level_enum> config_log_level(const std::string& path, const std::string& name);

// Writes `text` to a new file with mode 0600: O_EXCL, so neither an existing file nor a symlink
// is written through and the secret is never readable by others, not even for an instant;
// `force` unlinks an existing file first. Returns 0, or 1 after "error: cannot create PATH: …
// (use --force to replace it)" / "error: cannot write PATH" on stderr.
int write_new_secret_file(const std::string& path, const std::string& text, bool force);

// --- A service's life ------------------------------------------------------------------------

// A --redis URL (the password from env REDIS_PASSWORD when set: it wins, as in Go): nullopt
// after "error: --redis 'TEXT': …" on stderr.
std::optional<svc::common::redis_url> redis_url_flag(const std::string& text);

// Runs a store's opening coroutine (connect + check) on `ctx` to completion before serving, so
// that an unreachable database is a start-up error rather than a stream of 500s. `ctx` is
// restarted afterwards, ready for the service. An exception from `op` is rethrown (a bug).
template <class T>
result<T> open_before_serving(boost::asio::io_context& ctx, boost::asio::awaitable<result<T>> op) {
  std::optional<result<T>> opened;
  std::exception_ptr failure;
  boost::asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e, result<T> r) {
    failure = e;
    opened = std::move(r);
  });
  ctx.run();
  ctx.restart();
  if (failure) std::rethrow_exception(failure);
  return opened ? std::move(*opened) : result<T>(boost::asio::error::operation_aborted);
}

// "error: cannot listen on WHERE: MESSAGE" on stderr; returns 1, the exit code.
int listen_failed(std::string_view where, const boost::system::error_code& ec);

// How long an HTTP service's shutdown waits for requests in flight.
inline constexpr std::chrono::seconds service_grace{5};

// The life of an HTTP service (anything with start() -> result<port> and shutdown(grace)):
// start it, serve until SIGINT/SIGTERM, then shut down gracefully. Returns the exit code: 0, or
// listen_failed(addr, …) when start() fails.
template <class Service>
int serve_until_signal(boost::asio::io_context& ctx, Service& svc, std::string_view addr, const base::logger& log) {
  auto port = svc.start();
  if (!port) return listen_failed(addr, port.error());
  run_until_signal(ctx, log, [&svc] { return svc.shutdown(service_grace); });
  return 0;
}

}  // namespace skywire::cli
