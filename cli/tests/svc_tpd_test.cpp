// End to end: the real `skywire svc tpd` on a loopback port, used by two disc::httpauth_client
// key pairs (register, get by id, delete by an edge), then stopped with SIGTERM (graceful:
// exit 0). Also --help and flag errors. The process is always reaped.
#include <boost/asio/io_context.hpp>

#include <string>

#include "binary_test.hpp"
#include "skywire/crypto/keys.hpp"
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

class svc_tpd : public binary_test {};

TEST_F(svc_tpd, HelpExplainsRoutesAndStore) {
  const auto help = run({"svc", "tpd", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  const std::string& out = help.out;
  EXPECT_NE(out.find("--whitelist-keys"), std::string::npos);
  EXPECT_NE(out.find("POST /transports/"), std::string::npos);
  EXPECT_NE(out.find("in memory"), std::string::npos);
}

TEST_F(svc_tpd, BadFlagsExit2) {
  const auto bad_addr = run({"svc", "tpd", "-a", "nonsense"});
  EXPECT_EQ(bad_addr.exit_code, 2);
  EXPECT_NE(bad_addr.err.find("--addr"), std::string::npos);
  EXPECT_EQ(run({"svc", "tpd", "--whitelist-keys", "02ab"}).exit_code, 2);
}

TEST_F(svc_tpd, RegisterGetDeleteThenGracefulStop) {
  const std::uint16_t port = free_port();
  const pid_t tpd = background("tpd", {"svc", "tpd", "-a", "127.0.0.1:" + std::to_string(port), "-l", "debug"});
  ASSERT_GT(tpd, 0);
  wait_port(port);

  const auto a = *crypto::deterministic_key_pair(as_bytes(std::string_view("a")));
  const auto b = *crypto::deterministic_key_pair(as_bytes(std::string_view("b")));
  wt::signed_entry se;
  se.entry = wt::make_entry(a.pk, b.pk, wt::type_stcpr, wt::label_user);
  ASSERT_TRUE(wt::sign_entry(se, a));
  ASSERT_TRUE(wt::sign_entry(se, b));
  const std::string id_path = "/transports/id:" + se.entry->id.to_string();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto http = std::make_shared<net::http_client>(ex);
    disc::httpauth_client as_b(ex, http, url, b);
    disc::httpauth_client as_a(ex, http, url, a);
    auto reg_op = as_a.request(http_method::post, "/transports/", "[" + wt::to_json(se) + "]\n");
    auto reg = co_await std::move(reg_op);
    EXPECT_TRUE(reg && reg->status == 201u);
    auto get_op = as_b.request(http_method::get, id_path);
    auto got = co_await std::move(get_op);
    EXPECT_TRUE(got && got->status == 200u);
    EXPECT_EQ(got ? got->body : std::string(), wt::to_json(*se.entry) + "\n");
    auto del_op = as_b.request(http_method::delete_, id_path);
    auto del = co_await std::move(del_op);
    EXPECT_TRUE(del && del->status == 200u);
    auto again_op = as_a.request(http_method::get, id_path);
    auto again = co_await std::move(again_op);
    EXPECT_TRUE(again && again->status == 404u);
  }());

  EXPECT_EQ(stop(tpd), 0) << "SIGTERM stops the discovery gracefully";
  const std::string log = slurp(dir_ / "tpd.log");
  EXPECT_NE(log.find("transport discovery listening"), std::string::npos);
  EXPECT_NE(log.find("Registered transport " + se.entry->id.to_string()), std::string::npos);
  EXPECT_NE(log.find("transport discovery stopped"), std::string::npos);
}

}  // namespace
