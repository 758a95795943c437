#include "skywire/router/router.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "skywire/net/timeout.hpp"
#include "skywire/router/detail/state.hpp"
#include "skywire/router/errc.hpp"

namespace skywire::router {

namespace asio = boost::asio;
namespace wr = wire::routing;
namespace wt = wire::transport;

namespace {

// Go's appnet.ErrServiceOffline (pkg/app/appnet/errors.go): what a responder without a listener
// sends back in its Error packet.
std::string service_offline(std::uint16_t port) {
  const char* app = "service";
  switch (port) {
    case 1: app = "skychat"; break;
    case 3: app = "skysocks"; break;
    case 13: app = "skysocks-client"; break;
    case 44: app = "vpn-server"; break;
    case 43: app = "vpn-client"; break;
    default: break;
  }
  return fmt::format("no listener on port {}, {} offline", port, app);
}

// EdgeRules as this visor must hold them: a consume rule under desc (src = the remote end,
// dst = us) and a forward rule for the opposite direction.
bool valid_edge_rules(const routing::edge_rules& e, const crypto::public_key& self) {
  return e.reverse.type == routing::rule_type::consume && e.forward.type == routing::rule_type::forward &&
         e.reverse.descriptor == e.desc && e.desc.dst_pk == self && e.forward.descriptor == e.desc.inverted();
}

// Tasks: two per route group, one drain per transport, the rules GC, some slack.
std::size_t task_bound(const router_config& cfg) { return 2 * cfg.max_route_groups + 4096 + 64; }

}  // namespace

namespace detail {

router_state::router_state(asio::any_io_executor e, router_config c, transport::manager& m, const base::clock& clk,
                           base::random_source& r, base::logger l)
    : ex(std::move(e)),
      cfg(std::move(c)),
      tm(m),
      clock(clk),
      rng(r),
      log(l ? std::move(l) : base::make_null_logger("router")),
      table(clk, cfg.table),
      tasks(ex, task_bound(cfg)),
      fwd(m, tasks, cfg.max_forward_queue_bytes),
      gc_timer(ex) {}

void router_state::drop(std::uint64_t& counter, const wr::packet_view& p, const char* why) {
  ++counter;
  const auto now = clock.steady_now();
  if (now - drop_window >= std::chrono::seconds(1)) {
    if (drops_suppressed > 0) log->debug("router: {} more dropped packets not logged", drops_suppressed);
    drop_window = now;
    drops_logged = 0;
    drops_suppressed = 0;
  }
  if (drops_logged >= limits::drop_logs_per_second) {
    ++drops_suppressed;
    return;
  }
  ++drops_logged;
  log->debug("router: dropped {} for route id {}: {}", wr::to_string(p.type), p.route_id, why);
}

void router_state::handle_packet(const transport::transport_info& from, const wr::packet_view& p) {
  (void)from;
  ++counters.received;
  if (!wr::is_known(p.type)) {
    drop(counters.dropped_unknown_type, p, "unknown packet type");
    return;
  }
  auto r = table.peek(p.route_id);
  if (!r) {
    drop(counters.dropped_unknown_route, p, "no rule");
    return;
  }
  if (r->type == routing::rule_type::consume) {
    deliver(from.id, p, *r);
  } else {
    forward(from.id, p, *r);
  }
}

// §3.6: same type and payload under the next route id, rebuilt the way Go's forwardPacket does.
void router_state::forward(const wt::uuid& from, const wr::packet_view& p, const routing::rule& r) {
  const bool intermediary = r.type == routing::rule_type::intermediary;
  const std::uint32_t next = r.next_route_id;
  bytes out;
  switch (p.type) {
    case wr::packet_type::data: out = *wr::encode_data(next, p.payload); break;
    case wr::packet_type::error: out = *wr::encode_packet(wr::packet_type::error, next, p.payload); break;
    case wr::packet_type::handshake:
      if (p.payload.empty()) return drop(counters.dropped_malformed, p, "empty handshake");
      out = wr::encode_handshake(next, p.payload[0] != 0);
      break;
    case wr::packet_type::ping: {
      auto ping = wr::parse_ping(p.payload);
      if (!ping) return drop(counters.dropped_malformed, p, "short ping");
      out = wr::encode_ping(next, ping->unix_ms, ping->throughput);
      break;
    }
    case wr::packet_type::pong: {
      auto pong = wr::parse_pong(p.payload);
      if (!pong) return drop(counters.dropped_malformed, p, "short pong");
      out = wr::encode_pong(next, pong->unix_ms);
      break;
    }
    case wr::packet_type::keep_alive:
      if (!intermediary) return drop(counters.dropped_wrong_rule, p, "keep-alive on a forward rule");
      out = wr::encode_keep_alive(next);
      break;
    case wr::packet_type::close: {
      if (!intermediary) return drop(counters.dropped_wrong_rule, p, "close on a forward rule");
      auto code = wr::parse_close(p.payload);
      if (!code) return drop(counters.dropped_malformed, p, "empty close");
      out = wr::encode_close(next, *code);
      break;
    }
  }
  switch (fwd.push(r.next_transport_id, std::move(out), from)) {
    case forwarder::outcome::queued:
      ++counters.forwarded;
      table.refresh(r.key_route_id);
      break;
    case forwarder::outcome::no_transport: drop(counters.dropped_no_transport, p, "next transport gone"); break;
    case forwarder::outcome::queue_full: drop(counters.dropped_queue_full, p, "forward queue full"); break;
  }
  // The route is being torn down: this hop forgets it (Go deletes the rule whatever happened).
  if (p.type == wr::packet_type::close) table.remove(r.key_route_id);
}

void router_state::deliver(const wt::uuid& from, const wr::packet_view& p, const routing::rule& r) {
  table.refresh(r.key_route_id);
  auto it = groups.find(r.descriptor);
  if (it == groups.end() || it->second->rules.reverse.key_route_id != r.key_route_id) {
    drop(counters.dropped_no_group, p, "no route group");
    if (p.type == wr::packet_type::close) table.remove(r.key_route_id);
    return;
  }
  auto g = it->second;
  switch (p.type) {
    case wr::packet_type::keep_alive:
      ++counters.refreshed;
      g->core.on_packet(p.type, p.payload);
      g->after_change();
      return;
    case wr::packet_type::close:
    case wr::packet_type::handshake:
      if (p.payload.empty()) return drop(counters.dropped_malformed, p, "empty payload");
      break;
    case wr::packet_type::ping:
    case wr::packet_type::pong:
      if (p.payload.size() < wr::ping_payload_size) return drop(counters.dropped_malformed, p, "short payload");
      break;
    case wr::packet_type::data:
    case wr::packet_type::error: break;
  }
  ++counters.delivered;
  g->core.on_packet(p.type, p.payload);
  // The app reads slower than the route delivers: hold the transport back (back-pressure up
  // the route, as Go's blocking delivery) rather than fill the buffer and drop.
  if (p.type == wr::packet_type::data && g->core.buffer_high()) g->hold_back(from);
  g->after_change();
  if (p.type == wr::packet_type::close) table.remove(r.key_route_id);
}

result<std::shared_ptr<group_state>> router_state::create_group(group_role role, const routing::edge_rules& rules,
                                                                bool encrypt, dmsg::port_lease lease) {
  if (closed) return errc::router_closed;
  if (groups.size() >= cfg.max_route_groups) return errc::too_many_route_groups;
  if (groups.contains(rules.desc)) return errc::route_group_exists;
  auto saved = table.save(rules.forward);
  if (!saved) return saved.error();
  saved = table.save(rules.reverse);
  if (!saved) {
    table.remove(rules.forward.key_route_id);
    return saved.error();
  }

  group_options o;
  o.timing = cfg.timing;
  // Both ends declare the route dead when its rules would expire, and keep it alive well within.
  const auto keep_alive = rules.reverse.keep_alive;
  if (keep_alive.count() > 0) {
    o.timing.dead_after = keep_alive;
    o.timing.keep_alive_interval = std::min(o.timing.keep_alive_interval, keep_alive / 2);
  }
  o.max_buffered_bytes = cfg.max_buffered_bytes;
  o.max_buffered_messages = cfg.max_buffered_messages;
  group_params p{.role = role,
                 .local = cfg.keys,
                 .remote = rules.desc.src_pk,
                 .offer_encryption = encrypt,
                 .send_route_id = rules.forward.next_route_id,
                 .options = o};

  auto g = std::make_shared<group_state>(ex, std::move(p), clock, rng, rules, weak_from_this(), &tm);
  g->lease = std::move(lease);
  groups.emplace(rules.desc, g);
  auto spawned = tasks.spawn(g->timer_loop(g));
  if (spawned) spawned = tasks.spawn(g->writer_loop(g));
  if (!spawned) {
    g->core.fail(spawned.error());
    g->after_change();
    return spawned.error();
  }
  g->core.start();
  g->after_change();
  log->debug("router: {} route group {}", role == group_role::initiator ? "dialled" : "pending", rules.desc.to_string());
  return g;
}

void router_state::on_group_open(group_state& g) {
  log->debug("router: route group {} open ({})", g.rules.desc.to_string(), g.core.encrypted() ? "encrypted" : "plain");
  if (g.core.role() != group_role::responder) return;
  const std::uint16_t port = g.rules.desc.dst_port;
  auto it = listeners.find(port);
  auto l = it == listeners.end() ? nullptr : it->second.lock();
  if (l && l->deliver(g.shared_from_this())) return;
  // Go's accept loop: nobody listens → Error(text) + Close (§3.5).
  g.core.set_close_error(service_offline(port));
  g.core.close();
}

void router_state::on_group_closed(group_state& g) {
  log->debug("router: route group {} closed{}{}", g.rules.desc.to_string(), g.core.error() ? ": " : "",
             g.core.error() ? g.core.error().message() : std::string());
  table.remove(g.rules.forward.key_route_id);
  table.remove(g.rules.reverse.key_route_id);
  auto it = groups.find(g.rules.desc);
  if (it != groups.end() && it->second.get() == &g) groups.erase(it);
}

void router_state::close_group_of(const routing::rule& r, error_code why) {
  auto it = groups.find(r.descriptor);
  if (it == groups.end() || it->second->rules.reverse.key_route_id != r.key_route_id) return;
  auto g = it->second;
  g->core.fail(why);
  g->after_change();
}

asio::awaitable<void> router_state::gc_loop(std::shared_ptr<router_state> self) {
  (void)self;
  while (!closed) {
    gc_timer.expires_after(cfg.rules_gc_interval);
    auto wait = gc_timer.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12
    auto [ec] = co_await std::move(wait);
    if (ec || closed) co_return;
    for (const auto& r : table.collect_expired()) {
      log->debug("router: rule {} ({}) expired", r.key_route_id, routing::to_string(r.type));
      if (r.type == routing::rule_type::consume) close_group_of(r, errc::route_expired);
    }
  }
}

std::optional<transport::transport_info> router_state::direct_transport(const crypto::public_key& remote) const {
  static constexpr std::string_view preference[] = {wt::type_stcp, wt::type_stcpr, wt::type_sudph, wt::type_dmsg};
  const auto rank = [](const std::string& type) {
    return std::find(std::begin(preference), std::end(preference), type) - std::begin(preference);
  };
  std::optional<transport::transport_info> best;
  for (auto& tp : tm.transports()) {
    if (tp.remote_pk == remote && (!best || rank(tp.type) < rank(best->type))) best = std::move(tp);
  }
  return best;
}

asio::awaitable<result<std::pair<routing::path, routing::path>>> router_state::ping_paths(
    const crypto::public_key& via) {
  const auto& self = cfg.keys.pk;
  if (auto tp = direct_transport(via)) {
    routing::path loop{{tp->id, self, via}, {tp->id, via, self}};
    co_return std::pair{loop, loop};
  }
  // No direct transport: Go's PingRoute asks for a self→self loop of at most 2 hops.
  auto f = finder;
  if (!f) co_return error_code(errc::no_ping_route);
  auto find = f->find(self, self, 0, limits::ping_max_hops);
  auto paths = co_await net::with_timeout(std::move(find), cfg.find_timeout);
  if (!paths) co_return paths.error();
  const auto& fwd_path = paths->first;
  const bool via_on_it = std::any_of(fwd_path.begin(), fwd_path.end(), [&](const routing::hop& h) { return h.to == via; });
  if (!via_on_it) co_return error_code(errc::no_ping_route);
  co_return std::move(*paths);
}

asio::awaitable<result<route_group>> router_state::dial_route(routing::route_descriptor desc, routing::path fwd_path,
                                                              routing::path rev_path, bool encrypt,
                                                              dmsg::port_lease lease) {
  auto s = setup;
  if (!s) co_return error_code(errc::not_configured);
  routing::bidirectional_route route{desc, cfg.route_keep_alive, std::move(fwd_path), std::move(rev_path)};
  auto ok = routing::check(route);
  if (!ok) co_return ok.error();
  auto call = s->dial_route_group(std::move(route));
  auto rules = co_await net::with_timeout(std::move(call), cfg.setup_timeout);
  if (!rules) co_return rules.error();
  if (closed) co_return error_code(errc::router_closed);
  if (rules->desc != desc.inverted() || !valid_edge_rules(*rules, cfg.keys.pk)) co_return error_code(errc::bad_edge_rules);
  auto created = create_group(group_role::initiator, *rules, encrypt, std::move(lease));
  if (!created) co_return created.error();
  auto g = *created;
  // A dial abandoned (cancelled) before the group is handed out closes it.
  struct abandon_guard {
    std::shared_ptr<group_state> g;
    ~abandon_guard() {
      if (g && !g->handed_out) {
        g->core.close();
        g->after_change();
      }
    }
  } guard{g};
  while (!g->core.was_opened() && !g->core.closed()) {
    if (!co_await sleep_on(g->state_wake)) co_return error_code(asio::error::operation_aborted);
  }
  if (!g->core.was_opened()) co_return g->core.error() ? g->core.error() : error_code(errc::group_closed);
  g->handed_out = true;
  co_return route_group(g);
}

}  // namespace detail

router::router(asio::any_io_executor ex, router_config cfg, transport::manager& tm, const base::clock& clock,
               base::random_source& rng, base::logger log)
    : st_(std::make_shared<detail::router_state>(std::move(ex), std::move(cfg), tm, clock, rng, std::move(log))) {}

router::~router() {
  auto& st = *st_;
  if (st.closed) return;
  st.closed = true;
  st.tm.set_packet_handler({});
  st.gc_timer.cancel();
  st.fwd.stop();
  std::vector<std::shared_ptr<detail::group_state>> groups;
  for (auto& [d, g] : st.groups) groups.push_back(g);
  for (auto& g : groups) {
    g->core.fail(errc::router_closed);
    g->after_change();
    g->tm = nullptr;
  }
  for (auto& [port, w] : std::map(st.listeners)) {
    if (auto l = w.lock()) l->close();
  }
  st.tasks.cancel();
}

void router::set_path_finder(std::shared_ptr<path_finder> f) { st_->finder = std::move(f); }

void router::set_route_setup(std::shared_ptr<route_setup> s) { st_->setup = std::move(s); }

void router::set_dial_hook(std::shared_ptr<dial_hook> h) { st_->hook = std::move(h); }

void router::start() {
  auto& st = *st_;
  if (st.started || st.closed) return;
  st.started = true;
  std::weak_ptr<detail::router_state> weak = st_;
  st.tm.set_packet_handler([weak](const transport::transport_info& from, const wr::packet_view& p) {
    if (auto s = weak.lock()) s->handle_packet(from, p);
  });
  auto gc = st.gc_loop(st_);
  (void)st.tasks.spawn(std::move(gc));
}

asio::awaitable<void> router::close() {
  auto st = st_;
  if (st->closed) {
    co_await st->tasks.join();
    co_return;
  }
  st->closed = true;
  st->tm.set_packet_handler({});
  st->gc_timer.cancel();
  st->fwd.stop();
  std::vector<std::shared_ptr<detail::group_state>> groups;
  for (auto& [d, g] : st->groups) groups.push_back(g);
  for (auto& g : groups) {
    g->core.fail(errc::router_closed);  // a Close goes out on every route
    g->after_change();
  }
  for (auto& [port, w] : std::map(st->listeners)) {
    if (auto l = w.lock()) l->close();
  }
  // The writers flush those Close packets and end; give them a moment, then stop everything.
  auto flushed = st->tasks.join();
  (void)co_await net::with_timeout(std::move(flushed), std::chrono::seconds(1));
  st->tasks.cancel();
  co_await st->tasks.join();
  for (auto& g : groups) {
    g->release_held();
    g->tm = nullptr;
  }
}

void router::handle_packet(const transport::transport_info& from, const wr::packet_view& p) {
  st_->handle_packet(from, p);
}

asio::awaitable<result<route_group>> router::dial(crypto::public_key remote, std::uint16_t port, dial_options opts) {
  auto st = st_;
  if (st->closed) co_return error_code(errc::router_closed);
  if (remote.is_null()) co_return error_code(errc::empty_remote);
  auto finder = st->finder;
  if (!finder || !st->setup) co_return error_code(errc::not_configured);
  const std::uint16_t min_hops = opts.min_hops ? opts.min_hops : st->cfg.min_hops;
  const std::uint16_t max_hops = opts.max_hops ? opts.max_hops : st->cfg.max_hops;
  if (auto hook = st->hook; hook && min_hops <= 1) {
    auto prepare = hook->before_dial(remote);
    auto ready = co_await net::with_timeout(std::move(prepare), st->cfg.hook_timeout);
    if (!ready) {
      st->log->info("router: no direct transport to {} ({}); asking for any route", remote.to_hex(),
                    ready.error().message());
    }
    if (st->closed) co_return error_code(errc::router_closed);
  }
  if (st->tm.transports().empty()) co_return error_code(errc::no_transport);
  auto lease = st->ports->reserve_ephemeral();
  if (!lease) co_return lease.error();
  const auto& self = st->cfg.keys.pk;
  routing::route_descriptor desc{self, remote, lease->port(), port};
  result<std::pair<routing::path, routing::path>> paths = errc::no_transport;
  if (auto tp = min_hops <= 1 ? st->direct_transport(remote) : std::nullopt) {
    // The shortest route there is; the route finder would answer it too, but may not know yet a
    // transport made a moment ago (by the dial hook, say).
    paths = std::pair{routing::path{{tp->id, self, remote}}, routing::path{{tp->id, remote, self}}};
  } else {
    auto find = finder->find(self, remote, min_hops, max_hops);
    paths = co_await net::with_timeout(std::move(find), st->cfg.find_timeout);
    if (!paths) co_return paths.error();
  }
  auto dial = st->dial_route(desc, std::move(paths->first), std::move(paths->second), opts.encrypt && st->cfg.encrypt,
                             std::move(*lease));
  co_return co_await std::move(dial);
}

asio::awaitable<result<route_group>> router::dial_ping_route(crypto::public_key via, std::uint16_t port,
                                                             dial_options opts) {
  auto st = st_;
  if (st->closed) co_return error_code(errc::router_closed);
  if (via.is_null()) co_return error_code(errc::empty_remote);
  if (st->tm.transports().empty()) co_return error_code(errc::no_transport);
  auto lease = st->ports->reserve_ephemeral();
  if (!lease) co_return lease.error();
  const auto& self = st->cfg.keys.pk;
  routing::route_descriptor desc{self, self, lease->port(), port};
  auto find = st->ping_paths(via);
  auto paths = co_await std::move(find);
  if (!paths) co_return paths.error();
  auto dial = st->dial_route(desc, std::move(paths->first), std::move(paths->second), opts.encrypt && st->cfg.encrypt,
                             std::move(*lease));
  co_return co_await std::move(dial);
}

result<listener> router::listen(std::uint16_t port) {
  auto& st = *st_;
  if (st.closed) return errc::router_closed;
  auto lease = st.ports->reserve(port);
  if (!lease) return lease.error();
  auto l = std::make_shared<detail::listener_state>(st.ex, port, std::move(*lease), st.cfg.listen_backlog, st_);
  st.listeners[port] = l;
  return listener(std::move(l));
}

asio::awaitable<result<std::vector<routing::route_id>>> router::reserve_ids(const crypto::public_key& setup_node,
                                                                           std::uint8_t n) {
  (void)setup_node;
  auto st = st_;
  if (st->closed) co_return error_code(errc::router_closed);
  co_return st->table.reserve_ids(n);
}

asio::awaitable<result<void>> router::add_intermediary_rules(const crypto::public_key& setup_node,
                                                             std::vector<routing::rule> rules) {
  (void)setup_node;
  auto st = st_;
  if (st->closed) co_return error_code(errc::router_closed);
  for (const auto& r : rules) {
    if (r.type != routing::rule_type::intermediary) co_return error_code(errc::wrong_rule_type);
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto saved = st->table.save(rules[i]);
    if (!saved) {
      for (std::size_t j = 0; j < i; ++j) st->table.remove(rules[j].key_route_id);  // all or nothing
      co_return saved.error();
    }
  }
  co_return result<void>{};
}

asio::awaitable<result<void>> router::add_edge_rules(const crypto::public_key& setup_node, routing::edge_rules rules) {
  (void)setup_node;
  auto st = st_;
  if (st->closed) co_return error_code(errc::router_closed);
  if (!valid_edge_rules(rules, st->cfg.keys.pk)) co_return error_code(errc::bad_edge_rules);
  auto g = st->create_group(group_role::responder, rules, st->cfg.encrypt, {});
  if (!g) co_return g.error();
  co_return result<void>{};
}

asio::awaitable<result<void>> router::remove_rules(const crypto::public_key& setup_node,
                                                   std::vector<routing::route_id> ids) {
  (void)setup_node;
  auto st = st_;
  for (auto id : ids) {
    auto r = st->table.remove(id);
    if (r && r->type == routing::rule_type::consume) st->close_group_of(*r, errc::rules_removed);
  }
  co_return result<void>{};
}

std::vector<routing::rule> router::rules() const { return st_->table.all(); }

result<void> router::remove_rule(routing::route_id id) {
  auto r = st_->table.remove(id);
  if (!r) return errc::rule_not_found;
  if (r->type == routing::rule_type::consume) st_->close_group_of(*r, errc::rules_removed);
  return {};
}

result<routing::rule> router::add_rule(routing::rule r) {
  auto& st = *st_;
  if (st.closed) return errc::router_closed;
  if (r.key_route_id == 0) {
    auto ids = st.table.reserve_ids(1);
    if (!ids) return ids.error();
    r.key_route_id = ids->front();
  }
  for (const auto& [d, g] : st.groups) {
    const auto s = detail::summarize(*g);
    if (s.consume_rule == r.key_route_id || s.forward_rule == r.key_route_id) return errc::rule_in_use;
  }
  if (auto saved = st.table.save(r); !saved) return saved.error();
  st.log->info("router: {} rule {} added through the local API", routing::to_string(r.type), r.key_route_id);
  return r;
}

std::vector<route_group_summary> router::route_groups() const {
  std::vector<route_group_summary> out;
  out.reserve(st_->groups.size());
  for (const auto& [d, g] : st_->groups) out.push_back(detail::summarize(*g));
  return out;
}

router_counters router::counters() const {
  router_counters c = st_->counters;
  c.dropped_write_error = st_->fwd.dropped_write_error();
  return c;
}

const crypto::public_key& router::local_pk() const noexcept { return st_->cfg.keys.pk; }

}  // namespace skywire::router
