// detail::read_line over a real loopback TCP pair, through a stream that can peek (the TCP
// stream: the line is found by peeking and read in a few calls) and through the same stream with
// its peek hidden (the byte-at-a-time fallback of KCP/dmsg streams), and over Noise. Either way
// the bytes a peer already sent after the "\n" (the next frame, Noise) stay unread, the max_bytes
// bound is exact, and EOF is the stream's own error.
#include "skywire/transport/detail/stream_io.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/encrypted_stream.hpp"
#include "skywire/transport/errc.hpp"
#include "test_util.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using test::run;
using test::tcp;
namespace asio = boost::asio;

// Forwards to a TCP stream and counts read_some calls; with peek = false it keeps the
// net::stream default peek_some ("not supported"), like a KCP or dmsg stream.
class counting_stream final : public net::stream {
 public:
  counting_stream(std::unique_ptr<net::stream> inner, bool peek) : inner_(std::move(inner)), peek_(peek) {}

  asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override {
    ++reads;
    auto op = inner_->read_some(buf);
    co_return co_await std::move(op);
  }
  asio::awaitable<result<std::size_t>> peek_some(mutable_byte_view buf) override {
    auto op = peek_ ? inner_->peek_some(buf) : net::stream::peek_some(buf);
    co_return co_await std::move(op);
  }
  asio::awaitable<result<void>> write_all(byte_view data) override {
    auto op = inner_->write_all(data);
    co_return co_await std::move(op);
  }
  void close() noexcept override { inner_->close(); }

  int reads = 0;

 private:
  std::unique_ptr<net::stream> inner_;
  bool peek_;
};

asio::awaitable<void> write_after(tcp::socket& s, std::chrono::milliseconds pause, std::string data) {
  asio::steady_timer t(s.get_executor(), pause);
  co_await t.async_wait(asio::use_awaitable);
  co_await asio::async_write(s, asio::buffer(data), asio::use_awaitable);
}

// Every read in these tests is bounded: a read_line that consumed too much would otherwise
// leave the next read waiting forever.
asio::awaitable<result<std::string>> line_within(net::stream& s, std::size_t max_bytes) {
  auto op = detail::read_line(s, max_bytes);
  co_return co_await net::with_timeout(std::move(op), 5s);
}

asio::awaitable<result<void>> exact_within(net::stream& s, mutable_byte_view out) {
  auto op = detail::read_exact(s, out);
  co_return co_await net::with_timeout(std::move(op), 5s);
}

std::string_view text(const byte_array<4>& b) { return as_chars(b); }

class read_line_test : public ::testing::TestWithParam<bool> {
 protected:
  bool peek() const { return GetParam(); }
};

TEST_P(read_line_test, leaves_the_next_protocols_bytes_unread) {
  run([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await test::socket_pair();
    counting_stream s(net::make_tcp_stream(std::move(server)), peek());
    const std::string line = std::string(300, 'a') + "\n";
    const std::string next("\x00\x01\n\xff", 4);  // what a pipelining peer sends right after
    co_await asio::async_write(client, asio::buffer(line + next + "second\n"), asio::use_awaitable);

    auto got = co_await line_within(s, 4096);
    CO_ASSERT(got.has_value());
    EXPECT_EQ(*got, line);
    if (peek()) {
      EXPECT_LE(s.reads, 3);  // found by peeking, read in one go (not 301 one-byte reads)
    } else {
      EXPECT_EQ(s.reads, 301);
    }
    byte_array<4> rest{};
    auto r = co_await exact_within(s, rest);
    CO_ASSERT(r.has_value());
    EXPECT_EQ(text(rest), next);
    auto second = co_await line_within(s, 4096);
    CO_ASSERT(second.has_value());
    EXPECT_EQ(*second, "second\n");
  });
}

TEST_P(read_line_test, line_split_across_segments) {
  run([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await test::socket_pair();
    counting_stream s(net::make_tcp_stream(std::move(server)), peek());
    co_await asio::async_write(client, asio::buffer(std::string_view("par")), asio::use_awaitable);
    auto later = write_after(client, 30ms, "tial\nNEXT");
    asio::co_spawn(client.get_executor(), std::move(later), asio::detached);

    auto got = co_await line_within(s, 4096);
    CO_ASSERT(got.has_value());
    EXPECT_EQ(*got, "partial\n");
    byte_array<4> rest{};
    auto r = co_await exact_within(s, rest);
    CO_ASSERT(r.has_value());
    EXPECT_EQ(text(rest), "NEXT");
  });
}

