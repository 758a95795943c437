// Regression test for a yamux receive-window accounting bug found by the dmsg 8 MB transfer: a
// read in the middle of a partly received Data frame over-granted credit, the next window
// update wrapped, and the peer then exceeded the window (session killed). A bidirectional
// 4 MiB echo over one stream exercises exactly that.
#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>

#include "skywire/dmsg/yamux/yamux.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::dmsg {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> echo(yamux::stream s) {
  bytes buf(16384);
  for (;;) {
    auto n = co_await s.read_some(buf);
    if (!n) break;
    auto w = co_await s.write(byte_view(buf).first(*n));
    if (!w) break;
  }
}

asio::awaitable<void> write_all(yamux::stream& s, const bytes& d) {
  byte_view v = d;
  while (!v.empty()) {
    const std::size_t n = std::min<std::size_t>(65536, v.size());
    auto w = co_await s.write(v.first(n));
    if (!w) co_return;
    v = v.subspan(n);
  }
}

asio::awaitable<void> read_all(yamux::stream& s, bytes& out) {
  bytes buf(32768);
  while (out.size() < 4u * 1024 * 1024) {
    auto n = co_await s.read_some(buf);
    if (!n) co_return;
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

TEST(DmsgYamuxWindow, BidirectionalEchoKeepsWindowsConsistent) {
  asio::io_context ctx;
  net::test::run(ctx, []() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto [a, b] = co_await net::test::socket_pair();
    yamux::session client(std::move(a), yamux::role::client);
    yamux::session server(std::move(b), yamux::role::server);
    auto st = co_await client.open();
    auto in = co_await server.accept();
    EXPECT_TRUE(st && in);
    asio::co_spawn(co_await asio::this_coro::executor, echo(std::move(*in)), asio::detached);
    bytes data(4 * 1024 * 1024);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    bytes back;
    auto w = write_all(*st, data);
    auto r = read_all(*st, back);
    auto both = std::move(w) && std::move(r);
    co_await std::move(both);
    EXPECT_TRUE(back == data);
    EXPECT_FALSE(client.closed());
    EXPECT_FALSE(server.closed());
  }());
}

}  // namespace
}  // namespace skywire::dmsg
