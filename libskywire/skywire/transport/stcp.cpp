#include "skywire/transport/stcp.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/tcp_stream.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/encrypted_stream.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
using asio::ip::tcp;
namespace wt = wire::transport;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// First ephemeral skywire port is 49153 (Go's porter pre-increments from 49152).
constexpr std::uint16_t ephemeral_min = 49152;
}  // namespace

struct stcp_network::state {
  using channel = asio::experimental::channel<void(error_code, std::unique_ptr<transport>)>;

  state(asio::any_io_executor e, crypto::key_pair k, stcp_config c)
      : ex(e), keys(std::move(k)), cfg(std::move(c)), acceptor(e), queue(e, cfg.accept_backlog), group(e, cfg.max_pending_handshakes + 1) {}

  asio::any_io_executor ex;
  crypto::key_pair keys;
  stcp_config cfg;
  tcp::acceptor acceptor;
  channel queue;
  net::task_group group;
  std::uint16_t last_port = ephemeral_min;
  bool closed = false;

  std::uint16_t next_local_port() {
    last_port = last_port == 0xFFFF ? static_cast<std::uint16_t>(ephemeral_min + 1)
                                    : static_cast<std::uint16_t>(last_port + 1);
    return last_port;
  }

  bool listening_on(std::uint16_t port) const {
    if (cfg.is_listening) return cfg.is_listening(port);
    return port == transport_port;
  }

  void set_socket_options(tcp::socket& s) const {
    auto r = set_tcp_liveness(s, cfg.liveness);
    if (!r) cfg.log->warn("stcp: could not set TCP options on a socket: {}", r.error().message());
  }
};

namespace {

using state = stcp_network::state;

// Responder side of one incoming connection: handshake, Noise KK, queue for accept().
asio::awaitable<void> handle_incoming(std::shared_ptr<state> st, tcp::socket socket) {
  error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  st->set_socket_options(socket);
  std::unique_ptr<net::stream> carrier = net::make_tcp_stream(std::move(socket));
  port_predicate listening = [st](std::uint16_t p) { return st->listening_on(p); };
  auto addrs = co_await respond_handshake(*carrier, *st->cfg.rng, listening, st->cfg.handshake_timeout);
  if (!addrs) {
    st->cfg.log->debug("stcp: handshake with {} failed: {}", peer.address().to_string(), addrs.error().message());
    carrier->close();
    co_return;
  }
  const crypto::public_key remote_pk = addrs->remote.pk;
  auto kk = noise_kk(std::move(carrier), noise::handshake_role::responder, st->keys, remote_pk, *st->cfg.rng,
                     st->cfg.noise_timeout);
  auto enc = co_await std::move(kk);
  if (!enc) {
    st->cfg.log->debug("stcp: noise handshake with {} failed: {}", peer.address().to_string(), enc.error().message());
    co_return;
  }
  auto tp = std::make_unique<transport>();
  tp->id = wt::make_transport_id(st->keys.pk, remote_pk, wt::type_stcp);
  tp->type = std::string(wt::type_stcp);
  tp->local_pk = st->keys.pk;
  tp->remote_pk = remote_pk;
  tp->local_port = addrs->local.port;
  tp->remote_port = addrs->remote.port;
  tp->initiator = false;
  tp->stream = std::move(*enc);
  if (st->closed) co_return;  // the transport closes with tp
  if (!st->queue.try_send(error_code{}, std::move(tp)))
    st->cfg.log->warn("stcp: dropping incoming transport from {}: accept backlog full", remote_pk.to_hex());
}

asio::awaitable<void> accept_loop(std::shared_ptr<state> st) {
  while (!st->closed) {
    auto [ec, socket] = co_await st->acceptor.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted || st->closed) co_return;
    if (ec) {
      // Transient (EMFILE, ECONNABORTED ...): log and keep going; a closed acceptor ends above.
      st->cfg.log->warn("stcp: accept failed: {}", ec.message());
      if (!st->acceptor.is_open()) co_return;
      continue;
    }
    auto task = handle_incoming(st, std::move(socket));
    auto spawned = st->group.spawn(std::move(task));
    if (!spawned) st->cfg.log->warn("stcp: dropping incoming connection: {}", spawned.error().message());
  }
}

}  // namespace

result<void> set_tcp_liveness(tcp::socket& s, const tcp_liveness& l) {
  error_code ec;
  s.set_option(tcp::no_delay(true), ec);
  if (ec) return ec;
  s.set_option(asio::socket_base::keep_alive(true), ec);
  if (ec) return ec;
  const int fd = s.native_handle();
  const int idle = static_cast<int>(l.keepalive_idle.count());
  const int interval = static_cast<int>(l.keepalive_interval.count());
  const int count = l.keepalive_count;
  const unsigned user_timeout = static_cast<unsigned>(l.user_timeout.count());
  auto set = [fd](int name, const void* value, socklen_t len) -> result<void> {
    if (::setsockopt(fd, IPPROTO_TCP, name, value, len) != 0)
      return error_code(errno, boost::system::system_category());
    return {};
  };
  if (auto r = set(TCP_KEEPIDLE, &idle, sizeof idle); !r) return r;
  if (auto r = set(TCP_KEEPINTVL, &interval, sizeof interval); !r) return r;
  if (auto r = set(TCP_KEEPCNT, &count, sizeof count); !r) return r;
  return set(TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
}

result<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return errc::bad_address;
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos) return errc::bad_address;  // bare v6 needs [ ]
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port > 0xFFFF)
    return errc::bad_address;
  return std::pair<std::string, std::uint16_t>{std::string(host), static_cast<std::uint16_t>(port)};
}

