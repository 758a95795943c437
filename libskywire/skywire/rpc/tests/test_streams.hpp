#pragma once
// Test helpers: a net::stream over an accepted/connected TCP socket (net's own TCP stream is
// private to its dialer) and loopback connection pairs made of them.
#include <memory>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/net/stream.hpp"

// ASSERT_* cannot be used inside a coroutine (it expands to `return`): this is the co_return
// form, without a streamed message.
#ifndef CO_ASSERT
#define CO_ASSERT(cond)                            \
  if (!(cond)) {                                   \
    ADD_FAILURE() << "assertion failed: " #cond;   \
    co_return;                                     \
  } else                                           \
    (void)0
#endif

namespace skywire::rpc::test {

class tcp_stream final : public net::stream {
 public:
  explicit tcp_stream(boost::asio::ip::tcp::socket s) : s_(std::move(s)) {}
  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override {
    namespace asio = boost::asio;
    auto [ec, n] = co_await s_.async_read_some(asio::buffer(buf.data(), buf.size()), asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::eof) co_return net::errc::closed;
    if (ec) co_return ec;
    co_return n;
  }
  boost::asio::awaitable<result<void>> write_all(byte_view data) override {
    namespace asio = boost::asio;
    auto [ec, n] = co_await asio::async_write(s_, asio::buffer(data.data(), data.size()), asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return ec;
    co_return result<void>{};
  }
  void close() noexcept override {
    boost::system::error_code ignored;
    s_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    s_.close(ignored);
  }

 private:
  boost::asio::ip::tcp::socket s_;
};

// Two connected loopback TCP streams.
inline boost::asio::awaitable<std::pair<std::unique_ptr<net::stream>, std::unique_ptr<net::stream>>> tcp_pair() {
  namespace asio = boost::asio;
  using asio::ip::tcp;
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acc(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket a(ex);
  co_await a.async_connect(acc.local_endpoint(), asio::use_awaitable);
  tcp::socket b = co_await acc.async_accept(asio::use_awaitable);
  co_return std::make_pair(std::make_unique<tcp_stream>(std::move(a)), std::make_unique<tcp_stream>(std::move(b)));
}

}  // namespace skywire::rpc::test
