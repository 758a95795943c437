#include "skywire/transport/manager.hpp"

#include <map>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/bandwidth_log.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/managed_transport.hpp"
#include "skywire/transport/settlement.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace wt = wire::transport;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A dial in flight that later save_transport calls for the same ID wait for.
struct pending_dial {
  explicit pending_dial(asio::any_io_executor ex) : done(ex) { done.expires_at(asio::steady_timer::time_point::max()); }
  std::optional<result<transport_info>> outcome;
  asio::steady_timer done;  // cancelled when outcome is set
};

}  // namespace

class manager_state : public std::enable_shared_from_this<manager_state> {
 public:
  manager_state(asio::any_io_executor e, manager_config c, const base::clock& clk, base::logger l)
      : ex(e),
        cfg(std::move(c)),
        clock(clk),
        log(l ? std::move(l) : base::make_null_logger("transport_manager")),
        bw(cfg.log_dir, cfg.log_rotation, log),
        // Per transport: a writer and a read loop (two while a duplicate is swapped) and a
        // registry call; plus the incoming settlements and the manager's own loops.
        tasks(e, 3 * cfg.max_transports + cfg.max_pending_settlements + 64) {}

  asio::any_io_executor ex;
  manager_config cfg;
  const base::clock& clock;
  base::logger log;
  std::shared_ptr<registry> reg;
  packet_handler handler;
  std::vector<std::unique_ptr<network>> networks;
  std::map<wt::uuid, std::shared_ptr<managed_transport>> transports;
  std::map<wt::uuid, std::shared_ptr<pending_dial>> dials;
  std::vector<persistent_transport> persistent;
  std::size_t settling = 0;
  bandwidth_log bw;
  net::task_group tasks;
  bool started = false;
  bool closing = false;

  network* find_network(std::string_view type) const {
    for (const auto& n : networks)
      if (n->type() == type) return n.get();
    return nullptr;
  }

  managed_transport_hooks hooks() {
    std::weak_ptr<manager_state> w = weak_from_this();
    managed_transport_hooks h;
    h.on_packet = [w](const transport_info& from, const wire::routing::packet_view& p) {
      auto s = w.lock();
      if (s && s->handler) s->handler(from, p);
    };
    h.on_bytes = [w](const wt::uuid& id, std::uint64_t recv, std::uint64_t sent) {
      if (auto s = w.lock()) s->bw.add(id, recv, sent);
    };
    h.on_closed = [w](const wt::uuid& id, error_code ec) {
      if (auto s = w.lock()) s->transport_failed(id, ec);
    };
    return h;
  }

  // The duplicate rule (manager.hpp): true = the new connection replaces the current one.
  bool keep_new(const managed_transport& mt, const transport& fresh) const {
    if (clock.steady_now() - mt.adopted_at() >= cfg.duplicate_window) return true;
    const crypto::public_key first = wt::sort_edges(cfg.keys.pk, fresh.remote_pk)[0];
    const auto dialer = [&](bool initiator) { return initiator ? cfg.keys.pk : fresh.remote_pk; };
    const bool old_by_first = dialer(mt.current_is_initiator()) == first;
    const bool new_by_first = dialer(fresh.initiator) == first;
    if (old_by_first == new_by_first) return true;
    return new_by_first;
  }

  // Takes a settled connection: a new managed transport, or the duplicate rule on an existing one.
  result<transport_info> adopt(transport conn, std::string_view label) {
    if (closing) {
      conn.stream->close();
      return errc::manager_closed;
    }
    auto it = transports.find(conn.id);
    if (it != transports.end()) {
      auto& mt = *it->second;
      if (keep_new(mt, conn)) {
        log->debug("transport {}: a newer connection ({}) replaces the current one", conn.id.to_string(),
                   conn.initiator ? "dialled" : "accepted");
        auto replaced = mt.replace(std::move(conn), clock.steady_now(), tasks);
        if (!replaced) return replaced.error();
      } else {
        log->debug("transport {}: keeping the current connection, closing the newer ({})", conn.id.to_string(),
                   conn.initiator ? "dialled" : "accepted");
        conn.stream->close();
      }
      return mt.info();
    }
    if (transports.size() >= cfg.max_transports) {
      conn.stream->close();
      return errc::too_many_transports;
    }
    const wt::uuid id = conn.id;
    auto mt = std::make_shared<managed_transport>(ex, std::move(conn), std::string(label), clock.wall_now(),
                                                  clock.steady_now(), cfg.max_send_queue, hooks(), log);
    auto started_ok = mt->start(tasks);
    if (!started_ok) {
      mt->close(started_ok.error());
      return started_ok.error();
    }
    transports.emplace(id, mt);
    const auto& info = mt->info();
    log->info("transport {} ({}) to {} up, {}, label {}", id.to_string(), info.type, info.remote_pk.to_hex(),
              info.initiator ? "dialled" : "accepted", info.label);
    return info;
  }

