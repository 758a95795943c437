// Helpers shared by the command files (see common.hpp).
#include "commands/common.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
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

void add_key_options(CLI::App& cmd, std::string& sk, std::string& sk_file, const std::string& sk_help) {
  cmd.add_option("-s,--sk", sk, sk_help);
  cmd.add_option("--sk-file", sk_file, "key file (as written by `skywire cli config gen-keys`)");
}

CLI::Option* add_tool_log_level_option(CLI::App& cmd, std::string& level) {
  return cmd.add_option("--log-level", level, "trace, debug, info, warn, error, off")->capture_default_str();
}

std::optional<spdlog::level::level_enum> tool_log_level(const std::string& name) {
  auto level = parse_log_level(name);
  if (!level) std::cerr << "error: unknown log level '" << name << "'\n";
  return level;
}

std::optional<crypto::key_pair> tool_keys(const std::string& sk_hex, const std::string& sk_file) {
  auto keys = load_or_generate_keys(sk_hex, sk_file);
  if (!keys) {
    std::cerr << "error: " << keys.error() << "\n";
    return std::nullopt;
  }
  return *keys;
}

std::optional<std::vector<crypto::public_key>> parse_public_keys(const std::vector<std::string>& texts,
                                                                 std::string_view flag) {
  std::vector<crypto::public_key> out;
  out.reserve(texts.size());
  for (const auto& text : texts) {
    auto pk = crypto::public_key::from_text(text);
    if (!pk || pk->is_null()) {
      std::cerr << "error: " << flag << " '" << text << "' is not a public key\n";
      return std::nullopt;
    }
    out.push_back(*pk);
  }
  return out;
}

CLI::Option* add_addr_option(CLI::App& cmd, std::string& addr) {
  return cmd.add_option("-a,--addr", addr, "address to listen on: host:port or :port (all interfaces)")
      ->capture_default_str();
}

CLI::Option* add_loglvl_option(CLI::App& cmd, std::string& level, const std::string& help) {
  return cmd.add_option("-l,--loglvl", level, help)->capture_default_str();
}

CLI::Option* add_max_body_option(CLI::App& cmd, std::size_t& max_body) {
  return cmd.add_option("--max-body", max_body, "largest accepted request body in bytes (413 above)")
      ->capture_default_str();
}

std::optional<spdlog::level::level_enum> config_log_level(const std::string& path, const std::string& name) {
  auto level = parse_log_level(name);
  if (!level) std::cerr << "error: " << path << ": unknown log_level '" << name << "'\n";
  return level;
}

int write_new_secret_file(const std::string& path, const std::string& text, bool force) {
  if (force) ::unlink(path.c_str());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::cerr << "error: cannot create " << path << ": " << std::strerror(errno)
              << (errno == EEXIST ? " (use --force to replace it)" : "") << "\n";
    return 1;
  }
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) {
    std::cerr << "error: cannot write " << path << "\n";
    return 1;
  }
  return 0;
}

std::optional<svc::common::redis_url> redis_url_flag(const std::string& text) {
  auto url = svc::common::parse_redis_url(text);
  if (!url) {
    std::cerr << "error: --redis '" << text << "': " << url.error().message() << "\n";
    return std::nullopt;
  }
  // As Go's services: the password may come from the environment instead of the URL.
  if (const char* pw = std::getenv("REDIS_PASSWORD"); pw != nullptr && *pw != '\0') url->password = pw;
  return *url;
}

int listen_failed(std::string_view where, const boost::system::error_code& ec) {
  std::cerr << "error: cannot listen on " << where << ": " << ec.message() << "\n";
  return 1;
}

}  // namespace skywire::cli
