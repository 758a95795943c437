#pragma once
// Redis connection URLs as the Go services take them (go-redis ParseURL):
//   redis://[[user]:password@]host[:port][/db]     port 6379, db 0 by default
// `user` is sent only when non-empty (AUTH user password, Redis 6 ACLs); an empty host means
// localhost. rediss:// (TLS) and unix:// are refused with redis_errc::unsupported_scheme,
// anything else malformed with redis_errc::bad_url.
#include "skywire/base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include "redis_errc.hpp"

namespace skywire::svc::common {

struct redis_url {
  std::string host = "localhost";
  std::uint16_t port = 6379;
  std::string user;
  std::string password;
  int db = 0;

  // "host:port/db" without credentials, for logs and error messages.
  std::string display() const;
};

result<redis_url> parse_redis_url(std::string_view text);

}  // namespace skywire::svc::common
