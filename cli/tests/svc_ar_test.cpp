// End to end: the real `skywire svc ar --local` on a loopback port, used by two
// disc::addr_resolver_client key pairs (bind, resolve, transports, unbind), then stopped with
// SIGTERM (graceful: exit 0). Also --help and flag errors. The process is always reaped.
#include <boost/asio/io_context.hpp>

#include <string>

#include "binary_test.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"

namespace {

namespace asio = boost::asio;
using namespace skywire;
using namespace skywire::test;

class svc_ar : public binary_test {};

TEST_F(svc_ar, HelpExplainsLocalMode) {
  const auto help = run({"svc", "ar", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  const std::string& out = help.out;
  EXPECT_NE(out.find("--local"), std::string::npos);
  EXPECT_NE(out.find("UDP/KCP"), std::string::npos);
}

TEST_F(svc_ar, BadFlagsExit2) {
  const auto bad_addr = run({"svc", "ar", "-a", "nonsense"});
  EXPECT_EQ(bad_addr.exit_code, 2);
  EXPECT_NE(bad_addr.err.find("--addr"), std::string::npos);
  EXPECT_EQ(run({"svc", "ar", "--whitelist-keys", "02ab"}).exit_code, 2);
}

TEST_F(svc_ar, BindResolveUnbindThenGracefulStop) {
  const std::uint16_t port = free_port();
  const pid_t ar = background("ar", {"svc", "ar", "-a", "127.0.0.1:" + std::to_string(port), "--local", "-l", "debug"});
  ASSERT_GT(ar, 0);
  wait_port(port);

  const auto a = *crypto::deterministic_key_pair(as_bytes(std::string_view("a")));
  const auto b = *crypto::deterministic_key_pair(as_bytes(std::string_view("b")));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto http = std::make_shared<net::http_client>(ex);
    disc::addr_resolver_client ar_a(std::make_shared<disc::httpauth_client>(ex, http, url, a));
    disc::addr_resolver_client ar_b(std::make_shared<disc::httpauth_client>(ex, http, url, b));
    auto b1 = ar_a.bind_stcpr("7777", {"127.0.0.1"});
    auto r1 = co_await std::move(b1);
    EXPECT_TRUE(r1) << ar_a.last_error();
    auto q = ar_b.resolve("stcpr", a.pk);
    auto vd = co_await std::move(q);
    EXPECT_TRUE(vd);
    EXPECT_EQ(vd->remote_addr, "127.0.0.1");
    EXPECT_EQ(vd->port, "7777");
    auto t = ar_b.transports();
    auto tr = co_await std::move(t);
    EXPECT_TRUE(tr);
    EXPECT_EQ(tr->count(a.pk), 1u);
    auto d = ar_a.delete_bind_stcpr();
    auto dr = co_await std::move(d);
    EXPECT_TRUE(dr);
    auto q2 = ar_b.resolve("stcpr", a.pk);
    auto gone = co_await std::move(q2);
    EXPECT_EQ(gone.error(), disc::errc::no_entry);
  }());

  EXPECT_EQ(stop(ar), 0) << "SIGTERM stops the resolver gracefully";
  const std::string log = slurp(dir_ / "ar.log");
  EXPECT_NE(log.find("local mode"), std::string::npos);
  EXPECT_NE(log.find("New POST /bind/stcpr request from 127.0.0.1"), std::string::npos);
  EXPECT_NE(log.find("address resolver stopped"), std::string::npos);
}

}  // namespace
