// dmsg::server: accepting sessions, session bookkeeping, server entry upkeep.
#include "skywire/dmsg/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/server_state.hpp"
#include "skywire/dmsg/session_handshake.hpp"
#include "skywire/wire/disc/entry.hpp"

namespace skywire::dmsg {

namespace asio = boost::asio;
using asio::ip::tcp;

server_state::server_state(asio::any_io_executor executor, server_config config, const base::clock& c,
                           base::logger l)
    : ex(executor),
      cfg(std::move(config)),
      clock(c),
      log(std::move(l)),
      http(std::make_shared<net::http_client>(executor)),
      discovery(http, cfg.discovery_url, c),
      acceptor(executor),
      tasks(executor, limits::max_tasks),
      wake(executor) {}

void server_state::changed() { entry_dirty = true; }

void server_state::shutdown() {
  closed = true;
  error_code ignored;
  acceptor.close(ignored);
  wake.cancel();
  for (auto& [pk, s] : sessions) s->ys.close();
  sessions.clear();
  tasks.cancel();
}

asio::awaitable<void> server_state::accept_loop(std::shared_ptr<server_state> self) {
  while (!self->closed) {
    auto [ec, sock] = co_await self->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || self->closed) break;
      continue;  // e.g. EMFILE: keep serving
    }
    error_code ep_ec;
    const auto ep = sock.remote_endpoint(ep_ec);
    if (ep_ec) continue;
    std::string ip = ep.address().to_string();
    if (self->connections >= self->cfg.max_sessions || self->per_ip[ip] >= self->cfg.max_sessions_per_ip) {
      self->log->debug("refusing connection from {}: session limit", ip);
      sock.close(ep_ec);
      continue;
    }
    // Stream requests and responses are small back-to-back writes: without NODELAY, Nagle
    // meets the peer's delayed ACK and every dial waits ~40 ms.
    sock.set_option(tcp::no_delay(true), ep_ec);
    ++self->connections;
    ++self->per_ip[ip];
    if (!self->tasks.spawn(handshake(self, std::move(sock), ip))) {
      --self->connections;
      if (--self->per_ip[ip] == 0) self->per_ip.erase(ip);
    }
  }
}

// One connection from accept to end: the per-IP slot is held for the whole of it.
asio::awaitable<void> server_state::handshake(std::shared_ptr<server_state> self, tcp::socket sock, std::string ip) {
  struct slot {
    server_state& st;
    std::string ip;
    ~slot() {
      --st.connections;
      if (--st.per_ip[ip] == 0) st.per_ip.erase(ip);
    }
  } held{*self, ip};
  auto op = server_session_handshake(std::move(sock), self->cfg.keys, self->rng);
  auto keys = co_await std::move(op);
  if (!keys) {
    self->log->debug("session handshake from {} failed: {}", ip, keys.error().message());
    co_return;
  }
  if (self->closed) co_return;
  auto s = std::make_shared<server_session>(server_session{
      keys->remote, ip, yamux::session(std::move(keys->socket), yamux::role::server, self->cfg.session), std::move(keys->sealer),
      std::move(keys->opener), replay_guard{}});
  auto old = self->sessions.find(s->client);
  if (old != self->sessions.end()) old->second->ys.close();  // one session per client pk
  self->sessions[s->client] = s;
  self->changed();
  self->log->info("session from client {} ({})", s->client.to_hex(), ip);
  co_await serve_session(self, s);
}

asio::awaitable<void> server_state::serve_session(std::shared_ptr<server_state> self,
                                                  std::shared_ptr<server_session> s) {
  for (;;) {
    auto st = co_await s->ys.accept();
    if (!st) break;
    if (!self->tasks.spawn(relay(self, s, std::move(*st)))) break;
  }
  s->ys.close();
  auto it = self->sessions.find(s->client);
  if (it != self->sessions.end() && it->second == s) {
    self->sessions.erase(it);
    self->changed();
  }
  self->log->info("session from client {} ({}) closed", s->client.to_hex(), s->ip);
}

asio::awaitable<void> server_state::upkeep(std::shared_ptr<server_state> self) {
  auto last = std::chrono::steady_clock::now();
  while (!self->closed) {
    const auto now = std::chrono::steady_clock::now();
    if (self->entry_dirty || now - last >= self->cfg.update_interval) {
      self->entry_dirty = false;
      const std::int64_t avail =
          static_cast<std::int64_t>(self->cfg.max_sessions) - static_cast<std::int64_t>(self->sessions.size());
      auto e = wire::disc::make_server_entry(self->cfg.keys.pk, 0, base::unix_nanos(self->clock.wall_now()),
                                             self->cfg.public_address, avail);
      e.server->server_type = self->cfg.server_type;
      auto r = co_await self->discovery.put_entry(e, self->cfg.keys.sk);
      self->entry_ok = r.has_value();
      if (r) {
        last = now;
      } else {
        self->entry_dirty = true;
        self->log->warn("server entry update: {}", r.error().message());
      }
    }
    self->wake.expires_after(self->cfg.retry_interval);
    auto [ec] = co_await self->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) break;
  }
}

server::server(asio::any_io_executor ex, server_config cfg, const base::clock& clock, base::logger log)
    : state_(std::make_shared<server_state>(ex, std::move(cfg), clock, std::move(log))) {}

server::~server() { state_->shutdown(); }

result<std::uint16_t> server::start() {
  auto& st = *state_;
  error_code ec;
  auto address = asio::ip::make_address(st.cfg.listen_host, ec);
  if (ec) return ec;
  const tcp::endpoint ep(address, st.cfg.listen_port);
  st.acceptor.open(ep.protocol(), ec);
  if (!ec) st.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) st.acceptor.bind(ep, ec);
  if (!ec) st.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  const std::uint16_t port = st.acceptor.local_endpoint().port();
  if (st.cfg.public_address.empty()) st.cfg.public_address = st.cfg.listen_host + ":" + std::to_string(port);
  auto a = st.tasks.spawn(server_state::accept_loop(state_));
  if (!a) return a.error();
  if (!st.cfg.discovery_url.empty()) {
    auto u = st.tasks.spawn(server_state::upkeep(state_));
    if (!u) return u.error();
  }
  return port;
}

asio::awaitable<void> server::stop() {
  auto self = state_;
  self->shutdown();
  co_await self->tasks.join();
}

std::size_t server::session_count() const noexcept { return state_->sessions.size(); }

bool server::has_session(const crypto::public_key& client) const { return state_->sessions.contains(client); }

bool server::entry_published() const noexcept { return state_->entry_ok; }

}  // namespace skywire::dmsg
