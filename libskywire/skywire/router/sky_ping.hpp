#pragma once
// sky_ping: the visor's sky-ping (spec/skywire.md §6.7; Go: pkg/visor/{ping.go, init.go:
// initPing/handlePingConn, api.go: DialPing/Ping}). A diagnostic of one visor: it measures the
// time a message takes round a loop route self → pk → self (router::dial_ping_route), so the
// remote visor only forwards; both ends of the route are this visor, and so are the client and
// the service.
//
//   sky_ping sp(ex, r, clock, log);
//   sp.start();                                        // listens on skynet port 48
//   auto res = co_await sp.ping(pk, {.tries = 3});     // one ping_result per try
//   co_await sp.close();
//
// A ping to pk's port 48 (the default) measures, per try, the round trip of {"Size":n} → "ok"
// over the route as the latency, and the message's transfer as the time from its first byte to
// the next "ok" less that round trip (a last {"Size":1} probe closes the measure of the last
// try): the remote service answers "ok" only after it has read the whole previous message.
//
// Exchange per try (Go's, byte for byte): the client writes {"Size":<n>}; the service answers
// "ok"; the client writes the n-byte JSON {"Timestamp":"<RFC3339Nano>","PingPk":"<pk>",
// "Data":"<base64 of payload_bytes zero bytes>"} (split into route messages of ≤ 4070 bytes);
// the service reads until it has n bytes and computes latency = now − Timestamp on the wall
// clock. Go's service hands that latency to the waiting client in-process; so does ours, keyed
// by the client's route port. throughput = n / latency.
//
// Bounds: the service refuses (closes the route on) a Size above max_message or not a positive
// integer, messages that overrun the announced size, and waits at most idle_timeout for each
// message; the client waits at most opts.timeout per try. Concurrent pings are independent.
//
// Errors of ping(): the router's dial errors (errc::no_ping_route, …), errc::bad_ping_reply,
// net::errc::timeout, route group read/write errors, errc::router_closed after close().
// Executor: the router's; the router, clock and logger must outlive the object.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/router/router.hpp"

namespace skywire::router {

// Skynet port of the sky-ping service (skyenv.SkyPingPort).
inline constexpr std::uint16_t sky_ping_port = 48;

struct ping_options {
  unsigned tries = 1;
  std::size_t payload_bytes = 2048;  // zero bytes carried (base64) in each ping message
  std::chrono::nanoseconds timeout = std::chrono::seconds(10);  // per try
  // true: Go's PingRoute, a loop route self → pk → self that measures the message's one-way
  // trip round the loop. false: a route to pk's own port 48 (any visor that runs sky-ping
  // answers, Go's included), within min_hops..max_hops (0: the router's default).
  bool loop = false;
  std::uint16_t min_hops = 0;
  std::uint16_t max_hops = 0;
};

struct ping_result {
  std::chrono::microseconds latency{0};
  std::uint64_t throughput = 0;  // bytes/s: the ping message's size over its latency
  std::size_t bytes = 0;         // size of the ping message
};

// Parses Go's RFC3339Nano text ("2006-01-02T15:04:05.999999999Z07:00"; a fraction of up to 9
// digits, "Z" or ±hh:mm) to Unix nanoseconds. Bounded: at most 64 characters. Returns nullopt
// for anything else.
std::optional<std::int64_t> parse_go_time(std::string_view text);

class sky_ping {
 public:
  static constexpr std::size_t max_message = 4 * 1024 * 1024;  // the largest ping we accept
  static constexpr std::chrono::seconds idle_timeout{60};       // service: per message

  sky_ping(boost::asio::any_io_executor ex, router& r, const base::clock& clock, base::logger log);
  sky_ping(const sky_ping&) = delete;
  sky_ping& operator=(const sky_ping&) = delete;
  ~sky_ping();

  // Listens on sky_ping_port and serves every route group accepted there.
  result<void> start();
  boost::asio::awaitable<result<std::vector<ping_result>>> ping(crypto::public_key pk, ping_options opts = {});
  boost::asio::awaitable<void> close();

  struct state;

 private:
  boost::asio::awaitable<result<std::vector<ping_result>>> ping_remote(crypto::public_key pk, ping_options opts);
  std::shared_ptr<state> st_;
};

}  // namespace skywire::router
