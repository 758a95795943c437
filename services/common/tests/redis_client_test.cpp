// redis_client over real sockets: against a hostile fake server on loopback (oversized bulk,
// garbage, a close in the middle of a reply, silence) and against a private redis-server.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <string>

#include "common/redis_client.hpp"
#include "common/tests/redis_server.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::svc::common {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// ASSERT_* cannot be used in a coroutine (it expands to `return`).
#define CO_ASSERT(cond)                      \
  if (!(cond)) {                             \
    ADD_FAILURE() << "failed: " #cond;       \
    co_return;                               \
  }

redis_url loopback(std::uint16_t port) {
  redis_url u;
  u.host = "127.0.0.1";
  u.port = port;
  return u;
}

// A fake Redis: for every connection, reads one command (up to its first CRLF is enough to know
// one arrived) and answers with `reply`, then closes when `close_after` is set.
struct fake_server {
  tcp::acceptor acceptor;
  std::string reply;
  bool close_after = true;

  explicit fake_server(asio::any_io_executor ex) : acceptor(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {}
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  asio::awaitable<void> serve_one() {
    auto [ec, s] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    asio::streambuf buf;
    auto [rec, n] = co_await asio::async_read_until(s, buf, "\r\n", asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (rec) co_return;
    if (!reply.empty()) {
      auto [wec, wn] = co_await asio::async_write(s, asio::buffer(reply), asio::as_tuple(asio::use_awaitable));
      (void)wec;
      (void)wn;
    }
    if (!close_after) {
      // Stay silent until the client gives up.
      std::array<char, 64> sink{};
      for (;;) {
        auto [e, m] = co_await s.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
        (void)m;
        if (e) break;
      }
    }
  }
};

error_code hostile(const std::string& reply, bool close_after = true, redis_limits limits = {1024, 16}) {
  asio::io_context ctx;
  error_code out;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    fake_server srv(ex);
    srv.reply = reply;
    srv.close_after = close_after;
    asio::co_spawn(ex, srv.serve_one(), asio::detached);
    redis_options o;
    o.limits = limits;
    o.command_timeout = 2s;  // only the silent server waits for it
    redis_client c(ex, loopback(srv.port()), o);
    auto op = c.command({"GET", "k"});
    auto r = co_await std::move(op);
    EXPECT_FALSE(r);
    if (!r) out = r.error();
    EXPECT_EQ(c.open_connections(), 0u);  // a failed connection is never pooled
  }());
  return out;
}

TEST(RedisClientHostile, OversizedBulkIsAnError) {
  EXPECT_EQ(hostile("$5000\r\n" + std::string(5000, 'x') + "\r\n"), redis_errc::reply_too_large);
  EXPECT_EQ(hostile("$100000000\r\n" + std::string(200000, 'x')), redis_errc::reply_too_large);
  EXPECT_EQ(hostile("*1000000\r\n"), redis_errc::reply_too_large);
}

TEST(RedisClientHostile, GarbageIsAProtocolError) {
  EXPECT_EQ(hostile("HTTP/1.1 200 OK\r\n\r\n"), redis_errc::protocol_error);
  EXPECT_EQ(hostile("+OK\r\n+EXTRA\r\n"), redis_errc::protocol_error);  // more replies than commands
}

TEST(RedisClientHostile, CloseMidReplyIsAnError) {
  EXPECT_EQ(hostile("$10\r\nabc"), redis_errc::closed);
  EXPECT_EQ(hostile("*2\r\n:1\r\n"), redis_errc::closed);
  EXPECT_EQ(hostile(""), redis_errc::closed);
}

TEST(RedisClientHostile, SilentServerTimesOut) { EXPECT_EQ(hostile("", false), net::errc::timeout); }

TEST(RedisClient, UnreachableIsAnError) {
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const std::uint16_t port = test::free_loopback_port();
    redis_client c(ex, loopback(port), {});
    auto op = c.ping();
    auto r = co_await std::move(op);
    CO_ASSERT(!r);
    EXPECT_EQ(r.error(), asio::error::connection_refused);
  }());
}

asio::awaitable<void> set_and_get(redis_client& c, int& done, int i) {
  const std::string key = "c" + std::to_string(i);
  auto w = c.pipeline({{"SET", key, std::to_string(i * 7)}, {"GET", key}});
  auto wr = co_await std::move(w);
  EXPECT_TRUE(wr);
  if (wr) {
    EXPECT_EQ((*wr)[1].str, std::to_string(i * 7));
  }
  ++done;
}

