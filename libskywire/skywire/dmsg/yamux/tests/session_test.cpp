// basic_session over real loopback TCP (label integration).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "skywire/dmsg/yamux/yamux.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"

namespace skywire::dmsg::yamux {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

void rethrow(std::exception_ptr e) {
  if (e) std::rethrow_exception(e);
}

void run(asio::awaitable<void> body) {
  asio::io_context ctx;
  std::exception_ptr err;
  bool finished = false;
  auto done = [&](std::exception_ptr e) {
    err = e;
    finished = true;
    ctx.stop();
  };
  asio::co_spawn(ctx, std::move(body), std::move(done));
  ctx.run_for(120s);
  if (err) std::rethrow_exception(err);
  if (!finished) throw std::logic_error("test coroutine did not finish");
}

asio::awaitable<std::pair<tcp::socket, tcp::socket>> socket_pair() {
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acc(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket a(ex);
  co_await a.async_connect(acc.local_endpoint(), asio::use_awaitable);
  tcp::socket b = co_await acc.async_accept(asio::use_awaitable);
  co_return std::make_pair(std::move(a), std::move(b));
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

// Reads until end of stream; returns the bytes (or the error that ended it, if not closed).
asio::awaitable<result<bytes>> read_all(stream& s) {
  bytes out;
  byte_array<4096> buf{};
  for (;;) {
    auto n = co_await s.read_some(buf);
    if (!n) {
      if (n.error() == net::errc::closed) co_return out;
      co_return n.error();
    }
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

bytes pattern(std::size_t n, std::uint8_t seed) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7 + (i >> 11));
  return b;
}

TEST(YamuxSession, OpenAcceptEchoAndHalfClose) {
  run([]() -> asio::awaitable<void> {
    auto [a, b] = co_await socket_pair();
    session client(std::move(a), role::client);
    session server(std::move(b), role::server);

    auto opened = co_await client.open();
    EXPECT_TRUE(opened.has_value());
    stream cs = std::move(*opened);
    EXPECT_EQ(cs.id(), 1u);
    EXPECT_TRUE((co_await cs.write(as_bytes("ping?"))).has_value());
    EXPECT_TRUE(cs.close().has_value());  // half-close: the reply still comes back

    auto accepted = co_await server.accept();
    EXPECT_TRUE(accepted.has_value());
    stream ss = std::move(*accepted);
    auto got = co_await read_all(ss);
    EXPECT_TRUE(got.has_value());
    EXPECT_EQ(as_chars(*got), "ping?");
    EXPECT_TRUE((co_await ss.write(as_bytes("pong!"))).has_value());
    EXPECT_TRUE(ss.close().has_value());

    auto reply = co_await read_all(cs);
    EXPECT_TRUE(reply.has_value());
    EXPECT_EQ(as_chars(*reply), "pong!");
    EXPECT_EQ((co_await cs.write(as_bytes("x"))).error(), errc::stream_closed);

    // Server-opened stream, other order of FINs.
    auto so = co_await server.open();
    EXPECT_TRUE(so.has_value());
    EXPECT_EQ(so->id(), 2u);
    EXPECT_TRUE((co_await so->write(as_bytes("from server"))).has_value());
    auto ca = co_await client.accept();
    EXPECT_TRUE(ca.has_value());
    EXPECT_TRUE(ca->close().has_value());
    auto r2 = co_await read_all(*so);  // the client's FIN came first
    EXPECT_TRUE(r2.has_value() && r2->empty());
    EXPECT_TRUE(so->close().has_value());
    auto r3 = co_await read_all(*ca);  // received data survives our own FIN
    EXPECT_TRUE(r3.has_value());
    EXPECT_EQ(as_chars(*r3), "from server");
  }());
}

TEST(YamuxSession, SlowReaderBlocksWriterWithBoundedMemory) {
  run([]() -> asio::awaitable<void> {
    auto [a, b] = co_await socket_pair();
    session client(std::move(a), role::client);
    session server(std::move(b), role::server);
    const bytes data = pattern(8 * 1024 * 1024, 3);

    auto opened = co_await client.open();
    stream cs = std::move(*opened);
    bool write_done = false;
    std::size_t max_output = 0;
    auto writer = [&]() -> asio::awaitable<void> {
      auto r = co_await cs.write(data);
      EXPECT_TRUE(r.has_value());
      EXPECT_TRUE(cs.close().has_value());
      write_done = true;
    };
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, writer(), rethrow);

    auto accepted = co_await server.accept();
    stream ss = std::move(*accepted);
    bytes got;
    byte_array<16 * 1024> buf{};
    std::size_t max_buffered = 0;
    int reads = 0;
    for (;;) {
      auto n = co_await ss.read_some(buf);
      if (!n) {
        EXPECT_EQ(n.error(), net::errc::closed);
        break;
      }
      got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
      max_buffered = std::max(max_buffered, ss.buffered());
      max_output = std::max(max_output, client.output_size());
      if (++reads % 8 == 0) {
        // The reader is slow, so the writer must be blocked on the window, not done.
        if (got.size() < data.size() / 2) {
          EXPECT_FALSE(write_done);
        }
        co_await sleep_for(1ms);
      }
    }
    EXPECT_TRUE(write_done);
    EXPECT_EQ(got.size(), data.size());
    EXPECT_TRUE(got == data);
    EXPECT_LE(max_buffered, limits::initial_window);
    EXPECT_LE(max_output, limits::max_output_bytes);
  }());
}

TEST(YamuxSession, ThousandConcurrentStreams) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto [a, b] = co_await socket_pair();
    session client(std::move(a), role::client);
    session server(std::move(b), role::server);
    constexpr int n_streams = 1000;
    constexpr std::size_t per_stream = 64 * 1024;

    int accepted = 0;
    int received_ok = 0;
    auto serve_one = [&](stream s) -> asio::awaitable<void> {
      auto got = co_await read_all(s);
      EXPECT_TRUE(got.has_value());
      if (got && got->size() == per_stream && (*got)[0] == static_cast<std::uint8_t>(s.id())) ++received_ok;
      EXPECT_TRUE((co_await s.write(as_bytes("ok"))).has_value());
      EXPECT_TRUE(s.close().has_value());
    };
    auto acceptor = [&]() -> asio::awaitable<void> {
      for (int i = 0; i < n_streams; ++i) {
        auto s = co_await server.accept();
        EXPECT_TRUE(s.has_value());
        if (!s) co_return;
        ++accepted;
        asio::co_spawn(ex, serve_one(std::move(*s)), rethrow);
      }
    };
    asio::co_spawn(ex, acceptor(), rethrow);

    // Open all streams first (in batches, so the peer's accept backlog of 256 is respected),
    // then move data on all of them at once.
    std::vector<stream> streams;
    for (int i = 0; i < n_streams; ++i) {
      auto s = co_await client.open();
      EXPECT_TRUE(s.has_value());
      streams.push_back(std::move(*s));
      if (i % 100 == 99) {
        while (accepted < i + 1) co_await sleep_for(1ms);
      }
    }
    EXPECT_EQ(client.stream_count(), static_cast<std::size_t>(n_streams));
    int done = 0;
    auto client_one = [&](stream& s) -> asio::awaitable<void> {
      bytes data(per_stream, static_cast<std::uint8_t>(s.id()));
      EXPECT_TRUE((co_await s.write(data)).has_value());
      EXPECT_TRUE(s.close().has_value());
      auto reply = co_await read_all(s);
      EXPECT_TRUE(reply.has_value());
      if (reply) {
        EXPECT_EQ(as_chars(*reply), "ok");
      }
      ++done;
    };
    for (auto& s : streams) asio::co_spawn(ex, client_one(s), rethrow);
    while (done < n_streams) co_await sleep_for(5ms);
    EXPECT_EQ(received_ok, n_streams);
    streams.clear();
    co_await sleep_for(20ms);
    EXPECT_EQ(client.stream_count(), 0u);
    EXPECT_EQ(server.stream_count(), 0u);
  }());
}

