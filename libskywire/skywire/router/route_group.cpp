#include "skywire/router/route_group.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/router/detail/state.hpp"
#include "skywire/router/errc.hpp"
#include "skywire/transport/errc.hpp"

namespace skywire::router {

namespace asio = boost::asio;

namespace detail {

asio::awaitable<bool> sleep_on(asio::steady_timer& t) {
  // Named before co_await: g++ 12 mishandles the token temporary inside the co_await expression.
  auto wait = t.async_wait(asio::as_tuple(asio::use_awaitable));
  co_await std::move(wait);
  auto cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() == asio::cancellation_type::none;
}

void arm_never(asio::steady_timer& t) { t.expires_at(asio::steady_timer::time_point::max()); }

group_state::group_state(asio::any_io_executor e, group_params p, const base::clock& clock, base::random_source& rng,
                         routing::edge_rules r, std::weak_ptr<router_state> rt, transport::manager* m)
    : ex(std::move(e)),
      core_clock(clock),
      core(std::move(p), clock, rng),
      rules(std::move(r)),
      router(std::move(rt)),
      tm(m),
      read_wake(ex),
      write_wake(ex),
      state_wake(ex),
      output_wake(ex),
      deadline(ex) {
  arm_never(read_wake);
  arm_never(write_wake);
  arm_never(state_wake);
  arm_never(output_wake);
  arm_never(deadline);
}

void group_state::hold_back(const wire::transport::uuid& from) {
  if (tm && paused_from.insert(from).second) tm->pause_reading(from);
}

void group_state::release_held() {
  if (tm) {
    for (const auto& id : paused_from) tm->resume_reading(id);
  }
  paused_from.clear();
}

void group_state::after_change() {
  auto keep = shared_from_this();  // the router's clean-up may drop the map's reference
  const bool closed = core.closed();
  if (!paused_from.empty() && (closed || core.buffer_low())) release_held();
  if (core.readable() || closed || core.closed_locally()) read_wake.cancel();
  if (core.writable() || core.phase() == group_phase::closing || closed) write_wake.cancel();
  if (core.was_opened() || closed) state_wake.cancel();
  if (core.has_output() || closed) output_wake.cancel();  // a closed group's writer flushes and ends
  const auto next = core.next_deadline();
  if (closed || (next && (!armed || *next < *armed))) deadline.cancel();

  if (core.was_opened() && !announced_open) {
    announced_open = true;
    if (auto r = router.lock()) r->on_group_open(*this);
    after_change();  // the router may have closed it (no listener)
    return;
  }
  if (closed && !finished) {
    finished = true;
    lease.release();
    if (auto r = router.lock()) r->on_group_closed(*this);
  }
}

asio::awaitable<void> group_state::timer_loop(std::shared_ptr<group_state> self) {
  (void)self;
  while (!core.closed()) {
    // The core's deadlines are on the injected clock; the timer sleeps for the difference, so a
    // clock that is not the steady clock (a test's manual clock) cannot make it spin.
    armed = core.next_deadline();
    if (armed) {
      deadline.expires_after(std::max(*armed - core_clock.steady_now(), base::clock::steady_time::duration::zero()));
    } else {
      arm_never(deadline);
    }
    auto wait = deadline.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12
    co_await std::move(wait);
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
    armed.reset();
    // The transport the route leaves on is gone: nothing we send arrives any more (checked at
    // every wake-up of an open group, i.e. at least every ping interval).
    if (core.phase() == group_phase::open && tm && !tm->find(rules.forward.next_transport_id)) {
      core.fail(errc::transport_gone);
    }
    core.on_timer();
    after_change();
  }
}

asio::awaitable<void> group_state::writer_loop(std::shared_ptr<group_state> self) {
  (void)self;
  for (;;) {
    while (!core.has_output()) {
      if (core.closed()) co_return;
      if (!co_await sleep_on(output_wake)) co_return;
    }
    bytes packet = core.pop_output();
    after_change();  // room in the output: waiting writers may go on
    if (!tm) continue;  // the router closed: nothing can be sent any more
    auto write = tm->write_packet(rules.forward.next_transport_id, packet);
    auto w = co_await std::move(write);
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
    if (!w) {
      core.fail(w.error() == transport::errc::transport_not_found ? error_code(errc::transport_gone) : w.error());
      after_change();
      continue;
    }
    // Writing through a route group refreshes its forward rule (§3.3).
    if (auto r = router.lock()) r->table.refresh(rules.forward.key_route_id);
  }
}

route_group_summary summarize(const group_state& g) {
  route_group_summary s;
  s.desc = g.rules.desc;
  s.role = g.core.role();
  s.phase = g.core.phase();
  s.encrypted = g.core.encrypted();
  s.forward_rule = g.rules.forward.key_route_id;
  s.consume_rule = g.rules.reverse.key_route_id;
  s.transport = g.rules.forward.next_transport_id;
  s.stats = g.core.stats();
  return s;
}

}  // namespace detail

route_group::route_group(std::shared_ptr<detail::group_state> st) noexcept : st_(std::move(st)) {}

route_group::route_group(route_group&& o) noexcept : st_(std::move(o.st_)) {}

route_group& route_group::operator=(route_group&& o) noexcept {
  if (this != &o) {
    close();
    st_ = std::move(o.st_);
  }
  return *this;
}

route_group::~route_group() { close(); }

asio::awaitable<result<std::size_t>> route_group::read_some(mutable_byte_view buf) {
  auto st = st_;
  if (!st) co_return error_code(errc::group_closed);
  for (;;) {
    auto& core = st->core;
    if (core.closed_locally()) co_return error_code(errc::group_closed);
    if (core.readable()) {
      if (buf.empty()) co_return std::size_t{0};
      const byte_view msg = core.peek();
      const std::size_t n = std::min(buf.size(), msg.size());
      std::copy_n(msg.begin(), n, buf.begin());
      core.consume(n);
      st->after_change();
      co_return n;
    }
    if (core.closed()) co_return core.error() ? core.error() : error_code(net::errc::closed);
    if (!co_await detail::sleep_on(st->read_wake)) co_return error_code(asio::error::operation_aborted);
  }
}

asio::awaitable<result<bytes>> route_group::read() {
  auto st = st_;
  if (!st) co_return error_code(errc::group_closed);
  for (;;) {
    auto& core = st->core;
    if (core.closed_locally()) co_return error_code(errc::group_closed);
    if (core.readable()) {
      bytes msg = core.take_message();
      st->after_change();
      co_return msg;
    }
    if (core.closed()) co_return core.error() ? core.error() : error_code(net::errc::closed);
    if (!co_await detail::sleep_on(st->read_wake)) co_return error_code(asio::error::operation_aborted);
  }
}

asio::awaitable<result<void>> route_group::write(byte_view message) {
  auto st = st_;
  if (!st) co_return error_code(errc::group_closed);
  for (;;) {
    auto& core = st->core;
    const group_phase ph = core.phase();
    if (ph == group_phase::negotiating || ph == group_phase::noise) {
      if (!co_await detail::sleep_on(st->state_wake)) co_return error_code(asio::error::operation_aborted);
      continue;
    }
    if (ph == group_phase::open && !core.writable()) {
      if (!co_await detail::sleep_on(st->write_wake)) co_return error_code(asio::error::operation_aborted);
      continue;
    }
    auto r = core.write(message);
    st->after_change();
    co_return r;
  }
}

asio::awaitable<result<void>> route_group::write_all(byte_view data) {
  auto st = st_;
  if (!st) co_return error_code(errc::group_closed);
  while (!data.empty()) {
    const std::size_t n = std::min(data.size(), st->core.max_message());
    auto w = co_await write(data.first(n));
    if (!w) co_return w.error();
    data = data.subspan(n);
  }
  co_return result<void>{};
}

void route_group::close() noexcept {
  if (!st_) return;
  st_->core.close();
  st_->after_change();
}

asio::awaitable<void> route_group::shutdown() {
  auto st = st_;
  if (!st) co_return;
  close();
  while (!st->core.closed()) {
    if (!co_await detail::sleep_on(st->state_wake)) co_return;
  }
}

std::size_t route_group::max_message() const noexcept { return st_ ? st_->core.max_message() : 0; }

skynet_addr route_group::local_addr() const noexcept {
  if (!st_) return {};
  return {st_->rules.desc.dst_pk, st_->rules.desc.dst_port};
}

skynet_addr route_group::remote_addr() const noexcept {
  if (!st_) return {};
  return {st_->rules.desc.src_pk, st_->rules.desc.src_port};
}

const routing::route_descriptor& route_group::descriptor() const noexcept {
  static const routing::route_descriptor none{};
  return st_ ? st_->rules.desc : none;
}

bool route_group::encrypted() const noexcept { return st_ && st_->core.encrypted(); }

bool route_group::alive() const noexcept { return st_ && st_->core.phase() == group_phase::open; }

error_code route_group::error() const noexcept { return st_ ? st_->core.error() : error_code(errc::group_closed); }

std::string route_group::error_text() const { return st_ ? st_->core.peer_error_text() : std::string(); }

group_stats route_group::stats() const noexcept { return st_ ? st_->core.stats() : group_stats{}; }

route_group_summary route_group::summary() const { return st_ ? detail::summarize(*st_) : route_group_summary{}; }

}  // namespace skywire::router
