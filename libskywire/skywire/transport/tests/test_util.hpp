#pragma once
// Helpers for the transport tests: run a coroutine test body on an io_context, a connected
// loopback TCP pair as net::streams, deterministic key pairs, sleeping and polling, and moving
// bytes through a net::stream pair.
#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/keys.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/net/tcp_stream.hpp"

// ASSERT for coroutine bodies (gtest's ASSERT_* uses `return`).
#define CO_ASSERT(cond)                              \
  do {                                               \
    if (!(cond)) {                                   \
      ADD_FAILURE() << "assertion failed: " #cond;   \
      co_return;                                     \
    }                                                \
  } while (0)

namespace skywire::transport::test {

namespace asio = boost::asio;
using asio::ip::tcp;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Runs body to completion (rethrowing its exception) on a fresh io_context.
template <class F>
void run(F&& make_body) {
  asio::io_context ctx;
  std::exception_ptr failure;
  asio::co_spawn(ctx, make_body(), [&](std::exception_ptr e) { failure = e; });
  ctx.run();
  if (failure) std::rethrow_exception(failure);
}

inline crypto::key_pair keys(const char* seed) {
  return crypto::deterministic_key_pair(as_bytes(std::string_view(seed))).value();
}

// A connected loopback TCP pair: first = the connecting end, second = the accepted end.
inline asio::awaitable<std::pair<tcp::socket, tcp::socket>> socket_pair() {
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acc(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(ex);
  co_await client.async_connect(acc.local_endpoint(), asio::use_awaitable);
  tcp::socket server = co_await acc.async_accept(asio::use_awaitable);
  co_return std::pair<tcp::socket, tcp::socket>{std::move(client), std::move(server)};
}

inline asio::awaitable<std::pair<std::unique_ptr<net::stream>, std::unique_ptr<net::stream>>> stream_pair() {
  auto [c, s] = co_await socket_pair();
  co_return std::pair{net::make_tcp_stream(std::move(c)), net::make_tcp_stream(std::move(s))};
}

// Reads from s until EOF or error; returns everything read (bounded by max).
inline asio::awaitable<std::string> read_until_eof(tcp::socket& s, std::size_t max = 65536) {
  std::string out;
  char buf[1024];
  while (out.size() < max) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), use_tuple);
    out.append(buf, n);
    if (ec) break;
  }
  co_return out;
}

inline asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

// Polls pred every 20 ms until it holds (true) or `limit` passes (false).
inline asio::awaitable<bool> wait_until(std::function<bool()> pred, std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    co_await sleep_for(std::chrono::milliseconds(20));
  }
  co_return true;
}

// Reads exactly out.size() bytes.
inline asio::awaitable<result<void>> read_full(net::stream& s, mutable_byte_view out) {
  while (!out.empty()) {
    auto n = co_await s.read_some(out);
    if (!n) co_return n.error();
    out = out.subspan(*n);
  }
  co_return result<void>{};
}

// `from` writes `data` while `to` reads; true when `to` got exactly it.
inline asio::awaitable<bool> send_and_check(net::stream& from, net::stream& to, const bytes& data) {
  using namespace boost::asio::experimental::awaitable_operators;
  bytes got(data.size());
  auto w = from.write_all(data);
  auto r = read_full(to, got);
  auto both = std::move(w) && std::move(r);
  auto [wr, rr] = co_await std::move(both);
  co_return wr && rr && got == data;
}

}  // namespace skywire::transport::test
