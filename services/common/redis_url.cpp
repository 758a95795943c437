#include "redis_url.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace skywire::svc::common {

std::string redis_url::display() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port) + "/" + std::to_string(db);
}

result<redis_url> parse_redis_url(std::string_view text) {
  auto u = boost::urls::parse_uri(text);
  if (!u) return redis_errc::bad_url;
  if (u->scheme() != "redis") {
    if (u->scheme() == "rediss" || u->scheme() == "unix") return redis_errc::unsupported_scheme;
    return redis_errc::bad_url;
  }
  if (u->has_query() || u->has_fragment()) return redis_errc::bad_url;
  redis_url out;
  if (!u->encoded_host().empty()) {
    out.host = u->host_address();
  }
  if (u->has_port()) {
    const auto p = u->port();
    unsigned v = 0;
    const auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc{} || ptr != p.data() + p.size() || v == 0 || v > 65535)
      return redis_errc::bad_url;
    out.port = static_cast<std::uint16_t>(v);
  }
  if (u->has_userinfo()) {
    out.user = u->user();
    out.password = u->password();
  }
  const std::string path = u->path();
  if (!path.empty() && path != "/") {
    if (path.front() != '/') return redis_errc::bad_url;
    const std::string_view digits = std::string_view(path).substr(1);
    int db = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), db);
    if (digits.empty() || ec != std::errc{} || ptr != digits.data() + digits.size() || db < 0)
      return redis_errc::bad_url;
    out.db = db;
  }
  return out;
}

}  // namespace skywire::svc::common
