#include "skywire/transport/sudph.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/detail/secure_carrier.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
using asio::ip::udp;
namespace wt = wire::transport;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint16_t ephemeral_min = 49152;  // first ephemeral skywire port is 49153 (as stcp)
constexpr std::string_view heartbeat_msg = "heartbeat";
constexpr std::string_view del_bind_msg = "delBind";
constexpr std::string_view holepunch_msg = "holepunch";
// The AR's messages are one small JSON object each; Go's AR reads into 4096 bytes.
constexpr std::size_t max_ar_message = 4096;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

result<udp::endpoint> numeric_endpoint(std::string_view host_port) {
  auto hp = split_host_port(host_port);
  if (!hp) return hp.error();
  error_code ec;
  const auto addr = asio::ip::make_address(hp->first, ec);
  if (ec || hp->second == 0) return errc::bad_address;
  return udp::endpoint(addr, hp->second);
}

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

}  // namespace

result<punch_request> parse_punch_request(std::string_view json) {
  if (json.size() > max_ar_message) return wire::errc::too_long;
  error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 4;
  const auto v = boost::json::parse(json, ec, {}, opts);
  if (ec || !v.is_object()) return wire::errc::bad_json;
  // Go's decoder: case-insensitive keys, the later duplicate wins, unknown keys ignored.
  const boost::json::string* pk_text = nullptr;
  const boost::json::string* addr_text = nullptr;
  for (const auto& kv : v.as_object()) {
    if (iequals(kv.key(), "PK")) pk_text = kv.value().if_string();
    else if (iequals(kv.key(), "Addr")) addr_text = kv.value().if_string();
  }
  if (!addr_text) return errc::bad_address;
  punch_request req;
  if (pk_text) {
    auto pk = crypto::public_key::from_text(std::string_view(pk_text->data(), pk_text->size()));
    if (!pk) return pk.error();
    req.pk = *pk;
  }
  auto ep = numeric_endpoint(std::string_view(addr_text->data(), addr_text->size()));
  if (!ep) return ep.error();
  req.addr = *ep;
  return req;
}

result<std::string> sudph_ar_address(std::string_view url) {
  if (url.starts_with("dmsg://")) return errc::bad_address;
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  if (const auto path = url.find_first_of("/?#"); path != std::string_view::npos) url = url.substr(0, path);
  if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (url.empty()) return errc::bad_address;
  const auto bracket = url.rfind(']');
  const auto colon = url.rfind(':');
  const bool has_port = colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  if (has_port) {
    auto hp = split_host_port(url);
    if (!hp || hp->first.empty()) return errc::bad_address;
    return std::string(url);
  }
  if (url.front() != '[' && url.find(':') != std::string_view::npos) return errc::bad_address;
  return std::string(url) + ":" + std::to_string(default_ar_udp_port);
}

struct sudph_network::state {
  using channel = asio::experimental::channel<void(error_code, std::unique_ptr<transport>)>;

  state(asio::any_io_executor e, crypto::key_pair k, std::shared_ptr<disc::addr_resolver_client> a, sudph_config c)
      : ex(e), keys(std::move(k)), ar(std::move(a)), cfg(std::move(c)), queue(e, cfg.accept_backlog),
        group(e, cfg.max_pending_handshakes + 2) {}

  asio::any_io_executor ex;
  crypto::key_pair keys;
  std::shared_ptr<disc::addr_resolver_client> ar;
  sudph_config cfg;
  std::shared_ptr<udp_mux> mux;
  channel queue;
  net::task_group group;
  std::uint16_t last_port = ephemeral_min;
  bool closed = false;
  bool is_bound = false;
  kcp_stream* ar_link = nullptr;  // owned by ar_session's frame while it runs
  std::uint64_t punches = 0;

  std::uint16_t next_local_port() {
    last_port = last_port == 0xFFFF ? static_cast<std::uint16_t>(ephemeral_min + 1)
                                    : static_cast<std::uint16_t>(last_port + 1);
    return last_port;
  }
  bool listening_on(std::uint16_t p) const { return cfg.is_listening ? cfg.is_listening(p) : p == transport_port; }
  detail::secure_timeouts timeouts() const { return {cfg.handshake_timeout, cfg.noise_timeout}; }
  std::uint16_t port() const { return mux ? mux->local_endpoint().port() : 0; }
};