TEST(YamuxSession, CloseEndsPeerAndStreamsStaySafe) {
  run([]() -> asio::awaitable<void> {
    auto [a, b] = co_await socket_pair();
    std::optional<session> client(std::in_place, std::move(a), role::client);
    session server(std::move(b), role::server);
    auto cs = co_await client->open();
    EXPECT_TRUE((co_await cs->write(as_bytes("bye"))).has_value());
    auto ss = co_await server.accept();
    EXPECT_TRUE(ss.has_value());
    client->close();
    co_await client->join();
    EXPECT_EQ(client->error(), errc::session_closed);
    client.reset();  // the session object is gone; the stream handle still works safely
    byte_array<8> buf{};
    auto r = co_await cs->read_some(buf);
    EXPECT_EQ(r.error(), net::errc::closed);
    EXPECT_FALSE((co_await cs->write(as_bytes("x"))).has_value());

    // The server drains what arrived, then sees the end; accept fails once it is dead.
    auto got = co_await read_all(*ss);
    EXPECT_TRUE(got.has_value());
    EXPECT_EQ(as_chars(*got), "bye");
    auto acc = co_await server.accept();
    EXPECT_FALSE(acc.has_value());
    co_await server.join();
    EXPECT_TRUE(server.closed());
    auto o = co_await server.open();
    EXPECT_FALSE(o.has_value());
  }());
}

