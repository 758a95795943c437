#pragma once
// Helpers shared by the command files (the dmsg tools, the services): address and log-level
// parsing and the secret key from -s / --sk-file (random when neither is given). Errors are
// user-facing messages (never the secret itself).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <spdlog/common.h>

#include "commands/key_file.hpp"
#include "skywire/base/log.hpp"
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

}  // namespace skywire::cli