namespace {

using state = sudph_network::state;

// LocalAddresses as json.Marshal writes it (no newline), shortened to fit one KCP message.
std::string local_addresses_message(std::uint16_t port, std::vector<std::string> addresses, std::size_t mss) {
  for (;;) {
    std::string text = disc::local_addresses_json(std::to_string(port), addresses);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (text.size() <= mss || addresses.empty()) return text;
    addresses.pop_back();
  }
}

asio::awaitable<result<void>> ar_reader(std::shared_ptr<state> st, kcp_stream& link) {
  std::vector<std::uint8_t> buf(max_ar_message);
  for (;;) {
    auto n = co_await link.read_some(buf);  // one read = (the rest of) one message
    if (!n) co_return n.error();
    const std::string_view msg(reinterpret_cast<const char*>(buf.data()), *n);
    auto req = parse_punch_request(msg);
    if (!req) {
      st->cfg.log->debug("sudph: ignoring address resolver message ({} bytes): {}", *n, req.error().message());
      continue;
    }
    auto sent = st->mux->send_raw(req->addr, as_bytes(holepunch_msg));
    ++st->punches;
    st->cfg.log->debug("sudph: hole punch towards {} at {}:{}{}", req->pk.to_hex(), req->addr.address().to_string(),
                       req->addr.port(), sent ? "" : " failed: " + sent.error().message());
  }
}

asio::awaitable<result<void>> ar_heartbeats(std::shared_ptr<state> st, kcp_stream& link) {
  for (;;) {
    co_await sleep_for(st->cfg.heartbeat_interval);
    auto w = co_await link.write_all(as_bytes(heartbeat_msg));
    if (!w) co_return w.error();
  }
}

// One AR link from handshake to death. Returns whether it got bound (for the backoff).
asio::awaitable<bool> ar_session(std::shared_ptr<state> st) {
  auto hp = split_host_port(st->cfg.ar_udp_address);
  if (!hp) {
    st->cfg.log->warn("sudph: bad address resolver UDP address '{}'", st->cfg.ar_udp_address);
    co_return false;
  }
  udp::resolver resolver(st->ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(udp::v4(), hp->first, std::to_string(hp->second), use_tuple);
  if (rec || endpoints.empty()) {
    st->cfg.log->info("sudph: cannot resolve address resolver {}: {}", st->cfg.ar_udp_address, rec.message());
    co_return false;
  }
  const udp::endpoint ar_ep = endpoints.begin()->endpoint();
  auto dialed = st->mux->dial(ar_ep, true);
  if (!dialed) co_return false;
  std::unique_ptr<kcp_stream> link = std::move(*dialed);

  const wt::skywire_addr ar_addr{crypto::public_key::null(), 0};
  auto hs = co_await initiate_handshake(*link, st->keys, 0, ar_addr, st->cfg.handshake_timeout);
  if (!hs) {
    st->cfg.log->info("sudph: handshake with address resolver {} failed: {}", st->cfg.ar_udp_address, hs.error().message());
    link->close();
    co_return false;
  }
  auto addresses = st->cfg.addresses.empty() ? local_addresses() : st->cfg.addresses;
  const std::string la = local_addresses_message(st->port(), std::move(addresses), st->cfg.mux.kcp.mtu - kcp::limits::overhead);
  auto w1 = co_await link->write_all(as_bytes(la));
  auto w2 = w1 ? co_await link->write_all(as_bytes(heartbeat_msg)) : w1;
  if (!w2) {
    link->close();
    co_return false;
  }
  st->is_bound = true;
  st->ar_link = link.get();
  st->cfg.log->info("sudph: bound at address resolver {} (UDP port {})", st->cfg.ar_udp_address, st->port());

  using namespace asio::experimental::awaitable_operators;
  auto reader = ar_reader(st, *link);
  auto beats = ar_heartbeats(st, *link);
  auto race = std::move(reader) || std::move(beats);
  auto ended = co_await std::move(race);
  const error_code why = ended.index() == 0 ? std::get<0>(ended).error() : std::get<1>(ended).error();

  st->is_bound = false;
  st->ar_link = nullptr;
  link->close();
  if (!st->closed) st->cfg.log->info("sudph: address resolver link ended: {}", why.message());
  co_return true;
}

asio::awaitable<void> ar_loop(std::shared_ptr<state> st) {
  auto backoff = st->cfg.bind_backoff_initial;
  while (!st->closed) {
    const bool was_bound = co_await ar_session(st);
    if (st->closed) co_return;
    if (was_bound) backoff = st->cfg.bind_backoff_initial;
    co_await sleep_for(backoff);
    backoff = std::min(backoff * 2, st->cfg.bind_backoff_max);
  }
}

asio::awaitable<void> handle_incoming(std::shared_ptr<state> st, std::unique_ptr<kcp_stream> carrier) {
  const udp::endpoint peer = carrier->remote_endpoint();
  port_predicate listening = [st](std::uint16_t p) { return st->listening_on(p); };
  auto secured = detail::secure_incoming(std::move(carrier), st->keys, listening, wt::type_sudph, *st->cfg.rng,
                                         st->timeouts());
  auto tp = co_await std::move(secured);
  if (!tp) {
    st->cfg.log->debug("sudph: incoming from {}:{} failed: {}", peer.address().to_string(), peer.port(),
                       tp.error().message());
    co_return;
  }
  if (st->closed) co_return;
  auto boxed = std::make_unique<transport>(std::move(*tp));
  const std::string remote = boxed->remote_pk.to_hex();
  if (!st->queue.try_send(error_code{}, std::move(boxed)))
    st->cfg.log->warn("sudph: dropping incoming transport from {}: accept backlog full", remote);
}

asio::awaitable<void> accept_loop(std::shared_ptr<state> st) {
  while (!st->closed) {
    auto in = co_await st->mux->accept();
    if (st->closed) co_return;
    if (!in) {
      if (in.error() == errc::network_closed || in.error() == asio::error::operation_aborted) co_return;
      continue;
    }
    auto task = handle_incoming(st, std::move(*in));
    auto spawned = st->group.spawn(std::move(task));
    if (!spawned) st->cfg.log->warn("sudph: dropping incoming session: {}", spawned.error().message());
  }
}

}  // namespace

result<std::unique_ptr<sudph_network>> sudph_network::create(asio::any_io_executor ex, crypto::key_pair keys,
                                                            std::shared_ptr<disc::addr_resolver_client> ar,
                                                            sudph_config config) {
  if (!config.rng) config.rng = std::make_shared<crypto::system_random>();
  if (!config.log) config.log = base::make_null_logger("sudph");
  if (!config.mux.rng) config.mux.rng = config.rng;
  if (!config.mux.log) config.mux.log = config.log;
  auto st = std::make_shared<state>(ex, std::move(keys), std::move(ar), std::move(config));

  error_code ec;
  const auto addr = st->cfg.listen_host.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                                : asio::ip::make_address(st->cfg.listen_host, ec);
  if (ec) return errc::bad_address;
  const unsigned tries = st->cfg.port == 0 ? 1 : std::max(1u, st->cfg.max_port_tries);
  error_code last;
  for (unsigned i = 0; i < tries && !st->mux; ++i) {
    const auto port = static_cast<std::uint16_t>(st->cfg.port + i);
    if (st->cfg.port != 0 && port == 0) break;  // wrapped past 65535
    auto m = udp_mux::open(ex, udp::endpoint(addr, port), st->cfg.mux);
    if (m) st->mux = *m;
    else last = m.error();
  }
  if (!st->mux) return last;

  auto accepting = accept_loop(st);
  if (auto r = st->group.spawn(std::move(accepting)); !r) return r.error();
  if (!st->cfg.ar_udp_address.empty()) {
    auto binding = ar_loop(st);
    if (auto r = st->group.spawn(std::move(binding)); !r) return r.error();
  }
  return std::unique_ptr<sudph_network>(new sudph_network(std::move(st)));
}

sudph_network::~sudph_network() { close(); }

std::string_view sudph_network::type() const noexcept { return wt::type_sudph; }

std::uint16_t sudph_network::port() const { return state_->port(); }

bool sudph_network::bound() const noexcept { return state_->is_bound; }

std::uint64_t sudph_network::punches_sent() const noexcept { return state_->punches; }

udp_mux_stats sudph_network::socket_stats() const { return state_->mux->stats(); }

void sudph_network::close() {
  auto& st = *state_;
  if (st.closed) return;
  st.closed = true;
  if (st.ar_link) {
    (void)st.ar_link->send_now(as_bytes(del_bind_msg));  // one datagram, best effort
    st.ar_link->close();
  }
  st.is_bound = false;
  st.group.cancel();
  st.queue.close();
  st.mux->close_when_idle();
}

asio::awaitable<void> sudph_network::shutdown() {
  auto st = state_;
  if (!st->closed && st->ar_link) {
    kcp_stream& link = *st->ar_link;
    auto w = co_await link.write_all(as_bytes(del_bind_msg));
    if (w && st->ar_link == &link) {
      auto drained = co_await link.drain(st->cfg.unbind_timeout);
      if (!drained) st->cfg.log->info("sudph: delBind not acknowledged: {}", drained.error().message());
    }
    if (st->ar_link == &link) link.close();
  }
  close();
  co_await st->group.join();
}

asio::awaitable<result<transport>> sudph_network::accept() {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  auto [ec, tp] = co_await st->queue.async_receive(use_tuple);
  if (ec == asio::error::operation_aborted && !st->closed) co_return ec;
  if (ec || !tp) co_return errc::network_closed;
  co_return std::move(*tp);
}

asio::awaitable<result<transport>> sudph_network::dial_endpoint(crypto::public_key remote, udp::endpoint to,
                                                               std::uint16_t remote_port) {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  // The punch opens our NAT towards the peer; KCP retransmissions during the handshake
  // deadline keep probing until the peer's own punch (asked for by the AR) opens its side.
  (void)st->mux->send_raw(to, as_bytes(holepunch_msg));
  auto dialed = st->mux->dial(to);
  if (!dialed) co_return dialed.error();
  std::unique_ptr<net::stream> carrier = std::move(*dialed);
  auto secured = detail::secure_outgoing(std::move(carrier), st->keys, st->next_local_port(), remote, remote_port,
                                         wt::type_sudph, *st->cfg.rng, st->timeouts());
  co_return co_await std::move(secured);
}

asio::awaitable<result<transport>> sudph_network::dial(crypto::public_key remote) {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  if (!st->ar) co_return errc::not_bound;
  auto resolve = st->ar->resolve(std::string(wt::type_sudph), remote);
  auto vd = co_await std::move(resolve);
  if (!vd) {
    if (vd.error() == disc::errc::no_entry) co_return errc::not_bound;
    co_return vd.error();
  }
  if (st->closed) co_return errc::network_closed;

  std::vector<std::string> candidates;
  if (vd->is_local) {
    const std::size_t n = std::min(vd->addresses.size(), st->cfg.max_local_addresses);
    for (std::size_t i = 0; i < n; ++i) candidates.push_back(join_host_port(vd->addresses[i], vd->port));
  }
  // sudph's remote_addr is the observed ip:port; a bare IP is joined with the port, as Go.
  if (split_host_port(vd->remote_addr)) candidates.push_back(vd->remote_addr);
  else candidates.push_back(join_host_port(vd->remote_addr, vd->port));

  error_code last = errc::bad_address;
  for (const auto& c : candidates) {
    auto ep = numeric_endpoint(c);
    if (!ep) continue;
    auto attempt = dial_endpoint(remote, *ep, transport_port);
    auto tp = co_await std::move(attempt);
    if (tp) co_return std::move(*tp);
    last = tp.error();
    if (st->closed) break;
  }
  co_return last;
}

}  // namespace skywire::transport
