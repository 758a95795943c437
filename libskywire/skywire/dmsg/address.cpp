#include "skywire/dmsg/address.hpp"

#include <charconv>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"

namespace skywire::dmsg {

namespace asio = boost::asio;
using asio::ip::tcp;

result<host_port> split_host_port(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return net::errc::bad_url;
  std::string_view host = address.substr(0, colon);
  const std::string_view port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || p != port.data() + port.size() || value == 0 || value > 65535) return net::errc::bad_url;
  return host_port{std::string(host), static_cast<std::uint16_t>(value)};
}

namespace {
asio::awaitable<result<tcp::socket>> connect_op(host_port hp) {
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, eps] = co_await resolver.async_resolve(hp.host, std::to_string(hp.port),
                                                    asio::as_tuple(asio::use_awaitable));
  if (rec) co_return rec;
  tcp::socket s(ex);
  auto [cec, ep] = co_await asio::async_connect(s, eps, asio::as_tuple(asio::use_awaitable));
  if (cec) co_return cec;
  error_code ignored;
  s.set_option(tcp::no_delay(true), ignored);  // small request/response writes (see server.cpp)
  co_return std::move(s);
}
}  // namespace

asio::awaitable<result<tcp::socket>> tcp_connect(std::string address, std::chrono::steady_clock::duration timeout) {
  auto hp = split_host_port(address);
  if (!hp) co_return hp.error();
  auto op = connect_op(std::move(*hp));
  co_return co_await net::with_timeout(std::move(op), timeout);
}

}  // namespace skywire::dmsg
