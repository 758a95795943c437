// End to end: `skywire svc tpd` and `skywire svc ar` on their database stores. --db FILE keeps
// transports / bindings, and the httpauth nonces (a replayed request is refused), across a
// restart of the process; --pg-host/--pg-port with Go's PG_*
// environment serve from a private PostgreSQL (services/common/tests/pg_server.hpp); an
// unreachable store, an unopenable file and two stores at once are start-up errors (exit 1
// with a message, nothing served). Processes are always reaped.
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <string>

#include "binary_test.hpp"
#include "common/tests/pg_server.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace {

namespace asio = boost::asio;
namespace wt = skywire::wire::transport;
using namespace skywire;
using namespace skywire::test;
using net::http_method;

class svc_stores : public binary_test {};

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

wt::signed_entry signed_entry() {
  wt::signed_entry se;
  se.entry = wt::make_entry(keys("a").pk, keys("b").pk, wt::type_stcpr, wt::label_user);
  EXPECT_TRUE(wt::sign_entry(se, keys("a")));
  EXPECT_TRUE(wt::sign_entry(se, keys("b")));
  return se;
}

// POSTs the entry (when `post`) and returns the status of GET /transports/id:… afterwards.
unsigned tpd_round(std::uint16_t port, const wt::signed_entry& se, bool post) {
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  unsigned status = 0;
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto http = std::make_shared<net::http_client>(ex);
    disc::httpauth_client as_a(ex, http, url, keys("a"));
    if (post) {
      auto reg_op = as_a.request(http_method::post, "/transports/", "[" + wt::to_json(se) + "]\n");
      auto reg = co_await std::move(reg_op);
      EXPECT_TRUE(reg && reg->status == 201u);
    }
    auto get_op = as_a.request(http_method::get, "/transports/id:" + se.entry->id.to_string());
    auto got = co_await std::move(get_op);
    status = got ? got->status : 0;
  }());
  return status;
}

TEST_F(svc_stores, TpdSqliteKeepsTransportsAcrossRestart) {
  const std::string db = (dir_ / "tpd.db").string();
  const auto se = signed_entry();
  std::uint16_t port = free_port();
  pid_t tpd = background("tpd1", {"svc", "tpd", "-a", "127.0.0.1:" + std::to_string(port), "--db", db});
  ASSERT_GT(tpd, 0);
  wait_port(port);
  EXPECT_EQ(tpd_round(port, se, true), 200u);
  EXPECT_EQ(stop(tpd), 0);

  port = free_port();
  tpd = background("tpd2", {"svc", "tpd", "-a", "127.0.0.1:" + std::to_string(port), "--db", db});
  ASSERT_GT(tpd, 0);
  wait_port(port);
  EXPECT_EQ(tpd_round(port, se, false), 200u) << "registered before the restart";
  EXPECT_EQ(stop(tpd), 0);
  EXPECT_NE(slurp(dir_ / "tpd2.log").find("stored in SQLite database"), std::string::npos);
}

