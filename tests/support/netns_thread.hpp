#pragma once
// Test support: an io_context running on its own thread inside a network namespace, so every
// socket its handlers open lives in that namespace (one per simulated host).
//
//   test::netns_thread a(a_ns);
//   auto port = a.call([&] { return start_visor(a.ctx.get_executor()); });  // runs on a's thread
//   auto done = asio::co_spawn(a.ctx, std::move(task), asio::use_future);
//
// call() posts f to the context and blocks the calling thread until it has run (f must not
// wait for anything that needs the calling thread). The destructor stops the context and
// joins: objects living on it must be destroyed first (through call()), as their destructors
// must run on their executor.
// wait_for(cond, limit) polls a condition from the test thread.
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include "netns.hpp"

namespace skywire::test {

struct netns_thread {
  boost::asio::io_context ctx;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{ctx.get_executor()};
  std::thread thread;

  explicit netns_thread(const netns& ns) {
    std::promise<void> entered;
    auto done = entered.get_future();
    thread = std::thread([this, &ns, &entered] {
      try {
        ns.enter_this_thread();
        entered.set_value();
      } catch (...) {
        entered.set_exception(std::current_exception());
        return;
      }
      ctx.run();
    });
    try {
      done.get();
    } catch (...) {
      thread.join();
      throw;
    }
  }
  ~netns_thread() {
    work.reset();
    ctx.stop();
    if (thread.joinable()) thread.join();
  }
  netns_thread(const netns_thread&) = delete;
  netns_thread& operator=(const netns_thread&) = delete;

  template <class F>
  auto call(F f) {
    return boost::asio::post(ctx, boost::asio::use_future(std::move(f))).get();
  }
};

// Polls cond every 50 ms until it holds (true) or `limit` passes (false): for state that another
// thread's context changes.
inline bool wait_for(const std::function<bool()>& cond, std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace skywire::test