TEST(RedisClient, CommandsPipelineAndConcurrency) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  test::redis_process redis;
  ASSERT_TRUE(redis.ready());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    redis_options o;
    o.max_connections = 2;
    redis_client c(ex, loopback(redis.port()), o);
    auto p = c.ping();
    EXPECT_TRUE(co_await std::move(p));
    auto set = c.command({"SET", "k", std::string("v\0\r\n", 4), "PX", "60000"});
    auto s = co_await std::move(set);
    CO_ASSERT(s);
    EXPECT_TRUE(s->is_ok());
    auto get = c.command({"GET", "k"});
    auto g = co_await std::move(get);
    CO_ASSERT(g);
    EXPECT_EQ(g->str, std::string("v\0\r\n", 4));
    auto bad = c.command({"NOSUCHCOMMAND"});
    auto b = co_await std::move(bad);
    CO_ASSERT(b);  // an error reply is a value
    EXPECT_TRUE(b->is_error());
    auto pl = c.pipeline({{"SADD", "s", "a", "b"}, {"SMEMBERS", "s"}, {"GET", "missing"}});
    auto r = co_await std::move(pl);
    CO_ASSERT(r);
    CO_ASSERT((r->size()) == (3u));
    EXPECT_EQ((*r)[0].integer, 2);
    EXPECT_EQ((*r)[1].elements.size(), 2u);
    EXPECT_TRUE((*r)[2].is_nil());

    // 20 concurrent callers over at most 2 connections: every reply reaches its own caller.
    int done = 0;
    for (int i = 0; i < 20; ++i) asio::co_spawn(ex, set_and_get(c, done, i), asio::detached);
    asio::steady_timer t(ex);
    while (done < 20) {
      t.expires_after(5ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_LE(c.open_connections(), 2u);
  }());
}

TEST(RedisClient, AuthSelectAndWrongPassword) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  test::redis_process redis({"--requirepass", "s3cret"});
  ASSERT_TRUE(redis.ready());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto url = loopback(redis.port());
    {
      redis_client none(ex, url, {});
      auto p = none.ping();
      auto r = co_await std::move(p);
      EXPECT_EQ(r.error(), redis_errc::auth_failed);
    }
    {
      url.password = "wrong";
      redis_client wrong(ex, url, {});
      auto p = wrong.ping();
      auto r = co_await std::move(p);
      EXPECT_EQ(r.error(), redis_errc::auth_failed);
    }
    url.password = "s3cret";
    url.db = 5;
    redis_client db5(ex, url, {});
    auto set = db5.command({"SET", "only-in-5", "x"});
    EXPECT_TRUE(co_await std::move(set));
    url.db = 0;
    redis_client db0(ex, url, {});
    auto get0 = db0.command({"GET", "only-in-5"});
    auto g0 = co_await std::move(get0);
    CO_ASSERT(g0);
    EXPECT_TRUE(g0->is_nil());
    auto get5 = db5.command({"GET", "only-in-5"});
    auto g5 = co_await std::move(get5);
    CO_ASSERT(g5);
    EXPECT_EQ(g5->str, "x");
  }());
}

TEST(RedisClient, RecoversAfterRedisRestart) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  test::redis_process redis;
  ASSERT_TRUE(redis.ready());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    redis_client c(ex, loopback(redis.port()), {});
    auto p1 = c.ping();
    EXPECT_TRUE(co_await std::move(p1));
    EXPECT_EQ(c.open_connections(), 1u);
    // Restarted between two commands: the pooled connection is stale, the retry reconnects.
    redis.stop();
    redis.start();
    CO_ASSERT(redis.ready());
    auto p2 = c.ping();
    EXPECT_TRUE(co_await std::move(p2));
    // Down: an error value; up again: the next command works.
    redis.stop();
    auto down = c.ping();
    EXPECT_FALSE(co_await std::move(down));
    redis.start();
    CO_ASSERT(redis.ready());
    auto p3 = c.ping();
    EXPECT_TRUE(co_await std::move(p3));
  }());
}

}  // namespace
}  // namespace skywire::svc::common
