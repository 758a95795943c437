#include "skywire/net/task_group.hpp"

#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"
#include "run.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::run;

asio::awaitable<void> sleeper(std::chrono::milliseconds d, int& finished, int& aborted) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec == asio::error::operation_aborted) ++aborted;
  ++finished;
}

// Uses the throwing form of use_awaitable, like most real tasks.
asio::awaitable<void> throwing_sleeper(int& finished) {
  asio::steady_timer t(co_await asio::this_coro::executor, 10s);
  ++finished;  // counted before: the wait below ends in a system_error on cancel
  co_await t.async_wait(asio::use_awaitable);
}

asio::awaitable<void> buggy() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
  throw std::runtime_error("bug");
}

TEST(task_group, cancel_and_join) {
  asio::io_context ctx;
  int finished = 0, aborted = 0, thrown = 0;
  auto body = [&]() -> asio::awaitable<void> {
    task_group g(co_await asio::this_coro::executor, 8);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(g.spawn(sleeper(10s, finished, aborted)));
    EXPECT_TRUE(g.spawn(throwing_sleeper(thrown)));
    EXPECT_EQ(g.size(), 4u);
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);  // let them start
    g.cancel();
    auto join = g.join();
    auto r = co_await with_timeout(std::move(join), 5s);  // a hang would be a failure, not a stall
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(g.size(), 0u);
    EXPECT_TRUE(g.closed());
    auto late = g.spawn(sleeper(1ms, finished, aborted));
    EXPECT_EQ(late.error(), errc::group_closed);
  };
  run(ctx, body());
  EXPECT_EQ(finished, 3);
  EXPECT_EQ(aborted, 3);
  EXPECT_EQ(thrown, 1);
}

TEST(task_group, join_waits_for_natural_completion) {
  asio::io_context ctx;
  int finished = 0, aborted = 0;
  auto body = [&]() -> asio::awaitable<void> {
    task_group g(co_await asio::this_coro::executor, 8);
    co_await g.join();  // empty: immediate
    EXPECT_TRUE(g.spawn(sleeper(20ms, finished, aborted)));
    EXPECT_TRUE(g.spawn(sleeper(40ms, finished, aborted)));
    co_await g.join();
    EXPECT_EQ(finished, 2);
    EXPECT_TRUE(g.spawn(sleeper(10ms, finished, aborted)));  // still open: reusable
    co_await g.join();
  };
  run(ctx, body());
  EXPECT_EQ(finished, 3);
  EXPECT_EQ(aborted, 0);
}

TEST(task_group, bounded) {
  asio::io_context ctx;
  int finished = 0, aborted = 0;
  auto body = [&]() -> asio::awaitable<void> {
    task_group g(co_await asio::this_coro::executor, 2);
    EXPECT_TRUE(g.spawn(sleeper(10s, finished, aborted)));
    EXPECT_TRUE(g.spawn(sleeper(10s, finished, aborted)));
    auto third = g.spawn(sleeper(10s, finished, aborted));
    EXPECT_EQ(third.error(), errc::too_many_tasks);
    g.cancel();
    co_await g.join();
  };
  run(ctx, body());
  EXPECT_EQ(aborted, 2);
}

TEST(task_group, join_rethrows_task_bug) {
  asio::io_context ctx;
  bool caught = false;
  auto body = [&]() -> asio::awaitable<void> {
    task_group g(co_await asio::this_coro::executor, 2);
    EXPECT_TRUE(g.spawn(buggy()));
    try {
      co_await g.join();
    } catch (const std::runtime_error&) {
      caught = true;
    }
  };
  run(ctx, body());
  EXPECT_TRUE(caught);
}

TEST(task_group, destruction_cancels_running_tasks) {
  asio::io_context ctx;
  int finished = 0, aborted = 0;
  {
    task_group g(ctx.get_executor(), 4);
    EXPECT_TRUE(g.spawn(sleeper(10s, finished, aborted)));
    ctx.poll();  // start it
  }
  ctx.run_for(5s);
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(aborted, 1);
}

}  // namespace
}  // namespace skywire::net
