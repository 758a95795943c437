// dmsg::client: construction, the upkeep loop (sessions + entry), close, public wrappers.
#include "skywire/dmsg/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/disc/errc.hpp"
#include "skywire/dmsg/client_state.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/net/errc.hpp"

namespace skywire::dmsg {

namespace asio = boost::asio;

client_state::client_state(asio::any_io_executor executor, client_config config, const base::clock& c,
                           base::logger l)
    : ex(executor),
      cfg(std::move(config)),
      clock(c),
      log(std::move(l)),
      http(std::make_shared<net::http_client>(executor)),
      discovery(http, cfg.discovery_url, c),
      tasks(executor, limits::max_tasks),
      wake(executor) {}

void client_state::changed() {
  entry_dirty = true;
  wake.cancel();
}

boost::asio::awaitable<result<void>> client_state::publish_entry() {
  std::vector<crypto::public_key> servers;
  for (const auto& [pk, s] : sessions) servers.push_back(pk);
  auto e = wire::disc::make_client_entry(cfg.keys.pk, 0, base::unix_nanos(clock.wall_now()), servers);
  auto r = co_await discovery.put_entry(e, cfg.keys.sk);
  if (!r) co_return r.error();
  entry_published = !servers.empty();
  co_return result<void>{};
}

boost::asio::awaitable<void> client_state::delete_entry() {
  auto e = co_await discovery.get_entry(cfg.keys.pk);
  if (!e) co_return;
  auto r = co_await discovery.delete_entry(*e);
  if (!r) log->warn("deleting client entry: {}", r.error().message());
}

boost::asio::awaitable<void> client_state::upkeep(std::shared_ptr<client_state> self) {
  while (!self->closed) {
    const bool short_of_sessions = self->cfg.min_sessions == 0 || self->sessions.size() < self->cfg.min_sessions;
    if (short_of_sessions) {
      auto servers = co_await self->discovery.available_servers();
      if (servers) {
        const auto now = std::chrono::steady_clock::now();
        for (const auto& e : *servers) {
          if (self->closed) break;
          if (self->cfg.min_sessions != 0 && self->sessions.size() >= self->cfg.min_sessions) break;
          if (self->sessions.contains(e.static_pk) || self->connecting.contains(e.static_pk)) continue;
          auto b = self->backoff.find(e.static_pk);
          if (b != self->backoff.end() && now < b->second) continue;
          auto s = co_await self->connect(e);
          if (!s) self->log->info("session to {}: {}", e.static_pk.to_hex(), s.error().message());
        }
      }
    }
    if (self->closed) break;
    if (self->entry_dirty && !self->sessions.empty()) {
      self->entry_dirty = false;
      auto r = co_await self->publish_entry();
      if (!r) {
        self->entry_dirty = true;
        self->log->warn("publishing client entry: {}", r.error().message());
      }
    }
    const bool retry = self->entry_dirty || self->sessions.empty() ||
                       (self->cfg.min_sessions != 0 && self->sessions.size() < self->cfg.min_sessions);
    self->wake.expires_after(retry ? self->cfg.retry_interval : std::chrono::steady_clock::duration(std::chrono::hours(1)));
    auto [ec] = co_await self->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec && ec != asio::error::operation_aborted) break;
    // A cancelled wait is a wake-up (changed()) unless the task itself was cancelled.
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) break;
  }
}

void client_state::shutdown() {
  closed = true;
  wake.cancel();
  for (auto& [pk, l] : listeners)
    if (auto st = l.lock()) st->close();
  listeners.clear();
  for (auto& [pk, s] : sessions) s->ys.close();
  sessions.clear();
  tasks.cancel();
}

client::client(asio::any_io_executor ex, client_config cfg, const base::clock& clock, base::logger log)
    : state_(std::make_shared<client_state>(ex, std::move(cfg), clock, std::move(log))) {}

client::~client() { state_->shutdown(); }

void client::start() { (void)state_->tasks.spawn(client_state::upkeep(state_)); }

boost::asio::awaitable<result<void>> client::wait_ready(std::chrono::steady_clock::duration timeout) {
  auto self = state_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  asio::steady_timer t(self->ex);
  while (!(self->entry_published && !self->entry_dirty && !self->sessions.empty())) {
    if (self->closed) co_return errc::entity_closed;
    if (std::chrono::steady_clock::now() >= deadline) co_return net::errc::timeout;
    t.expires_after(std::chrono::milliseconds(20));
    co_await t.async_wait(asio::use_awaitable);
  }
  co_return result<void>{};
}

result<listener> client::listen(std::uint16_t port) {
  if (state_->closed) return errc::entity_closed;
  auto lease = state_->ports->reserve(port);
  if (!lease) return lease.error();
  auto st = std::make_shared<listener_state>(state_->ex, addr{state_->cfg.keys.pk, port}, std::move(*lease));
  state_->listeners[port] = st;
  return listener(std::move(st));
}

boost::asio::awaitable<result<std::unique_ptr<stream>>> client::dial(crypto::public_key pk, std::uint16_t port) {
  auto self = state_;
  if (self->closed) co_return errc::entity_closed;
  auto target = co_await self->discovery.get_entry(pk);
  if (!target) co_return target.error() == disc::errc::entry_not_found ? error_code(errc::entry_not_found)
                                                                        : target.error();
  auto s = co_await self->session_for(*target);
  if (!s) co_return s.error();
  auto op = self->dial_via(*s, pk, port);
  co_return co_await net::with_timeout(std::move(op), self->cfg.dial_timeout);
}

boost::asio::awaitable<void> client::close() {
  auto self = state_;
  if (self->closed) co_return;
  self->closed = true;
  self->wake.cancel();
  co_await self->delete_entry();
  self->shutdown();
  co_await self->tasks.join();
}

const crypto::public_key& client::pk() const noexcept { return state_->cfg.keys.pk; }

std::vector<crypto::public_key> client::connected_servers() const {
  std::vector<crypto::public_key> out;
  for (const auto& [pk, s] : state_->sessions) out.push_back(pk);
  return out;
}

}  // namespace skywire::dmsg
