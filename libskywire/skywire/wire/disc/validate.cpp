#include "skywire/wire/disc/validate.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

#include "skywire/wire/errc.hpp"

namespace skywire::wire::disc {

result<void> validate(const entry& e, const base::clock& clock) {
  if (e.version.empty()) return errc::disc_no_version;
  if (e.signature.empty()) return errc::disc_no_signature;
  if (e.static_pk.is_null()) return errc::disc_nil_keys;
  if (!e.client && !e.server) return errc::disc_no_client_or_server;
  if (e.server && e.server->address.empty()) return errc::disc_empty_server_address;
  if (e.server && !e.client) {
    // Nanosecond integers: Go compares time.Unix(0, ts) with time.Now() the same way.
    const std::int64_t now = base::unix_nanos(clock.wall_now());
    const std::int64_t earliest =
        now - std::chrono::duration_cast<std::chrono::nanoseconds>(entry_lifetime).count();
    const std::int64_t latest =
        now + std::chrono::duration_cast<std::chrono::nanoseconds>(allowed_timestamp_error).count();
    if (e.timestamp > latest || e.timestamp < earliest) return errc::disc_outdated_timestamp;
  }
  return {};
}

result<void> validate_iteration(const entry& previous, const entry& next) {
  if (next.sequence <= previous.sequence) return errc::disc_wrong_sequence;
  if (next.timestamp < previous.timestamp) return errc::disc_wrong_time;
  return {};
}

bool is_loopback_address(std::string_view address) {
  // net.SplitHostPort: "[v6]:port" or "host:port" with exactly one colon.
  std::string_view host;
  if (!address.empty() && address.front() == '[') {
    const auto close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':')
      return false;
    host = address.substr(1, close - 1);
    if (address.find(':', close + 2) != std::string_view::npos) return false;
  } else {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = address.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return false;  // "too many colons"
    if (host.find_first_of("[]") != std::string_view::npos) return false;
  }
  if (host.empty()) return true;
  if (host.size() > 64) return false;
  const std::string h(host);
  std::array<std::uint8_t, 16> buf{};
  if (inet_pton(AF_INET, h.c_str(), buf.data()) == 1) return buf[0] == 127;
  if (inet_pton(AF_INET6, h.c_str(), buf.data()) == 1) {
    static constexpr std::array<std::uint8_t, 16> v6_loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (buf == v6_loopback) return true;
    // IPv4-mapped ::ffff:a.b.c.d is an IPv4 address to Go.
    for (int i = 0; i < 10; ++i)
      if (buf[static_cast<std::size_t>(i)] != 0) return false;
    return buf[10] == 0xff && buf[11] == 0xff && buf[12] == 127;
  }
  return false;
}

result<entry> check_post(std::string_view body, const base::clock& clock, const entry* stored,
                         const post_options& opts) {
  auto e = parse_entry(body, opts.limits);
  if (!e) return e.error();
  if (e->server && !opts.test_mode && is_loopback_address(e->server->address))
    return errc::disc_loopback_address;
  if (auto r = validate(*e, clock); !r) return r.error();
  if (auto r = verify_signature(*e); !r) return errc::disc_invalid_signature;
  if (stored) {
    if (auto r = validate_iteration(*stored, *e); !r) return r.error();
  }
  return e;
}

http_error to_http_error(const error_code& ec) {
  if (ec.category() == category()) {
    const auto c = static_cast<errc>(ec.value());
    if (c == errc::disc_invalid_signature) return {401, "invalid signature"};
    if (c >= errc::disc_no_version && c <= errc::disc_loopback_address)
      return {422, "entry validation error: " + ec.message()};
  }
  return {500, "something unexpected happened"};
}

}  // namespace skywire::wire::disc