result<std::unique_ptr<stcp_network>> stcp_network::create(asio::any_io_executor ex, crypto::key_pair keys,
                                                          stcp_config config) {
  if (!config.rng) config.rng = std::make_shared<crypto::system_random>();
  if (!config.log) config.log = base::make_null_logger("stcp");
  auto st = std::make_shared<state>(ex, std::move(keys), std::move(config));
  if (!st->cfg.listen_address.empty()) {
    auto hp = split_host_port(st->cfg.listen_address);
    if (!hp) return hp.error();
    error_code ec;
    const auto addr = hp->first.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                        : asio::ip::make_address(hp->first, ec);
    if (ec) return errc::bad_address;
    const tcp::endpoint ep(addr, hp->second);
    st->acceptor.open(ep.protocol(), ec);
    if (!ec) st->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) st->acceptor.bind(ep, ec);
    if (!ec) st->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    auto loop = accept_loop(st);
    auto spawned = st->group.spawn(std::move(loop));
    if (!spawned) return spawned.error();
  }
  return std::unique_ptr<stcp_network>(new stcp_network(std::move(st)));
}

stcp_network::~stcp_network() { close(); }

std::string_view stcp_network::type() const noexcept { return wt::type_stcp; }

std::optional<tcp::endpoint> stcp_network::local_endpoint() const {
  if (!state_->acceptor.is_open()) return std::nullopt;
  error_code ec;
  auto ep = state_->acceptor.local_endpoint(ec);
  if (ec) return std::nullopt;
  return ep;
}

void stcp_network::close() {
  auto& st = *state_;
  if (st.closed) return;
  st.closed = true;
  error_code ignored;
  st.acceptor.close(ignored);
  st.group.cancel();
  st.queue.close();  // waiting accept() wakes; queued transports are destroyed (closed)
}

asio::awaitable<result<transport>> stcp_network::accept() {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  auto [ec, tp] = co_await st->queue.async_receive(use_tuple);
  if (ec == asio::error::operation_aborted && !st->closed) co_return ec;
  if (ec || !tp) co_return errc::network_closed;
  co_return std::move(*tp);
}

asio::awaitable<result<transport>> stcp_network::dial(crypto::public_key remote) {
  auto it = state_->cfg.pk_table.find(remote);
  if (it == state_->cfg.pk_table.end()) co_return errc::entry_not_found;
  auto op = dial_address(remote, it->second, transport_port);
  co_return co_await std::move(op);
}

asio::awaitable<result<transport>> stcp_network::dial_address(crypto::public_key remote, std::string host_port,
                                                             std::uint16_t remote_port) {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  auto hp = split_host_port(host_port);
  if (!hp) co_return hp.error();

  auto connect = [](asio::any_io_executor ex, std::string host, std::uint16_t port) -> asio::awaitable<result<tcp::socket>> {
    tcp::socket socket(ex);
    error_code not_ip;
    const auto ip = asio::ip::make_address(host, not_ip);
    if (!not_ip) {
      // An IP literal (what pk tables and the address resolver hold) skips the resolver, whose
      // lookups run on a thread of its own: a round trip to it on every dial.
      auto [cec] = co_await socket.async_connect(tcp::endpoint(ip, port), use_tuple);
      if (cec) co_return cec;
      co_return std::move(socket);
    }
    tcp::resolver resolver(ex);
    const std::string service = std::to_string(port);
    auto [rec, endpoints] = co_await resolver.async_resolve(host, service, tcp::resolver::numeric_service, use_tuple);
    if (rec) co_return rec;
    auto [cec, ep] = co_await asio::async_connect(socket, endpoints, use_tuple);
    (void)ep;
    if (cec) co_return cec;
    co_return std::move(socket);
  };
  auto connect_op = connect(st->ex, hp->first, hp->second);
  auto timed = net::with_timeout(std::move(connect_op), st->cfg.dial_timeout);
  auto socket = co_await std::move(timed);
  if (!socket) co_return socket.error();
  st->set_socket_options(*socket);
  std::unique_ptr<net::stream> carrier = net::make_tcp_stream(std::move(*socket));

  const std::uint16_t local_port = st->next_local_port();
  const wt::skywire_addr dst{remote, remote_port};
  auto addrs = co_await initiate_handshake(*carrier, st->keys, local_port, dst, st->cfg.handshake_timeout);
  if (!addrs) {
    carrier->close();
    co_return addrs.error();
  }
  auto kk = noise_kk(std::move(carrier), noise::handshake_role::initiator, st->keys, remote, *st->cfg.rng,
                     st->cfg.noise_timeout);
  auto enc = co_await std::move(kk);
  if (!enc) co_return enc.error();
  transport tp;
  tp.id = wt::make_transport_id(st->keys.pk, remote, wt::type_stcp);
  tp.type = std::string(wt::type_stcp);
  tp.local_pk = st->keys.pk;
  tp.remote_pk = remote;
  tp.local_port = local_port;
  tp.remote_port = remote_port;
  tp.initiator = true;
  tp.stream = std::move(*enc);
  co_return tp;
}

}  // namespace skywire::transport
