#pragma once
// Test helper: run one coroutine on a fresh io_context to completion (then stop the context, so
// servers still suspended in the test are destroyed with it).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <stdexcept>
#include <utility>

namespace skywire::net::test {

inline void run(boost::asio::io_context& ctx, boost::asio::awaitable<void> body) {
  std::exception_ptr err;
  bool finished = false;
  auto done = [&](std::exception_ptr e) {
    err = e;
    finished = true;
    ctx.stop();
  };
  boost::asio::co_spawn(ctx, std::move(body), std::move(done));
  ctx.run();
  if (err) std::rethrow_exception(err);
  if (!finished) throw std::logic_error("test coroutine did not finish");
}

// A connected pair of loopback TCP sockets (the kernel completes the handshake from the
// listen backlog, so connect-then-accept needs no concurrency).
inline boost::asio::awaitable<std::pair<boost::asio::ip::tcp::socket, boost::asio::ip::tcp::socket>>
socket_pair() {
  namespace asio = boost::asio;
  using asio::ip::tcp;
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acc(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket a(ex);
  co_await a.async_connect(acc.local_endpoint(), asio::use_awaitable);
  tcp::socket b = co_await acc.async_accept(asio::use_awaitable);
  co_return std::make_pair(std::move(a), std::move(b));
}

}  // namespace skywire::net::test