  void transport_failed(const wt::uuid& id, error_code ec) {
    auto it = transports.find(id);
    if (it == transports.end() || !it->second->closed()) return;
    log->info("transport {} to {} closed: {}", id.to_string(), it->second->info().remote_pk.to_hex(), ec.message());
    transports.erase(it);
    spawn_delete(id);
  }

  void spawn_delete(const wt::uuid& id) {
    if (!reg) return;
    auto spawned = tasks.spawn(delete_entry(shared_from_this(), id));
    if (!spawned) log->warn("transport {}: registry deletion not started: {}", id.to_string(), spawned.error().message());
  }

  // Go's deleteFromDiscovery: retried with a doubling backoff; stops if the ID is up again
  // (deleting then would remove the new transport's registration).
  static asio::awaitable<void> delete_entry(std::shared_ptr<manager_state> st, wt::uuid id) {
    auto reg = st->reg;
    auto backoff = st->cfg.registry_backoff;
    for (int attempt = 1; attempt <= st->cfg.registry_delete_tries; ++attempt) {
      if (st->transports.contains(id)) co_return;
      auto op = reg->delete_entry(id);
      auto r = co_await net::with_timeout(std::move(op), st->cfg.registry_timeout);
      if (r) {
        st->log->debug("transport {}: deleted from the registry", id.to_string());
        co_return;
      }
      st->log->debug("transport {}: registry deletion {} failed: {}", id.to_string(), attempt, r.error().message());
      if (attempt == st->cfg.registry_delete_tries) break;
      asio::steady_timer t(st->ex, backoff);
      auto [ec] = co_await t.async_wait(use_tuple);
      if (ec) co_return;
      backoff *= 2;
    }
    st->log->warn("transport {}: could not delete it from the registry", id.to_string());
  }

  static asio::awaitable<void> register_entry(std::shared_ptr<manager_state> st, wt::signed_entry se) {
    auto reg = st->reg;
    const std::string id = se.entry ? se.entry->id.to_string() : std::string("?");
    auto op = reg->register_entry(std::move(se));
    auto r = co_await net::with_timeout(std::move(op), st->cfg.registry_timeout);
    if (!r) st->log->warn("transport {}: registry registration failed: {}", id, r.error().message());
  }

  static asio::awaitable<result<transport>> dial_and_settle(std::shared_ptr<manager_state> st, network* n,
                                                           crypto::public_key remote) {
    auto conn = co_await n->dial(remote);
    if (!conn) co_return conn.error();
    auto settled = co_await settle_as_initiator(*conn, st->cfg.keys, st->cfg.settlement_timeout);
    if (!settled) co_return settled.error();
    co_return std::move(*conn);
  }

  static asio::awaitable<result<transport_info>> save(std::shared_ptr<manager_state> st, crypto::public_key remote,
                                                      std::string type, std::string label) {
    if (st->closing) co_return errc::manager_closed;
    if (remote == st->cfg.keys.pk) co_return errc::self_transport;
    network* n = st->find_network(type);
    if (!n) co_return errc::unknown_type;
    const wt::uuid id = wt::make_transport_id(st->cfg.keys.pk, remote, type);
    if (auto it = st->transports.find(id); it != st->transports.end()) co_return it->second->info();
    if (auto it = st->dials.find(id); it != st->dials.end()) {
      auto pd = it->second;
      (void)co_await pd->done.async_wait(use_tuple);
      if (!pd->outcome) co_return error_code(asio::error::operation_aborted);
      co_return *pd->outcome;
    }
    if (st->transports.size() + st->dials.size() >= st->cfg.max_transports) co_return errc::too_many_transports;

    auto pd = std::make_shared<pending_dial>(st->ex);
    st->dials.emplace(id, pd);
    // Whatever happens to this coroutine (even destruction on cancellation), the waiters are
    // released and the ID is free to dial again.
    struct finish {
      manager_state* st;
      wt::uuid id;
      std::shared_ptr<pending_dial> pd;
      ~finish() {
        if (auto it = st->dials.find(id); it != st->dials.end() && it->second == pd) st->dials.erase(it);
        if (!pd->outcome) pd->outcome = result<transport_info>(error_code(asio::error::operation_aborted));
        pd->done.cancel();
      }
    } guard{st.get(), id, pd};

    auto op = dial_and_settle(st, n, remote);
    auto conn = co_await net::with_timeout(std::move(op), st->cfg.dial_timeout);
    result<transport_info> out = conn ? st->adopt(std::move(*conn), label) : result<transport_info>(conn.error());
    if (!out) {
      st->log->debug("transport to {} ({}) failed: {}", remote.to_hex(), type, out.error().message());
    }
    pd->outcome = out;
    co_return out;
  }

