// pg_client against a private PostgreSQL server (pg_server.hpp) on 127.0.0.1: parameterised
// round trips (NULLs, quotes stay data), server errors that keep the connection (unique
// violation with the server's text), the row cap, a deadline, the pool bound under concurrent
// queries, a server restart between queries, and start-up failures (closed port, unknown
// database, a silent peer).
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "common/pg_client.hpp"
#include "common/tests/pg_server.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::svc::common {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using params = std::vector<std::optional<std::string>>;

#define CO_ASSERT(cond)                \
  if (!(cond)) {                       \
    ADD_FAILURE() << "failed: " #cond; \
    co_return;                         \
  }

// A fresh database on the shared server for each test.
std::vector<std::pair<std::string, std::string>> fresh_db(const std::string& name) {
  auto& server = test::shared_pg_server();
  EXPECT_TRUE(server.ready()) << "PostgreSQL did not start";
  EXPECT_TRUE(server.create_database(name));
  return test::pg_params(server, name);
}

pg_options options(std::vector<std::pair<std::string, std::string>> p) {
  pg_options o;
  o.params = std::move(p);
  return o;
}

TEST(PgClient, ParameterisedRoundTrip) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto p = fresh_db("roundtrip");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    pg_client db(ctx.get_executor(), options(p), base::make_null_logger("pg"));
    auto ping = db.ping();
    auto pinged = co_await std::move(ping);
    CO_ASSERT(pinged);
    auto ddl = db.exec("CREATE TABLE t (k text PRIMARY KEY, v text); CREATE INDEX t_v ON t (v);");
    auto made = co_await std::move(ddl);
    CO_ASSERT(made);
    const std::string hostile = "x'); DROP TABLE t; --";
    auto ins = db.query("INSERT INTO t (k, v) VALUES ($1, $2), ($3, $4)", params{"a", hostile, "b", std::nullopt}, 0);
    auto inserted = co_await std::move(ins);
    CO_ASSERT(inserted);
    EXPECT_EQ(inserted->affected, 2u);
    auto sel = db.query("SELECT k, v FROM t ORDER BY k", {}, 10);
    auto rows = co_await std::move(sel);
    CO_ASSERT(rows);
    CO_ASSERT(rows->rows.size() == 2u);
    EXPECT_EQ(rows->rows[0][0], std::optional<std::string>("a"));
    EXPECT_EQ(rows->rows[0][1], std::optional<std::string>(hostile)) << "a parameter is data, never SQL";
    EXPECT_EQ(rows->rows[1][1], std::nullopt) << "NULL in, NULL out";
    auto del = db.query("DELETE FROM t WHERE k = $1", params{"zzz"}, 0);
    auto none = co_await std::move(del);
    CO_ASSERT(none);
    EXPECT_EQ(none->affected, 0u);
    auto nul = db.query("SELECT $1::text", params{std::string("a\0b", 3)}, 1);
    auto refused = co_await std::move(nul);
    EXPECT_EQ(refused.error(), pg_errc::bad_parameter);
    EXPECT_EQ(db.open_connections(), 1u) << "sequential queries reuse one connection";
  }());
}

TEST(PgClient, ServerErrorsKeepTheConnectionAndTheirText) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto p = fresh_db("errors");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    pg_client db(ctx.get_executor(), options(p), base::make_null_logger("pg"));
    auto ddl = db.exec("CREATE TABLE u (k text UNIQUE)");
    auto made = co_await std::move(ddl);
    CO_ASSERT(made);
    auto first = db.query("INSERT INTO u (k) VALUES ($1)", params{"same"}, 0);
    auto ok = co_await std::move(first);
    CO_ASSERT(ok);
    auto second = db.query("INSERT INTO u (k) VALUES ($1)", params{"same"}, 0);
    auto dup = co_await std::move(second);
    CO_ASSERT(!dup);
    EXPECT_EQ(dup.error(), pg_errc::unique_violation);
    EXPECT_EQ(db.last_error(), "ERROR: duplicate key value violates unique constraint \"u_k_key\" (SQLSTATE 23505)");
    auto missing = db.query("SELECT * FROM nope", {}, 1);
    auto undefined = co_await std::move(missing);
    EXPECT_EQ(undefined.error(), pg_errc::undefined_table);
    auto bad = db.query("SELEC 1", {}, 1);
    auto syntax = co_await std::move(bad);
    EXPECT_EQ(syntax.error(), pg_errc::server_error);
    auto after = db.query("SELECT count(*) FROM u", {}, 1);
    auto count = co_await std::move(after);
    CO_ASSERT(count);
    EXPECT_EQ(count->rows.at(0).at(0), std::optional<std::string>("1"));
    EXPECT_EQ(db.open_connections(), 1u) << "a server error does not cost the connection";
  }());
}

TEST(PgClient, RowCapAndResultBytes) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto p = fresh_db("caps");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto o = options(p);
    o.max_result_bytes = 10'000;
    pg_client db(ctx.get_executor(), o, base::make_null_logger("pg"));
    auto many = db.query("SELECT g FROM generate_series(1, 100000) g", {}, 50);
    auto capped = co_await std::move(many);
    EXPECT_EQ(capped.error(), pg_errc::too_many_rows);
    auto big = db.query("SELECT repeat('x', 20000)", {}, 1);
    auto too_big = co_await std::move(big);
    EXPECT_EQ(too_big.error(), pg_errc::result_too_large);
    auto exact = db.query("SELECT g FROM generate_series(1, 50) g", {}, 50);
    auto fits = co_await std::move(exact);
    CO_ASSERT(fits);
    EXPECT_EQ(fits->rows.size(), 50u) << "exactly the cap is fine";
  }());
}

