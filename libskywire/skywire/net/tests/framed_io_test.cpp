#include "skywire/net/framed_io.hpp"

#include "skywire/net/timeout.hpp"
#include "run.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::run;

TEST(framed_io, round_trip) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    const bytes small{'h', 'e', 'l', 'l', 'o'};
    const bytes big(max_frame_body, 0xAB);
    auto w1 = co_await async_write_frame(a, small);
    auto w2 = co_await async_write_frame(a, byte_view{});
    auto w3 = co_await async_write_frame(a, big);
    EXPECT_TRUE(w1 && w2 && w3);
    auto r1 = co_await async_read_frame(b, 100);
    auto r2 = co_await async_read_frame(b, 100);
    auto r3 = co_await async_read_frame(b, max_frame_body);
    EXPECT_TRUE(r1 && *r1 == small);
    EXPECT_TRUE(r2 && r2->empty());
    EXPECT_TRUE(r3 && *r3 == big);
  };
  run(ctx, body());
}

TEST(framed_io, write_refuses_oversized_body) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    const bytes too_big(max_frame_body + 1, 0);
    auto r = co_await async_write_frame(a, too_big);
    EXPECT_EQ(r.error(), errc::frame_too_large);
  };
  run(ctx, body());
}

TEST(framed_io, oversized_length_refused_before_body) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    // Announce 4096 bytes but never send them: the reader must refuse at the header instead of
    // waiting for (or allocating) the body.
    const std::array<std::uint8_t, 2> header{0x10, 0x00};
    co_await asio::async_write(a, asio::buffer(header), asio::use_awaitable);
    auto op = async_read_frame(b, 100);
    auto r = co_await with_timeout(std::move(op), 2s);
    EXPECT_EQ(r.error(), errc::frame_too_large);
  };
  run(ctx, body());
}

TEST(framed_io, truncated_body_is_closed) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    const std::array<std::uint8_t, 5> partial{0x00, 0x0A, 1, 2, 3};
    co_await asio::async_write(a, asio::buffer(partial), asio::use_awaitable);
    a.close();
    auto r = co_await async_read_frame(b, 100);
    EXPECT_EQ(r.error(), errc::closed);
  };
  run(ctx, body());
}

TEST(framed_io, truncated_header_and_clean_eof_are_closed) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    {
      auto [a, b] = co_await test::socket_pair();
      a.close();
      auto r = co_await async_read_frame(b, 100);
      EXPECT_EQ(r.error(), errc::closed);
    }
    {
      auto [a, b] = co_await test::socket_pair();
      const std::array<std::uint8_t, 1> half{0x00};
      co_await asio::async_write(a, asio::buffer(half), asio::use_awaitable);
      a.close();
      auto r = co_await async_read_frame(b, 100);
      EXPECT_EQ(r.error(), errc::closed);
    }
  };
  run(ctx, body());
}

TEST(framed_io, read_exact) {
  asio::io_context ctx;
  auto body = [&]() -> asio::awaitable<void> {
    auto [a, b] = co_await test::socket_pair();
    const std::array<std::uint8_t, 6> data{1, 2, 3, 4, 5, 6};
    co_await asio::async_write(a, asio::buffer(data), asio::use_awaitable);
    auto too_many = co_await async_read_exact(b, 10, 8);
    EXPECT_EQ(too_many.error(), errc::frame_too_large);
    auto four = co_await async_read_exact(b, 4, 8);
    EXPECT_TRUE(four && *four == (bytes{1, 2, 3, 4}));
    a.close();
    auto rest = co_await async_read_exact(b, 4, 8);  // only 2 left, then EOF
    EXPECT_EQ(rest.error(), errc::closed);
  };
  run(ctx, body());
}

}  // namespace
}  // namespace skywire::net
