#include "skywire/net/task_group.hpp"

#include "skywire/net/errc.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <list>

namespace skywire::net {

namespace asio = boost::asio;

struct task_group::state {
  state(asio::any_io_executor e, std::size_t max) : ex(std::move(e)), max_tasks(max), idle(ex) {
    idle.expires_at(asio::steady_timer::time_point::max());
  }
  asio::any_io_executor ex;
  std::size_t max_tasks;
  // One cancellation signal per running task; list nodes are stable, so a task's handler can
  // hold its iterator. Entries are erased after the task's completion handler has returned.
  std::list<asio::cancellation_signal> signals;
  std::size_t running = 0;
  bool closed = false;
  std::exception_ptr first_error;
  // Joiners wait on this timer (expiry = never); it is cancelled whenever running drops to 0.
  asio::steady_timer idle;
};

namespace {

bool is_cancellation(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const boost::system::system_error& se) {
    return se.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

}  // namespace

task_group::task_group(asio::any_io_executor ex, std::size_t max_tasks)
    : state_(std::make_shared<state>(std::move(ex), max_tasks)) {}

task_group::~task_group() { cancel(); }

result<void> task_group::spawn(asio::awaitable<void> task) {
  auto& st = *state_;
  if (st.closed) return errc::group_closed;
  if (st.running >= st.max_tasks) return errc::too_many_tasks;
  auto it = st.signals.emplace(st.signals.end());
  ++st.running;
  auto on_done = [s = state_, it](std::exception_ptr e) {
    if (e && !s->first_error && !is_cancellation(e)) s->first_error = e;
    if (--s->running == 0) s->idle.cancel();
    // The signal still owns co_spawn's cancellation handler while co_spawn unwinds: erase later.
    auto erase = [s, it] { s->signals.erase(it); };
    asio::post(s->ex, std::move(erase));
  };
  auto token = asio::bind_cancellation_slot(it->slot(), std::move(on_done));
  asio::co_spawn(st.ex, std::move(task), std::move(token));
  return {};
}

void task_group::cancel() {
  auto& st = *state_;
  st.closed = true;
  for (auto& sig : st.signals) sig.emit(asio::cancellation_type::terminal);
}

asio::awaitable<void> task_group::join() {
  auto s = state_;  // keep the state alive even if the group object goes away meanwhile
  while (s->running > 0) {
    co_await s->idle.async_wait(asio::as_tuple(asio::use_awaitable));
    if (s->running > 0 && (co_await asio::this_coro::cancellation_state).cancelled() !=
                              asio::cancellation_type::none) {
      throw boost::system::system_error(asio::error::operation_aborted);
    }
  }
  if (s->first_error) {
    auto e = std::exchange(s->first_error, nullptr);
    std::rethrow_exception(e);
  }
}

std::size_t task_group::size() const noexcept { return state_->running; }

bool task_group::closed() const noexcept { return state_->closed; }

}  // namespace skywire::net
