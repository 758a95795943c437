#include "skywire/net/errc.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/net/tcp_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>
#include <string>

#include <sys/socket.h>
#include <sys/types.h>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class tcp_stream_impl final : public stream {
 public:
  explicit tcp_stream_impl(tcp::socket s) : socket_(std::move(s)) {}

  asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf.data(), buf.size()),
                                                    asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::eof) co_return errc::closed;
    if (ec) co_return ec;
    co_return n;
  }

  // Tries the peek first (the bytes are often already there), then waits for readability and
  // peeks again: MSG_DONTWAIT, so a wake-up without data (another reader would be a caller bug)
  // waits again instead of blocking the thread.
  asio::awaitable<result<std::size_t>> peek_some(mutable_byte_view buf) override {
    if (buf.empty()) co_return 0;
    for (;;) {
      if (!socket_.is_open()) co_return error_code(asio::error::bad_descriptor);
      const ssize_t n = ::recv(socket_.native_handle(), buf.data(), buf.size(), MSG_PEEK | MSG_DONTWAIT);
      if (n > 0) co_return static_cast<std::size_t>(n);
      if (n == 0) co_return errc::closed;
      const int err = errno;
      if (err == EINTR) continue;
      if (err != EAGAIN && err != EWOULDBLOCK) co_return error_code(err, boost::system::system_category());
      auto [ec] = co_await socket_.async_wait(tcp::socket::wait_read, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return ec;
    }
  }

  asio::awaitable<result<void>> write_all(byte_view data) override {
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(data.data(), data.size()),
                                              asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return ec;
    co_return result<void>{};
  }

  void close() noexcept override {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
};

class tcp_dialer final : public stream_dialer {
 public:
  explicit tcp_dialer(asio::any_io_executor ex) : ex_(std::move(ex)) {}

  asio::awaitable<result<std::unique_ptr<stream>>> dial(std::string host,
                                                        std::uint16_t port) override {
    tcp::resolver resolver(ex_);
    auto [rec, endpoints] = co_await resolver.async_resolve(
        host, std::to_string(port), tcp::resolver::numeric_service,
        asio::as_tuple(asio::use_awaitable));
    if (rec) co_return rec;
    tcp::socket socket(ex_);
    auto [cec, ep] =
        co_await asio::async_connect(socket, endpoints, asio::as_tuple(asio::use_awaitable));
    (void)ep;
    if (cec) co_return cec;
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // request/response traffic
    co_return std::make_unique<tcp_stream_impl>(std::move(socket));
  }

 private:
  asio::any_io_executor ex_;
};

}  // namespace

std::unique_ptr<stream> make_tcp_stream(tcp::socket socket) {
  return std::make_unique<tcp_stream_impl>(std::move(socket));
}

std::shared_ptr<stream_dialer> make_tcp_dialer(asio::any_io_executor ex) {
  return std::make_shared<tcp_dialer>(std::move(ex));
}

}  // namespace skywire::net