TEST(YamuxSession, ResetReachesPeer) {
  run([]() -> asio::awaitable<void> {
    auto [a, b] = co_await socket_pair();
    session client(std::move(a), role::client);
    session server(std::move(b), role::server);
    auto cs = co_await client.open();
    auto ss = co_await server.accept();
    cs->reset();
    byte_array<8> buf{};
    auto r = co_await ss->read_some(buf);
    EXPECT_EQ(r.error(), errc::stream_reset);
    EXPECT_EQ((co_await cs->write(as_bytes("x"))).error(), errc::stream_reset);
  }());
}

TEST(YamuxSession, KeepaliveAnsweredKeepsSessionAlive) {
  run([]() -> asio::awaitable<void> {
    auto [a, b] = co_await socket_pair();
    config cfg;
    cfg.keepalive_interval = 20ms;
    cfg.ping_timeout = 100ms;
    session client(std::move(a), role::client, cfg);
    session server(std::move(b), role::server, cfg);
    co_await sleep_for(300ms);
    EXPECT_FALSE(client.closed());
    EXPECT_FALSE(server.closed());
  }());
}

TEST(YamuxSession, UnansweredPingClosesSession) {
  run([]() -> asio::awaitable<void> {
    auto [a, raw] = co_await socket_pair();
    config cfg;
    cfg.keepalive_interval = 20ms;
    cfg.ping_timeout = 50ms;
    session client(std::move(a), role::client, cfg);
    byte_array<12> ping{};
    auto pb = asio::buffer(ping);
    auto [ec, n] = co_await asio::async_read(raw, pb, use_tuple);
    EXPECT_FALSE(ec);
    EXPECT_EQ(ping[1], 2);  // Ping(SYN, 0), never answered
    co_await client.join();
    EXPECT_EQ(client.error(), errc::keepalive_timeout);
  }());
}

TEST(YamuxSession, PeerExceedingWindowGetsGoAwayProtocolError) {
  run([]() -> asio::awaitable<void> {
    auto [raw, b] = co_await socket_pair();
    session server(std::move(b), role::server);
    header syn;
    syn.type = frame_type::window_update;
    syn.flags = flag::syn;
    syn.stream_id = 1;
    header data;
    data.type = frame_type::data;
    data.stream_id = 1;
    data.length = limits::initial_window + 1;
    bytes out;
    for (const header& h : {syn, data}) {
      auto e = encode_header(h);
      out.insert(out.end(), e.begin(), e.end());
    }
    auto wb = asio::buffer(out);
    co_await asio::async_write(raw, wb, use_tuple);
    bytes in(64);
    std::size_t have = 0;
    for (;;) {
      auto rb = asio::buffer(in.data() + have, in.size() - have);
      auto [ec, n] = co_await raw.async_read_some(rb, use_tuple);
      have += n;
      if (ec) break;  // EOF: the server closed the connection
    }
    EXPECT_GE(have, 12u);
    if (have < 12) co_return;
    auto last = decode_header(byte_view(in).subspan(have - 12, 12));
    EXPECT_TRUE(last.has_value());
    EXPECT_EQ(last->type, frame_type::go_away);
    EXPECT_EQ(last->length, 1u);
    co_await server.join();
    EXPECT_EQ(server.error(), errc::window_exceeded);
  }());
}

TEST(YamuxSession, CancelledReadReturnsAborted) {
  run([]() -> asio::awaitable<void> {
    auto [a, b] = co_await socket_pair();
    session client(std::move(a), role::client);
    session server(std::move(b), role::server);
    auto cs = co_await client.open();
    byte_array<8> buf{};
    auto op = cs->read_some(buf);
    auto r = co_await net::with_timeout(std::move(op), 30ms);
    EXPECT_EQ(r.error(), net::errc::timeout);
    // The stream is still usable afterwards.
    auto ss = co_await server.accept();
    EXPECT_TRUE((co_await ss->write(as_bytes("hi"))).has_value());
    auto n = co_await cs->read_some(buf);
    EXPECT_TRUE(n.has_value());
  }());
}

}  // namespace
}  // namespace skywire::dmsg::yamux