  static asio::awaitable<void> settle_incoming(std::shared_ptr<manager_state> st, transport conn) {
    struct done {
      manager_state* st;
      ~done() { --st->settling; }
    } guard{st.get()};
    std::weak_ptr<manager_state> w = st;
    // Named first (never a capturing lambda inside a co_await expression: g++ 12).
    register_fn on_register = [w](const wt::signed_entry& se) -> asio::awaitable<void> {
      auto s = w.lock();
      if (!s || !s->reg || s->closing) co_return;
      auto registering = register_entry(s, se);
      co_await std::move(registering);
    };
    const std::string remote = conn.remote_pk.to_hex();
    auto settled = co_await settle_as_responder(conn, st->cfg.keys, on_register, st->cfg.settlement_timeout);
    if (!settled) {
      st->log->info("incoming {} transport from {} refused in settlement: {}", conn.type, remote,
                    settled.error().message());
      co_return;
    }
    auto adopted = st->adopt(std::move(conn), wt::label_user);
    if (!adopted) st->log->warn("incoming transport from {} dropped: {}", remote, adopted.error().message());
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<manager_state> st, network* n) {
    for (;;) {
      auto conn = co_await n->accept();
      if (st->closing) co_return;
      if (!conn) {
        if (conn.error() == errc::network_closed) co_return;
        st->log->warn("{}: accept failed: {}", n->type(), conn.error().message());
        asio::steady_timer pause(st->ex, 100ms);  // never spin on a persistent error
        auto [ec] = co_await pause.async_wait(use_tuple);
        if (ec) co_return;
        continue;
      }
      // Full: refuse before settling, so the registry never hears of a transport we drop.
      if (st->transports.size() >= st->cfg.max_transports && !st->transports.contains(conn->id)) {
        st->log->warn("{}: dropping incoming transport from {}: {} transports", n->type(), conn->remote_pk.to_hex(),
                      st->transports.size());
        conn->stream->close();
        continue;
      }
      if (st->settling >= st->cfg.max_pending_settlements) {
        st->log->warn("{}: dropping incoming transport from {}: {} settlements in progress", n->type(),
                      conn->remote_pk.to_hex(), st->settling);
        conn->stream->close();
        continue;
      }
      ++st->settling;
      auto spawned = st->tasks.spawn(settle_incoming(st, std::move(*conn)));
      if (!spawned) {
        // The task never ran: its guard did not either. (The moved-from conn is in the frame.)
        --st->settling;
        st->log->warn("{}: incoming transport dropped: {}", n->type(), spawned.error().message());
      }
    }
  }

  void redial_persistent() {
    if (closing) return;
    for (const auto& p : persistent) {
      if (!find_network(p.type) || p.pk == cfg.keys.pk) continue;
      const auto id = wt::make_transport_id(cfg.keys.pk, p.pk, p.type);
      if (transports.contains(id) || dials.contains(id)) continue;
      auto spawned = tasks.spawn(dial_persistent(shared_from_this(), p));
      if (!spawned) log->warn("persistent transport to {} not dialled: {}", p.pk.to_hex(), spawned.error().message());
    }
  }

  static asio::awaitable<void> dial_persistent(std::shared_ptr<manager_state> st, persistent_transport p) {
    auto r = co_await save(st, p.pk, p.type, std::string(wt::label_user));
    if (!r) st->log->warn("persistent transport to {} ({}): {}", p.pk.to_hex(), p.type, r.error().message());
  }

  static asio::awaitable<void> persistent_loop(std::shared_ptr<manager_state> st) {
    asio::steady_timer t(st->ex);
    for (;;) {
      st->redial_persistent();
      t.expires_after(st->cfg.persistent_interval);
      auto [ec] = co_await t.async_wait(use_tuple);
      if (ec || st->closing) co_return;
    }
  }

  static asio::awaitable<void> flush_loop(std::shared_ptr<manager_state> st) {
    asio::steady_timer t(st->ex);
    for (;;) {
      t.expires_after(st->cfg.log_flush_interval);
      auto [ec] = co_await t.async_wait(use_tuple);
      if (ec || st->closing) co_return;
      st->bw.flush(st->clock.wall_now());
    }
  }

  // Stops accepting and closes every transport; returns their IDs (for registry deletion).
  std::vector<wt::uuid> shut() {
    closing = true;
    for (auto& n : networks) n->close();
    std::vector<wt::uuid> ids;
    for (auto& [id, mt] : transports) {
      mt->close(errc::manager_closed);
      ids.push_back(id);
    }
    transports.clear();
    return ids;
  }
};

