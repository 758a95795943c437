// disc::sd_client against a stand-in service discovery (net::http_server on 127.0.0.1:0) that
// answers with the Go SD's shapes (spec/skywire.md §5.1): the list query, a signed register whose
// body is Go's json.Marshal of the Service, a signed delete, and an error answer in the SD's own
// {"code":N,"error":…} shape. Also the pure body encoder and list parser.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "skywire/disc/errc.hpp"
#include "skywire/disc/sd_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_server.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::disc {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

TEST(SdClient, ServiceJsonIsGosMarshalWithOmitempty) {
  service_entry s{.pk = keys("a").pk, .port = 7777, .type = "visor", .version = "v1.3.20",
                  .local_ips = {"198.18.0.5"}, .display_node_ip = false};
  EXPECT_EQ(service_json(s), R"({"address":")" + keys("a").pk.to_hex() +
                                 R"(:7777","type":"visor","version":"v1.3.20","local_ips":["198.18.0.5"]})");
  s.version.clear();
  s.local_ips.clear();
  s.display_node_ip = true;
  EXPECT_EQ(service_json(s), R"({"address":")" + keys("a").pk.to_hex() + R"(:7777","type":"visor","display_node_ip":true})");
}

TEST(SdClient, ListParsingSkipsUnusableAddressesAndRefusesNonLists) {
  const std::string a = keys("a").pk.to_hex(), b = keys("b").pk.to_hex();
  auto list = parse_service_list(R"([{"address":")" + a + R"(:3","type":"visor","geo":{"lat":1}},)" +
                                 R"({"address":"nonsense:1","type":"visor"},{"address":")" + b + R"(","type":"visor"}])");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].pk, keys("a").pk);
  EXPECT_EQ((*list)[0].port, 3);
  EXPECT_EQ((*list)[1].port, 0) << "Go's SWAddr: a missing port reads as 0";
  EXPECT_TRUE(parse_service_list("null")->empty());
  EXPECT_EQ(parse_service_list(R"({"address":"x"})").error(), errc::bad_response);
  EXPECT_EQ(parse_service_list("[1]").error(), errc::bad_response);
  EXPECT_EQ(parse_service_list("[[[[[[[[[]]]]]]]]]").error(), errc::bad_response);
}

TEST(SdClient, QueryRegisterDeleteAndErrorsAgainstAStandIn) {
  const auto me = keys("me");
  const auto other = keys("other");
  std::string registered_body, registered_pk, deleted_target, queried;
  net::http_router r;
  r.add_prefix(net::http_method::get, "/security/nonces/", [](const net::http_request& req) {
    net::http_reply rep;
    rep.body = R"({"edge":")" + req.path.substr(17) + R"(","next_nonce":0})";
    return rep;
  });
  r.add(net::http_method::get, "/api/services", [&](const net::http_request& req) {
    queried = req.target;
    net::http_reply rep;
    rep.body = R"([{"address":")" + other.pk.to_hex() + R"(:7777","type":"visor"}])";
    return rep;
  });
  bool refuse = false;
  r.add(net::http_method::post, "/api/services", [&](const net::http_request& req) {
    net::http_reply rep;
    if (refuse) {
      rep.status = 403;
      rep.body = R"({"code":403,"error":"visor is unreachable"})";
      return rep;
    }
    registered_body = req.body;
    registered_pk = std::string(req.header("SW-Public"));
    rep.body = req.body;
    return rep;
  });
  r.add_prefix(net::http_method::delete_, "/api/services/", [&](const net::http_request& req) {
    deleted_target = req.target;
    net::http_reply rep;
    rep.body = "true";
    return rep;
  });

  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    net::http_server srv(ex, r.handler(), net::http_server_options{}, base::make_null_logger("sd"));
    auto port = srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(port);
    EXPECT_TRUE(srv.start());
    auto http = std::make_shared<net::http_client>(ex);
    auto auth = std::make_shared<httpauth_client>(ex, http, "http://127.0.0.1:" + std::to_string(*port), me);
    sd_client sd(auth);

    auto list = co_await sd.services("visor", 3);
    EXPECT_TRUE(list && list->size() == 1 && (*list)[0].pk == other.pk);
    EXPECT_EQ(queried, "/api/services?type=visor&quantity=3");

    const service_entry self{.pk = me.pk, .port = 4242, .type = "visor", .version = "v1.3.20",
                             .local_ips = {"127.0.0.1"}, .display_node_ip = false};
    auto reg = co_await sd.register_service(self);
    EXPECT_TRUE(reg);
    EXPECT_EQ(registered_body, service_json(self));
    EXPECT_EQ(registered_pk, me.pk.to_hex()) << "signed with httpauth";

    auto del = co_await sd.delete_service(self.address(), "visor");
    EXPECT_TRUE(del);
    EXPECT_EQ(deleted_target, "/api/services/" + self.address() + "?type=visor");

    refuse = true;
    auto refused = co_await sd.register_service(self);
    EXPECT_EQ(refused.error(), errc::rejected);
    EXPECT_EQ(sd.last_error(), "status 403: visor is unreachable");
    co_await srv.shutdown(1s);
  }());
}

}  // namespace
}  // namespace skywire::disc
