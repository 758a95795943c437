#pragma once
// task_group: the owner of a set of spawned coroutines (Beast's task_group / Seastar's gate).
//
//   task_group g(ex, 64);
//   g.spawn(serve(conn));       // result<void>: errc::too_many_tasks, errc::group_closed
//   ...
//   g.cancel();                 // terminal cancellation to every running task; closes the group
//   co_await g.join();          // returns when no task is left
//
// Executor: every task runs on the executor given at construction, and every member function
// must be called from that executor (a single-threaded io_context, or a strand). The group is
// not thread-safe by design: one owner executor per subsystem.
//
// Bounds: at most max_tasks tasks at once; spawn() beyond that fails with too_many_tasks.
//
// Cancellation: cancel() emits a terminal cancellation to each task's cancellation slot; a task
// sees it as operation_aborted on its pending (or next) async operation. Tasks that end with a
// system_error(operation_aborted) exception are normal; any other exception escaping a task is
// a bug and is rethrown from join() (the first one only).
//
// Lifetime: the group's state is shared with its tasks, so destroying the group while tasks run
// is safe: the destructor cancels them and they finish on their own. join() may be awaited by
// several coroutines; it completes when the task count reaches zero (immediately if it is).
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>

namespace skywire::net {

class task_group {
 public:
  task_group(boost::asio::any_io_executor ex, std::size_t max_tasks);
  ~task_group();
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;

  // Starts `task` on the group's executor. Called from that executor, the task may begin running
  // inside spawn() (Asio dispatches), so set up anything it needs before calling spawn().
  result<void> spawn(boost::asio::awaitable<void> task);

  // Cancels every running task and refuses new ones (errc::group_closed).
  void cancel();

  // Completes when no task is running. Rethrows the first unexpected task exception.
  boost::asio::awaitable<void> join();

  std::size_t size() const noexcept;
  bool closed() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace skywire::net