manager::manager(asio::any_io_executor ex, manager_config cfg, const base::clock& clock, base::logger log)
    : state_(std::make_shared<manager_state>(std::move(ex), std::move(cfg), clock, std::move(log))) {}

manager::~manager() {
  if (!state_) return;
  auto& st = *state_;
  if (!st.closing) {
    (void)st.shut();
    if (st.started) st.bw.flush(st.clock.wall_now());
  }
  st.tasks.cancel();
}

void manager::set_registry(std::shared_ptr<registry> r) { state_->reg = std::move(r); }

void manager::set_packet_handler(packet_handler h) { state_->handler = std::move(h); }

void manager::add_network(std::unique_ptr<network> n) {
  auto& st = *state_;
  if (!n) return;
  if (st.closing || st.find_network(n->type())) {
    st.log->warn("transport network {} not added: {}", n->type(), st.closing ? "manager closed" : "type already added");
    n->close();
    return;
  }
  network* raw = n.get();
  st.networks.push_back(std::move(n));
  auto spawned = st.tasks.spawn(manager_state::accept_loop(state_, raw));
  if (!spawned) st.log->error("{}: accept loop not started: {}", raw->type(), spawned.error().message());
}

void manager::start() {
  auto& st = *state_;
  if (st.started || st.closing) return;
  st.started = true;
  st.bw.open(st.clock.wall_now());
  auto f = st.tasks.spawn(manager_state::flush_loop(state_));
  auto p = st.tasks.spawn(manager_state::persistent_loop(state_));
  if (!f || !p) st.log->error("transport manager: loops not started");
}

std::vector<std::string> manager::types() const {
  std::vector<std::string> out;
  for (const auto& n : state_->networks) out.emplace_back(n->type());
  return out;
}

asio::awaitable<result<transport_info>> manager::save_transport(crypto::public_key remote, std::string type,
                                                                std::string_view label) {
  // Not a coroutine: label is copied now, so a caller's temporary string cannot dangle.
  return manager_state::save(state_, remote, std::move(type), std::string(label));
}

asio::awaitable<result<void>> manager::remove_transport(wt::uuid id) {
  auto st = state_;
  auto it = st->transports.find(id);
  if (it == st->transports.end()) co_return errc::transport_not_found;
  auto mt = it->second;
  st->transports.erase(it);
  mt->close(errc::transport_not_found);
  st->log->info("transport {} to {} removed", id.to_string(), mt->info().remote_pk.to_hex());
  st->spawn_delete(id);
  co_return result<void>{};
}

asio::awaitable<result<void>> manager::write_packet(wt::uuid id, byte_view packet) {
  if (!wire::routing::parse_packet(packet)) co_return errc::bad_packet;
  auto it = state_->transports.find(id);
  if (it == state_->transports.end()) co_return errc::transport_not_found;
  auto mt = it->second;  // held across the wait: the transport may be removed meanwhile
  co_return co_await mt->write(packet);
}

std::vector<transport_info> manager::transports() const {
  std::vector<transport_info> out;
  out.reserve(state_->transports.size());
  for (const auto& [id, mt] : state_->transports) out.push_back(mt->info());
  return out;
}

void manager::pause_reading(const wt::uuid& id) {
  if (auto it = state_->transports.find(id); it != state_->transports.end()) it->second->pause_reading();
}

void manager::resume_reading(const wt::uuid& id) {
  if (auto it = state_->transports.find(id); it != state_->transports.end()) it->second->resume_reading();
}

std::optional<transport_info> manager::find(wt::uuid id) const {
  auto it = state_->transports.find(id);
  if (it == state_->transports.end()) return std::nullopt;
  return it->second->info();
}

void manager::set_persistent(std::vector<persistent_transport> list) {
  state_->persistent = std::move(list);
  if (state_->started) state_->redial_persistent();
}

std::vector<persistent_transport> manager::persistent() const { return state_->persistent; }

asio::awaitable<void> manager::close() {
  auto st = state_;
  if (st->closing) {
    co_await st->tasks.join();
    co_return;
  }
  const auto ids = st->shut();
  if (st->reg && !ids.empty()) {
    // Best effort, bounded in all: one pass of deletions racing close_timeout.
    net::task_group dels(st->ex, ids.size());
    for (const auto& id : ids) (void)dels.spawn(manager_state::delete_entry(st, id));
    auto joined = dels.join();
    (void)co_await net::with_timeout(std::move(joined), st->cfg.close_timeout);
    dels.cancel();
    co_await dels.join();
  }
  // Each network's own background work (stcpr's and sudph's unbind at the address resolver),
  // bounded by the networks' own timeouts.
  for (auto& n : st->networks) co_await n->shutdown();
  if (st->started) st->bw.flush(st->clock.wall_now());
  st->tasks.cancel();
  co_await st->tasks.join();
}

}  // namespace skywire::transport
