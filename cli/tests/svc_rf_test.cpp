// End to end: the real `skywire svc tpd` and `skywire svc rf --tpd` on loopback ports; two
// transports a–c and c–b registered in the discovery (signed POST /transports/), then
// disc::rf_client asks the route finder for a → b and b → a and gets the two-hop paths through c
// that those transports make; both stop on SIGTERM (graceful: exit 0). Also --help and flag
// errors. The processes are always reaped.
#include <boost/asio/io_context.hpp>

#include <string>

#include "binary_test.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace {

namespace asio = boost::asio;
namespace wt = skywire::wire::transport;
using namespace skywire;
using namespace skywire::test;
using net::http_method;

class svc_rf : public binary_test {};

TEST_F(svc_rf, HelpExplainsTheApiAndTheSource) {
  const auto help = run({"svc", "rf", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("POST /routes"), std::string::npos);
  EXPECT_NE(help.out.find("--tpd"), std::string::npos);
  EXPECT_NE(help.out.find("/all-transports"), std::string::npos);
}

TEST_F(svc_rf, BadFlagsFail) {
  EXPECT_NE(run({"svc", "rf"}).exit_code, 0) << "--tpd is required";
  const auto bad_addr = run({"svc", "rf", "--tpd", "http://127.0.0.1:9091", "-a", "nonsense"});
  EXPECT_EQ(bad_addr.exit_code, 2);
  EXPECT_NE(bad_addr.err.find("--addr"), std::string::npos);
  const auto bad_tpd = run({"svc", "rf", "--tpd", "https://tpd.example"});
  EXPECT_EQ(bad_tpd.exit_code, 2);
  EXPECT_NE(bad_tpd.err.find("--tpd"), std::string::npos);
}

TEST_F(svc_rf, FindsRoutesOverTransportsRegisteredInTheDiscovery) {
  const std::uint16_t tpd_port = free_port();
  const pid_t tpd = background("tpd", {"svc", "tpd", "-a", "127.0.0.1:" + std::to_string(tpd_port)});
  ASSERT_GT(tpd, 0);
  wait_port(tpd_port);
  const std::string tpd_url = "http://127.0.0.1:" + std::to_string(tpd_port);
  const std::uint16_t rf_port = free_port();
  const pid_t rf = background("rf", {"svc", "rf", "-a", "127.0.0.1:" + std::to_string(rf_port), "--tpd", tpd_url,
                                     "-l", "debug"});
  ASSERT_GT(rf, 0);
  wait_port(rf_port);

  const auto a = *crypto::deterministic_key_pair(as_bytes(std::string_view("a")));
  const auto b = *crypto::deterministic_key_pair(as_bytes(std::string_view("b")));
  const auto c = *crypto::deterministic_key_pair(as_bytes(std::string_view("c")));
  auto signed_entry = [](const crypto::key_pair& x, const crypto::key_pair& y) {
    wt::signed_entry se;
    se.entry = wt::make_entry(x.pk, y.pk, wt::type_stcpr, wt::label_user);
    EXPECT_TRUE(wt::sign_entry(se, x));
    EXPECT_TRUE(wt::sign_entry(se, y));
    return se;
  };
  const auto ac = signed_entry(a, c);
  const auto cb = signed_entry(c, b);
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto http = std::make_shared<net::http_client>(ex);
    disc::httpauth_client as_c(ex, http, tpd_url, c);
    const std::string body = "[" + wt::to_json(ac) + "," + wt::to_json(cb) + "]\n";
    auto reg_op = as_c.request(http_method::post, "/transports/", body);
    auto reg = co_await std::move(reg_op);
    EXPECT_TRUE(reg && reg->status == 201u);

    disc::rf_client finder(http, "http://127.0.0.1:" + std::to_string(rf_port));
    auto pair_op = finder.find_route_pair(a.pk, b.pk, disc::rf_options{0, 50});
    auto pair = co_await std::move(pair_op);
    EXPECT_TRUE(pair) << (pair ? "" : pair.error().message());
    if (pair) {
      const disc::rf_path forward{{ac.entry->id, a.pk, c.pk}, {cb.entry->id, c.pk, b.pk}};
      const disc::rf_path reverse{{cb.entry->id, b.pk, c.pk}, {ac.entry->id, c.pk, a.pk}};
      EXPECT_EQ(pair->forward, forward);
      EXPECT_EQ(pair->reverse, reverse);
    }
    std::vector<disc::rf_edge> direct{{a.pk, b.pk}};
    auto none_op = finder.find_routes(direct, disc::rf_options{0, 1});
    auto none = co_await std::move(none_op);
    EXPECT_EQ(none.error(), disc::errc::no_route) << "no 1-hop path: 404";
  }());

  EXPECT_EQ(stop(rf), 0) << "SIGTERM stops the route finder gracefully";
  EXPECT_EQ(stop(tpd), 0);
  const std::string log = slurp(dir_ / "rf.log");
  EXPECT_NE(log.find("route finder listening"), std::string::npos);
  EXPECT_NE(log.find("graph refreshed: 3 visors, 2 links"), std::string::npos) << log;
  EXPECT_NE(log.find("route finder stopped"), std::string::npos);
}

}  // namespace
