// Helpers shared by the command files (see common.hpp).
#include "commands/common.hpp"

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