TEST(PgClient, QueryDeadline) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto p = fresh_db("deadline");
  // Our own statement_timeout (long), so that the client's deadline is what fires.
  p.emplace_back("options", "-c statement_timeout=60000");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto o = options(p);
    o.query_timeout = 300ms;
    pg_client db(ctx.get_executor(), o, base::make_null_logger("pg"));
    auto slow = db.query("SELECT pg_sleep(30)", {}, 1);
    auto late = co_await std::move(slow);
    EXPECT_EQ(late.error(), net::errc::timeout);
    auto next = db.query("SELECT 1", {}, 1);
    auto fine = co_await std::move(next);
    EXPECT_TRUE(fine) << "a new connection replaces the one that timed out";
  }());
}

TEST(PgClient, ServerSideStatementTimeoutFollowsTheQueryTimeout) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto p = fresh_db("stmt_timeout");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto o = options(p);
    o.query_timeout = 7s;
    pg_client db(ctx.get_executor(), o, base::make_null_logger("pg"));
    auto show = db.query("SHOW statement_timeout", {}, 1);
    auto shown = co_await std::move(show);
    CO_ASSERT(shown);
    EXPECT_EQ(shown->rows.at(0).at(0), std::optional<std::string>("7s"));
  }());
}

// One of several concurrent queries (a plain function: its references live in the frame).
asio::awaitable<void> pool_query(pg_client& db, int i, int& done, int& ok, std::size_t& most_open) {
  auto q = db.query("SELECT $1::int + 1, pg_sleep(0.05)", params{std::to_string(i)}, 1);
  auto r = co_await std::move(q);
  most_open = std::max(most_open, db.open_connections());
  if (r && r->rows.at(0).at(0) == std::optional<std::string>(std::to_string(i + 1))) ++ok;
  ++done;
}

TEST(PgClient, PoolBoundUnderConcurrency) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto p = fresh_db("pool");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto o = options(p);
    o.max_connections = 2;
    pg_client db(ctx.get_executor(), o, base::make_null_logger("pg"));
    int done = 0;
    int ok = 0;
    std::size_t most_open = 0;
    for (int i = 0; i < 6; ++i) asio::co_spawn(ctx, pool_query(db, i, done, ok, most_open), asio::detached);
    asio::steady_timer t(ctx);
    for (int i = 0; i < 1000 && done < 6; ++i) {
      t.expires_after(10ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_EQ(ok, 6);
    EXPECT_LE(most_open, 2u);
  }());
}

TEST(PgClient, ReconnectsAfterServerRestart) {
  SKYWIRE_REQUIRE_PG_SERVER();
  // A server of its own: this test stops it.
  test::pg_process server;
  ASSERT_TRUE(server.ready());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    pg_client db(ctx.get_executor(), options(test::pg_params(server)), base::make_null_logger("pg"));
    auto before = db.query("SELECT 1", {}, 1);
    auto r1 = co_await std::move(before);
    CO_ASSERT(r1);
    server.stop();
    server.start();
    CO_ASSERT(server.ready());
    auto after = db.query("SELECT 2", {}, 1);
    auto r2 = co_await std::move(after);
    CO_ASSERT(r2);
    EXPECT_EQ(r2->rows.at(0).at(0), std::optional<std::string>("2")) << "the stale idle connection was replaced";
  }());
}

TEST(PgClient, HostNameIsResolvedWithoutBlocking) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto& server = test::shared_pg_server();
  ASSERT_TRUE(server.ready());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    // "localhost" may resolve to ::1 first while the server listens on 127.0.0.1 only: every
    // address is handed to libpq, which tries them in order.
    auto p = test::pg_params(server);
    p[0].second = "localhost";
    pg_client db(ctx.get_executor(), options(p), base::make_null_logger("pg"));
    auto op = db.ping();
    auto r = co_await std::move(op);
    EXPECT_TRUE(r) << db.last_error();
    auto q = db.query("SELECT inet_server_addr()::text", {}, 1);
    auto addr = co_await std::move(q);
    CO_ASSERT(addr);
    EXPECT_EQ(addr->rows.at(0).at(0), std::optional<std::string>("127.0.0.1/32"));
  }());
}

TEST(PgClient, StartupFailures) {
  SKYWIRE_REQUIRE_PG_SERVER();
  auto& server = test::shared_pg_server();
  ASSERT_TRUE(server.ready());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = ctx.get_executor();
    {
      pg_client db(ex, options(test::pg_params(server, "no_such_db")), base::make_null_logger("pg"));
      auto op = db.ping();
      auto r = co_await std::move(op);
      EXPECT_EQ(r.error(), pg_errc::connect_failed);
      EXPECT_NE(db.last_error().find("no_such_db"), std::string::npos) << db.last_error();
    }
    {
      auto closed = test::pg_params(server);
      closed[1].second = std::to_string(test::free_loopback_port());
      pg_client db(ex, options(closed), base::make_null_logger("pg"));
      auto op = db.ping();
      auto r = co_await std::move(op);
      EXPECT_EQ(r.error(), pg_errc::connect_failed);
    }
    {
      // A peer that accepts and never answers: the connect deadline fires.
      asio::ip::tcp::acceptor silent(ex, {asio::ip::address_v4::loopback(), 0});
      auto quiet = test::pg_params(server);
      quiet[1].second = std::to_string(silent.local_endpoint().port());
      auto o = options(quiet);
      o.connect_timeout = 300ms;
      pg_client db(ex, o, base::make_null_logger("pg"));
      auto op = db.ping();
      auto r = co_await std::move(op);
      EXPECT_EQ(r.error(), net::errc::timeout);
      EXPECT_EQ(db.open_connections(), 0u);
    }
  }());
}

}  // namespace
}  // namespace skywire::svc::common
