// Helpers shared by the command files (see common.hpp).
#include "commands/common.hpp"

#include <csignal>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>

#include "skywire/crypto/random.hpp"

namespace skywire::cli {

bool split_host_port(const std::string& text, host_port& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  const unsigned long v = std::stoul(p);
  if (v > 65535) return false;
  out.host = std::move(host);
  out.port = static_cast<std::uint16_t>(v);
  return true;
}

std::optional<spdlog::level::level_enum> parse_log_level(const std::string& name) {
  using spdlog::level::level_enum;
  if (name == "trace") return level_enum::trace;
  if (name == "debug") return level_enum::debug;
  if (name == "info" || name.empty()) return level_enum::info;
  if (name == "warn" || name == "warning") return level_enum::warn;
  if (name == "error") return level_enum::err;
  if (name == "fatal" || name == "panic") return level_enum::critical;
  if (name == "off") return level_enum::off;
  return std::nullopt;
}

std::optional<service_start> parse_service_flags(const std::string& logger_name, const std::string& log_level,
                                                 const std::string& addr) {
  const auto level = parse_log_level(log_level);
  if (!level) {
    std::cerr << "error: unknown log level '" << log_level << "' (trace, debug, info, warn, error, off)\n";
    return std::nullopt;
  }
  service_start out{base::make_stderr_logger(logger_name, *level), {}};
  if (!split_host_port(addr, out.listen)) {
    std::cerr << "error: --addr must be host:port or :port, got '" << addr << "'\n";
    return std::nullopt;
  }
  return out;
}

namespace {

// A function, not a capturing lambda: the coroutine frame owns its parameters, whereas a lambda
// coroutine would point into a closure that dies when the signal handler returns.
boost::asio::awaitable<void> stop_then_end(std::function<boost::asio::awaitable<void>()> stop,
                                           boost::asio::io_context& ctx) {
  co_await stop();
  ctx.stop();
}

}  // namespace

void run_until_signal(boost::asio::io_context& ctx, const base::logger& log,
                      std::function<boost::asio::awaitable<void>()> stop) {
  boost::asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log->info("signal {}: stopping", sig);
    boost::asio::co_spawn(ctx, stop_then_end(stop, ctx), boost::asio::detached);
  });
  ctx.run();
}

cli_result<crypto::key_pair> load_or_generate_keys(const std::string& sk_hex, const std::string& sk_file) {
  if (!sk_hex.empty() && !sk_file.empty()) return std::string("give either -s or --sk-file, not both");
  if (sk_hex.empty() && sk_file.empty()) {
    crypto::system_random rng;
    return crypto::generate_key_pair(rng);
  }
  auto sk = sk_hex.empty() ? read_key_file(sk_file) : parse_secret_key_hex(sk_hex);
  if (!sk) return sk.error();
  return crypto::key_pair{sk->public_key(), *sk};
}

}  // namespace skywire::cli
