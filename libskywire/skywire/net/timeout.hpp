#pragma once
// with_timeout: run an awaitable with a deadline.
//
//   result<T> r = co_await with_timeout(op(), 5s);
//
// Races `op` against a steady_timer on the calling coroutine's executor (Asio's
// awaitable_operators `||`; Boost 1.81 has no cancel_after). When the timer fires first, `op` is
// sent a terminal cancellation and with_timeout waits for it to unwind before returning
// errc::timeout, so nothing `op` references outlives the call. If `op` finishes first the timer
// is cancelled. If with_timeout itself is cancelled, the result is asio::error::operation_aborted.
//
// Result shape: awaitable<void> -> result<void>; awaitable<T> -> result<T>; and an op that
// already returns result<U> is flattened to result<U> (its own errors pass through unchanged).
//
// Exceptions thrown by `op` (bugs, or use_awaitable errors the op did not catch) propagate.
// Cancellation only interrupts operations that support per-operation cancellation (sockets,
// timers, channels); the Asio resolver does not, so a resolve in flight delays the return.
#include "skywire/base/result.hpp"
#include "skywire/net/errc.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <type_traits>
#include <utility>

namespace skywire::net {

namespace detail {
template <class T>
struct timeout_result {
  using type = result<T>;
};
template <class U>
struct timeout_result<result<U>> {
  using type = result<U>;
};
}  // namespace detail

template <class T>
using timeout_result_t = typename detail::timeout_result<T>::type;

template <class T>
boost::asio::awaitable<timeout_result_t<T>> with_timeout(boost::asio::awaitable<T> op,
                                                        std::chrono::steady_clock::duration limit) {
  namespace asio = boost::asio;
  using namespace boost::asio::experimental::awaitable_operators;

  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));
  // Named, not built inside the co_await expression (g++ 12 coroutine temporaries bug).
  auto race = std::move(op) || std::move(wait);
  auto r = co_await std::move(race);
  if (r.index() == 1) {
    const error_code ec = std::get<0>(std::get<1>(r));
    if (ec == asio::error::operation_aborted) co_return ec;  // we were cancelled, not expired
    co_return errc::timeout;
  }
  if constexpr (std::is_void_v<T>) {
    co_return timeout_result_t<T>{};
  } else {
    co_return timeout_result_t<T>(std::move(std::get<0>(r)));
  }
}

}  // namespace skywire::net
