// net::stream's peek hook: the TCP stream's peek_some over a real loopback pair leaves what it
// shows readable, waits for data, reports EOF and cancellation like read_some; a stream that
// does not override it says "not supported".
#include "skywire/net/tcp_stream.hpp"

#include "skywire/net/timeout.hpp"
#include "run.hpp"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/errc.hpp>

#include <array>
#include <chrono>
#include <string>
#include <string_view>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::run;

std::string_view text(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

TEST(tcp_stream, peek_leaves_bytes_readable) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    auto s = make_tcp_stream(std::move(b));
    co_await asio::async_write(a, asio::buffer(std::string_view("hello world")), asio::use_awaitable);

    std::array<std::uint8_t, 64> buf{};
    // Loopback delivers the write as one segment; wait until all 11 bytes are buffered.
    std::size_t seen = 0;
    for (int i = 0; i < 100 && seen < 11; ++i) {
      auto p = co_await s->peek_some(buf);
      EXPECT_TRUE(p.has_value());
      if (!p) co_return;
      seen = *p;
    }
    EXPECT_EQ(seen, 11u);
    EXPECT_EQ(text(buf.data(), seen), "hello world");

    // A smaller buffer sees the front; peeking again sees the same bytes.
    std::array<std::uint8_t, 5> small{};
    auto p1 = co_await s->peek_some(small);
    auto p2 = co_await s->peek_some(small);
    EXPECT_EQ(p1.value(), 5u);
    EXPECT_EQ(p2.value(), 5u);
    EXPECT_EQ(text(small.data(), 5), "hello");

    // An empty buffer returns 0 at once.
    auto p0 = co_await s->peek_some(mutable_byte_view{});
    EXPECT_EQ(p0.value(), 0u);

    // Everything peeked is still there for read_some.
    buf.fill(0);
    auto r = co_await s->read_some(buf);
    EXPECT_EQ(r.value(), 11u);
    EXPECT_EQ(text(buf.data(), 11), "hello world");
  };
  run(ctx, body());
}

// Writes data to a after a short pause (so the reader is already waiting).
asio::awaitable<void> write_later(asio::ip::tcp::socket& a, std::string_view data) {
  asio::steady_timer t(a.get_executor(), 20ms);
  co_await t.async_wait(asio::use_awaitable);
  co_await asio::async_write(a, asio::buffer(data), asio::use_awaitable);
}

TEST(tcp_stream, peek_waits_for_data) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    auto s = make_tcp_stream(std::move(b));
    auto writer = write_later(a, "x\n");
    asio::co_spawn(a.get_executor(), std::move(writer), asio::detached);
    std::array<std::uint8_t, 8> buf{};
    auto op = s->peek_some(buf);
    auto p = co_await with_timeout(std::move(op), 5s);
    EXPECT_TRUE(p.has_value());
    if (!p) co_return;
    EXPECT_GE(*p, 1u);
    EXPECT_EQ(buf[0], 'x');
    auto r = co_await s->read_some(buf);
    EXPECT_GE(r.value(), 1u);
    EXPECT_EQ(buf[0], 'x');
  };
  run(ctx, body());
}

TEST(tcp_stream, peek_reports_eof_as_closed) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    auto s = make_tcp_stream(std::move(b));
    a.close();
    std::array<std::uint8_t, 8> buf{};
    auto op = s->peek_some(buf);
    auto p = co_await with_timeout(std::move(op), 5s);
    EXPECT_EQ(p.error(), errc::closed);
  };
  run(ctx, body());
}

TEST(tcp_stream, peek_is_cancellable_and_consumes_nothing) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    auto s = make_tcp_stream(std::move(b));
    std::array<std::uint8_t, 8> buf{};
    auto op = s->peek_some(buf);
    auto p = co_await with_timeout(std::move(op), 30ms);
    EXPECT_EQ(p.error(), errc::timeout);
    // The stream still works after the cancelled wait.
    co_await asio::async_write(a, asio::buffer(std::string_view("ok")), asio::use_awaitable);
    auto r = co_await s->read_some(buf);
    EXPECT_GE(r.value(), 1u);
    EXPECT_EQ(buf[0], 'o');
  };
  run(ctx, body());
}

TEST(tcp_stream, peek_after_close_is_an_error) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    auto s = make_tcp_stream(std::move(b));
    s->close();
    std::array<std::uint8_t, 8> buf{};
    auto p = co_await s->peek_some(buf);
    EXPECT_FALSE(p.has_value());
  };
  run(ctx, body());
}

// A carrier that does not override peek_some.
class no_peek_stream final : public stream {
 public:
  asio::awaitable<result<std::size_t>> read_some(mutable_byte_view) override { co_return errc::closed; }
  asio::awaitable<result<void>> write_all(byte_view) override { co_return result<void>{}; }
  void close() noexcept override {}
};

TEST(stream, default_peek_is_not_supported) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    no_peek_stream s;
    std::array<std::uint8_t, 8> buf{};
    auto p = co_await s.peek_some(buf);
    EXPECT_EQ(p.error(), boost::system::errc::operation_not_supported);
  };
  run(ctx, body());
}

}  // namespace
}  // namespace skywire::net