TEST_P(read_line_test, longer_than_max_bytes_is_frame_too_long_and_consumes_exactly_max) {
  run([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await test::socket_pair();
    counting_stream s(net::make_tcp_stream(std::move(server)), peek());
    co_await asio::async_write(client, asio::buffer(std::string(100, 'x') + "\nNEXT"), asio::use_awaitable);

    auto got = co_await line_within(s, 64);
    EXPECT_EQ(got.error(), errc::frame_too_long);
    // Exactly 64 bytes were consumed: 36 'x', the "\n" and NEXT are still there.
    bytes rest(41);
    auto r = co_await exact_within(s, rest);
    CO_ASSERT(r.has_value());
    EXPECT_EQ(as_chars(rest), std::string(36, 'x') + "\nNEXT");
  });
}

TEST_P(read_line_test, max_bytes_is_exact) {
  run([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await test::socket_pair();
    counting_stream s(net::make_tcp_stream(std::move(server)), peek());
    co_await asio::async_write(client, asio::buffer(std::string_view("abc\nabcd\n")), asio::use_awaitable);

    auto fits = co_await line_within(s, 4);  // "abc\n" is exactly 4 bytes
    CO_ASSERT(fits.has_value());
    EXPECT_EQ(*fits, "abc\n");
    auto too_long = co_await line_within(s, 4);  // "abcd\n" is 5
    EXPECT_EQ(too_long.error(), errc::frame_too_long);
    auto tail = co_await line_within(s, 4);
    CO_ASSERT(tail.has_value());
    EXPECT_EQ(*tail, "\n");
  });
}

TEST_P(read_line_test, eof_in_the_middle_of_a_line_is_closed) {
  run([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await test::socket_pair();
    counting_stream s(net::make_tcp_stream(std::move(server)), peek());
    co_await asio::async_write(client, asio::buffer(std::string_view("no newline")), asio::use_awaitable);
    client.close();

    auto got = co_await line_within(s, 4096);
    EXPECT_EQ(got.error(), net::errc::closed);
  });
}

// The settlement reads its line over the Noise stream, which peeks into its decrypted frame: a
// line that spans two frames is read in a few calls and what follows it stays unread.
TEST(encrypted_stream_read_line, peeks_across_frames_and_leaves_the_rest) {
  run([]() -> asio::awaitable<void> {
    auto [client, server] = co_await test::stream_pair();
    crypto::system_random rng;
    const auto a = test::keys("a");
    const auto b = test::keys("b");
    auto i = noise_kk(std::move(client), noise::handshake_role::initiator, a, b.pk, rng);
    auto r = noise_kk(std::move(server), noise::handshake_role::responder, b, a.pk, rng);
    auto [ei, er] = co_await (std::move(i) && std::move(r));
    CO_ASSERT(ei.has_value() && er.has_value());
    // 5000 bytes: two Noise frames (4070 plaintext bytes each at most).
    const std::string line = std::string(4999, 'e') + "\n";
    auto w = co_await (*ei)->write_all(as_bytes(line + "NEXT"));
    CO_ASSERT(w.has_value());

    counting_stream s(std::move(*er), true);
    auto got = co_await line_within(s, 8192);
    CO_ASSERT(got.has_value());
    EXPECT_EQ(*got, line);
    EXPECT_LE(s.reads, 7);  // peeks of at most 1 KiB and the frame boundary, not 5000 reads
    std::array<std::uint8_t, 8> peeked{};
    auto p = co_await s.peek_some(peeked);
    CO_ASSERT(p.has_value());
    EXPECT_EQ(as_chars(byte_view(peeked).first(*p)), "NEXT");
    byte_array<4> rest{};
    auto rr = co_await exact_within(s, rest);
    CO_ASSERT(rr.has_value());
    EXPECT_EQ(text(rest), "NEXT");
  });
}

INSTANTIATE_TEST_SUITE_P(stream_io, read_line_test, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "peek" : "bytewise"; });

}  // namespace
}  // namespace skywire::transport