TEST_F(svc_stores, ArSqliteKeepsBindingsAcrossRestart) {
  const std::string db = (dir_ / "ar.db").string();
  auto session = [](std::uint16_t port, bool bind) {
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    bool resolved = false;
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      auto http = std::make_shared<net::http_client>(ex);
      disc::addr_resolver_client a(std::make_shared<disc::httpauth_client>(ex, http, url, keys("a")));
      disc::addr_resolver_client b(std::make_shared<disc::httpauth_client>(ex, http, url, keys("b")));
      if (bind) {
        auto op = a.bind_stcpr("7777", {"127.0.0.1"});
        auto r = co_await std::move(op);
        EXPECT_TRUE(r) << a.last_error();
      }
      auto op = b.resolve("stcpr", keys("a").pk);
      auto r = co_await std::move(op);
      resolved = r && r->port == "7777";
    }());
    return resolved;
  };
  std::uint16_t port = free_port();
  pid_t ar = background("ar1", {"svc", "ar", "--local", "-a", "127.0.0.1:" + std::to_string(port), "--db", db});
  ASSERT_GT(ar, 0);
  wait_port(port);
  EXPECT_TRUE(session(port, true));
  EXPECT_EQ(stop(ar), 0);
  port = free_port();
  ar = background("ar2", {"svc", "ar", "--local", "-a", "127.0.0.1:" + std::to_string(port), "--db", db});
  ASSERT_GT(ar, 0);
  wait_port(port);
  EXPECT_TRUE(session(port, false)) << "bound before the restart";
  // A's bind used nonce 0 and the counter is kept in the database: the same signed request,
  // replayed after the restart, is refused (with counters in memory it would be accepted).
  unsigned replay_status = 0;
  std::string replay_body;
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto http = std::make_shared<net::http_client>(co_await asio::this_coro::executor);
    const std::string body = R"({"port":"7777","local_addresses":["127.0.0.1"]})";
    net::http_headers h{{std::string(disc::httpauth::header_public), keys("a").pk.to_hex()},
                        {std::string(disc::httpauth::header_nonce), "0"},
                        {std::string(disc::httpauth::header_sig), disc::httpauth::sign(body, 0, keys("a").sk).to_hex()}};
    auto op = http->request(http_method::post, "http://127.0.0.1:" + std::to_string(port) + "/bind/stcpr", body, h);
    auto r = co_await std::move(op);
    if (r) {
      replay_status = r->status;
      replay_body = r->body;
    }
  }());
  EXPECT_EQ(replay_status, 401u);
  EXPECT_NE(replay_body.find(disc::httpauth::nonce_mismatch_message), std::string::npos) << replay_body;
  EXPECT_EQ(stop(ar), 0);
}

TEST_F(svc_stores, TpdOnPostgresWithGoEnvironment) {
  SKYWIRE_REQUIRE_PG_SERVER();
  svc::test::pg_process server;
  ASSERT_TRUE(server.ready());
  ASSERT_TRUE(server.create_database("tpd"));
  ::setenv("PG_USER", "postgres", 1);
  ::setenv("PG_DATABASE", "tpd", 1);
  const std::uint16_t port = free_port();
  const pid_t tpd = background("tpd", {"svc", "tpd", "-a", "127.0.0.1:" + std::to_string(port), "--pg-host",
                                       "127.0.0.1", "--pg-port", std::to_string(server.port())});
  ::unsetenv("PG_USER");
  ::unsetenv("PG_DATABASE");
  ASSERT_GT(tpd, 0);
  wait_port(port);
  EXPECT_EQ(tpd_round(port, signed_entry(), true), 200u);
  EXPECT_EQ(stop(tpd), 0);
  EXPECT_NE(slurp(dir_ / "tpd.log").find("stored in PostgreSQL at 127.0.0.1:" + std::to_string(server.port())),
            std::string::npos);
}

TEST_F(svc_stores, UnusableStoresAreStartupErrors) {
  const std::string closed = std::to_string(free_port());
  const auto pg = run({"svc", "tpd", "-a", "127.0.0.1:0", "--pg-host", "127.0.0.1", "--pg-port", closed});
  EXPECT_EQ(pg.exit_code, 1);
  EXPECT_NE(pg.err.find("cannot use PostgreSQL at 127.0.0.1:" + closed), std::string::npos) << pg.err;
  EXPECT_NE(pg.err.find("Connection refused"), std::string::npos) << "libpq's reason is logged: " << pg.err;
  const auto redis = run({"svc", "ar", "-a", "127.0.0.1:0", "--redis", "127.0.0.1:" + closed});
  EXPECT_EQ(redis.exit_code, 1);
  EXPECT_NE(redis.err.find("cannot use Redis at 127.0.0.1:" + closed), std::string::npos) << redis.err;
  const auto file = run({"svc", "tpd", "-a", "127.0.0.1:0", "--db", "/nonexistent-dir/tpd.db"});
  EXPECT_EQ(file.exit_code, 1);
  EXPECT_NE(file.err.find("cannot open database"), std::string::npos) << file.err;
  const auto both = run({"svc", "ar", "-a", "127.0.0.1:0", "--db", "x.db", "--redis", "127.0.0.1:1"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("mutually exclusive"), std::string::npos) << both.err;
}

}  // namespace
