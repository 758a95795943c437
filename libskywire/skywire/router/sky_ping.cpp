#include "skywire/router/sky_ping.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/router/detail/state.hpp"
#include "skywire/router/errc.hpp"
#include "skywire/wire/json/go_time.hpp"

namespace skywire::router {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::duration_cast;

namespace {

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::int64_t unix_ns(base::clock::wall_time t) {
  return duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Base64 of n zero bytes: every full 3-byte group is "AAAA"; a last group of 1 or 2 bytes is
// "AA==" / "AAA=". (The ping payload is all zeros, as Go's make([]byte, n).)
std::string base64_zeros(std::size_t n) {
  std::string out((n / 3) * 4, 'A');
  if (n % 3 == 1) out += "AA==";
  if (n % 3 == 2) out += "AAA=";
  return out;
}

// A JSON object's member by name, matched case-insensitively as Go's decoder does.
const json::value* member(const json::object& o, std::string_view name) {
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    if (k.size() == name.size() &&
        std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return &kv.value();
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::int64_t> parse_go_time(std::string_view s) {
  if (s.size() < 20 || s.size() > 64) return std::nullopt;
  auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  auto h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  if (*h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                        std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t frac_ns = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t n = 0;
    std::int64_t scale = 100000000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (++n > 9) return std::nullopt;
      frac_ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (n == 0) return std::nullopt;
  }
  std::int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  const std::int64_t secs = days * 86400 + *h * 3600 + *mi * 60 + *se - offset_s;
  return secs * 1000000000 + frac_ns;
}

struct sky_ping::state : std::enable_shared_from_this<sky_ping::state> {
  state(asio::any_io_executor e, router& rt, const base::clock& c, base::logger lg)
      : ex(e), r(rt), clock(c), log(lg ? std::move(lg) : base::make_null_logger("sky-ping")), tasks(e, 1024) {}

  // Latencies the service measured, for the client whose route starts at that port.
  struct waiter {
    explicit waiter(asio::any_io_executor e) : wake(e) { detail::arm_never(wake); }
    std::deque<std::chrono::microseconds> latencies;
    asio::steady_timer wake;
  };

  asio::awaitable<void> accept_loop(std::shared_ptr<state> self);
  asio::awaitable<void> serve(std::shared_ptr<state> self, route_group g);

  asio::any_io_executor ex;
  router& r;
  const base::clock& clock;
  base::logger log;
  net::task_group tasks;
  std::optional<listener> l;
  std::map<std::uint16_t, std::shared_ptr<waiter>> waiters;
  bool closed = false;
};

asio::awaitable<void> sky_ping::state::accept_loop(std::shared_ptr<state> self) {
  (void)self;
  while (!closed && l) {
    auto g = co_await l->accept();
    if (!g) co_return;
    auto serving = serve(shared_from_this(), std::move(*g));
    if (!tasks.spawn(std::move(serving))) co_return;
  }
}

// Go's handlePingConn: {"Size":n} → "ok" → n bytes of ping JSON → latency, repeated.
asio::awaitable<void> sky_ping::state::serve(std::shared_ptr<state> self, route_group g) {
  (void)self;
  for (;;) {
    auto first = g.read();
    auto size_msg = co_await net::with_timeout(std::move(first), idle_timeout);
    if (!size_msg) co_return;
    std::error_code jec;
    auto v = json::parse(as_chars(*size_msg), jec);
    const json::value* size = (!jec && v.is_object()) ? member(v.as_object(), "Size") : nullptr;
    if (!size || !size->is_int64() || size->as_int64() <= 0 || size->as_int64() > static_cast<std::int64_t>(max_message)) {
      log->debug("sky-ping: bad size message from {}", g.remote_addr().pk.to_hex());
      co_return;
    }
    const auto want = static_cast<std::size_t>(size->as_int64());
    auto ok = g.write(as_bytes("ok"));
    if (!(co_await std::move(ok))) co_return;
    std::string body;
    while (body.size() < want) {
      auto next = g.read();
      auto part = co_await net::with_timeout(std::move(next), idle_timeout);
      if (!part) co_return;
      if (body.size() + part->size() > want) co_return;  // overran what it announced
      body.append(as_chars(*part));
    }
    const auto now = unix_ns(clock.wall_now());
    auto msg = json::parse(body, jec);
    const json::value* ts = (!jec && msg.is_object()) ? member(msg.as_object(), "Timestamp") : nullptr;
    const auto sent = (ts && ts->is_string()) ? parse_go_time(ts->as_string()) : std::nullopt;
    if (!sent) co_return;
    const auto latency = std::chrono::microseconds(std::max<std::int64_t>(now - *sent, 0) / 1000);
    const auto from = g.remote_addr();
    if (from.pk != r.local_pk()) continue;  // someone else's loop: nobody here waits for it
    auto w = waiters.find(from.port);
    if (w == waiters.end()) continue;
    if (w->second->latencies.size() < 64) w->second->latencies.push_back(latency);
    w->second->wake.cancel();
  }
}

sky_ping::sky_ping(asio::any_io_executor ex, router& r, const base::clock& clock, base::logger log)
    : st_(std::make_shared<state>(std::move(ex), r, clock, std::move(log))) {}

sky_ping::~sky_ping() {
  st_->closed = true;
  if (st_->l) st_->l->close();
  st_->tasks.cancel();
}

result<void> sky_ping::start() {
  auto& st = *st_;
  if (st.closed) return errc::router_closed;
  auto l = st.r.listen(sky_ping_port);
  if (!l) return l.error();
  st.l.emplace(std::move(*l));
  auto loop = st.accept_loop(st_);
  return st.tasks.spawn(std::move(loop));
}

namespace {

// Writes {"Size":n} and waits for "ok": the round trip over the route.
asio::awaitable<result<std::chrono::steady_clock::time_point>> size_and_ok(route_group& g, std::size_t n,
                                                                         std::chrono::nanoseconds timeout) {
  const std::string size = json::serialize(json::object{{"Size", n}});
  auto ws = g.write(as_bytes(size));
  if (auto r = co_await std::move(ws); !r) co_return r.error();
  auto rd = g.read();
  auto reply = co_await net::with_timeout(std::move(rd), timeout);
  if (!reply) co_return reply.error();
  if (as_chars(*reply) != "ok") co_return error_code(errc::bad_ping_reply);
  co_return std::chrono::steady_clock::now();
}

}  // namespace

asio::awaitable<result<std::vector<ping_result>>> sky_ping::ping_remote(crypto::public_key pk, ping_options opts) {
  auto st = st_;
  auto dial = st->r.dial(pk, sky_ping_port, {.min_hops = opts.min_hops, .max_hops = opts.max_hops});
  auto g = co_await std::move(dial);
  if (!g) co_return g.error();
  const std::string data = base64_zeros(opts.payload_bytes);
  std::vector<ping_result> results;
  std::optional<std::chrono::steady_clock::time_point> msg_started;
  // tries + 1 exchanges: the last one only closes the measure of the last message.
  for (unsigned i = 0; i <= opts.tries; ++i) {
    json::object m;
    m["Timestamp"] = wire::json::format_go_time(unix_ns(st->clock.wall_now()));
    m["PingPk"] = pk.to_hex();
    m["Data"] = data;
    const std::string msg = i < opts.tries ? json::serialize(m) : std::string("{}");
    const auto t0 = std::chrono::steady_clock::now();
    auto ok = co_await size_and_ok(*g, msg.size(), opts.timeout);
    if (!ok) co_return ok.error();
    const auto rtt = duration_cast<std::chrono::microseconds>(*ok - t0);
    if (msg_started) {
      // The previous message was read whole before this "ok" left: its transfer time is the
      // span from its first byte to this answer, less this exchange's own round trip.
      auto& prev = results.back();
      const auto span = duration_cast<std::chrono::microseconds>(*ok - *msg_started) - rtt;
      const auto us = std::max<std::int64_t>(span.count(), 1);
      prev.throughput = static_cast<std::uint64_t>(static_cast<long double>(prev.bytes) * 1e6L / static_cast<long double>(us));
    }
    if (i == opts.tries) break;
    results.push_back({.latency = rtt, .throughput = 0, .bytes = msg.size()});
    msg_started = std::chrono::steady_clock::now();
    auto wm = g->write_all(as_bytes(msg));
    if (auto r = co_await std::move(wm); !r) co_return r.error();
  }
  g->close();
  co_return results;
}

asio::awaitable<result<std::vector<ping_result>>> sky_ping::ping(crypto::public_key pk, ping_options opts) {
  auto st = st_;
  if (st->closed) co_return error_code(errc::router_closed);
  if (!opts.loop) co_return co_await ping_remote(pk, opts);
  auto dial = st->r.dial_ping_route(pk, sky_ping_port);
  auto g = co_await std::move(dial);
  if (!g) co_return g.error();
  const std::uint16_t port = g->local_addr().port;
  auto w = std::make_shared<state::waiter>(st->ex);
  st->waiters[port] = w;
  struct unregister {
    std::shared_ptr<state> st;
    std::uint16_t port;
    ~unregister() { st->waiters.erase(port); }
  } guard{st, port};

  const std::string data = base64_zeros(opts.payload_bytes);
  std::vector<ping_result> results;
  for (unsigned i = 0; i < opts.tries; ++i) {
    json::object m;
    m["Timestamp"] = wire::json::format_go_time(unix_ns(st->clock.wall_now()));
    m["PingPk"] = pk.to_hex();
    m["Data"] = data;
    const std::string msg = json::serialize(m);
    const std::string size = json::serialize(json::object{{"Size", msg.size()}});
    auto ws = g->write(as_bytes(size));
    if (auto r = co_await std::move(ws); !r) co_return r.error();
    auto rd = g->read();
    auto reply = co_await net::with_timeout(std::move(rd), opts.timeout);
    if (!reply) co_return reply.error();
    if (as_chars(*reply) != "ok") co_return error_code(errc::bad_ping_reply);
    auto wm = g->write_all(as_bytes(msg));
    if (auto r = co_await std::move(wm); !r) co_return r.error();
    const auto deadline = std::chrono::steady_clock::now() + opts.timeout;
    while (w->latencies.empty()) {
      if (std::chrono::steady_clock::now() >= deadline) co_return error_code(net::errc::timeout);
      w->wake.expires_at(deadline);
      auto wait = w->wake.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12
      co_await std::move(wait);
      if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
        co_return error_code(asio::error::operation_aborted);
      }
      if (st->closed) co_return error_code(errc::router_closed);
    }
    ping_result res;
    res.latency = w->latencies.front();
    w->latencies.pop_front();
    res.bytes = msg.size();
    const auto us = std::max<std::int64_t>(res.latency.count(), 1);
    res.throughput = static_cast<std::uint64_t>(static_cast<long double>(msg.size()) * 1e6L / static_cast<long double>(us));
    results.push_back(res);
  }
  g->close();
  co_return results;
}

asio::awaitable<void> sky_ping::close() {
  auto st = st_;
  st->closed = true;
  if (st->l) st->l->close();
  for (auto& [port, w] : st->waiters) w->wake.cancel();
  st->tasks.cancel();
  co_await st->tasks.join();
}

}  // namespace skywire::router
