#include "skywire/net/timeout.hpp"

#include "run.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>

#include <chrono>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::run;

asio::awaitable<void> long_wait(bool& saw_abort) {
  asio::steady_timer t(co_await asio::this_coro::executor, 10s);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  saw_abort = (ec == asio::error::operation_aborted);
}

asio::awaitable<int> answer() { co_return 42; }

asio::awaitable<result<int>> failing() { co_return errc::closed; }

TEST(with_timeout, fires_and_cancels_inner_operation) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    bool saw_abort = false;
    const auto start = std::chrono::steady_clock::now();
    auto op = long_wait(saw_abort);
    result<void> r = co_await with_timeout(std::move(op), 50ms);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.error(), errc::timeout);
    EXPECT_TRUE(saw_abort);  // the inner op was cancelled and awaited before we returned
    EXPECT_LT(elapsed, 5s);
    EXPECT_GE(elapsed, 40ms);
  };
  run(ctx, body());
}

TEST(with_timeout, returns_value_when_fast) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto op = answer();
    result<int> r = co_await with_timeout(std::move(op), 1s);
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r ? *r : 0, 42);
  };
  run(ctx, body());
}

TEST(with_timeout, flattens_result_errors) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto op = failing();
    result<int> r = co_await with_timeout(std::move(op), 1s);
    EXPECT_EQ(r.error(), errc::closed);
  };
  run(ctx, body());
}

TEST(with_timeout, cancels_socket_read) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    std::array<char, 4> buf{};
    auto op = asio::async_read(a, asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    auto r = co_await with_timeout(std::move(op), 50ms);
    EXPECT_EQ(r.error(), errc::timeout);
  };
  run(ctx, body());
}

}  // namespace
}  // namespace skywire::net
