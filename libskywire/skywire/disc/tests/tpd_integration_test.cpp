// disc::tpd_client against our transport discovery on 127.0.0.1:0: register (201, no nonce
// consumed) → get by id and by edge (from the other edge) → all-transports → a stranger's delete
// is rejected with the service's text → delete by an edge → get/delete answer
// transport_not_found; and a dead service is a transport error, not a status.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

#include "httpauth/nonce_store.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/tpd_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "transport-discovery/service.hpp"

namespace skywire::disc {
namespace {

namespace asio = boost::asio;
namespace wt = wire::transport;
namespace tpd = svc::transport_discovery;
using namespace std::chrono_literals;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

struct harness {
  base::system_clock clock;
  std::unique_ptr<tpd::store> db = tpd::make_memory_store();
  std::unique_ptr<svc::httpauth::nonce_store> nonces = svc::httpauth::make_memory_nonce_store();

  void run(std::function<asio::awaitable<void>(std::string)> body) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex_op = asio::this_coro::executor;
      auto ex = co_await std::move(ex_op);
      tpd::service_options opt;
      opt.host = "127.0.0.1";
      opt.port = 0;
      tpd::service svc(ex, *db, *nonces, clock, base::make_null_logger("tpd"), opt);
      auto port = svc.start();
      EXPECT_TRUE(port);
      const std::string url = "http://127.0.0.1:" + std::to_string(port ? *port : 0);
      auto test_body = body(url);
      co_await std::move(test_body);
      co_await svc.shutdown(1s);
    }());
  }
};

std::unique_ptr<tpd_client> make_client(asio::any_io_executor ex, const std::string& url, const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  auto auth = std::make_shared<httpauth_client>(ex, http, url, kp);
  return std::make_unique<tpd_client>(auth);
}

TEST(TpdClient, RegisterGetDeleteNotFound) {
  harness h;
  const auto a = keys("tpd-a");
  const auto b = keys("tpd-b");
  const auto stranger = keys("tpd-stranger");
  wt::signed_entry se;
  se.entry = wt::make_entry(a.pk, b.pk, wt::type_stcpr, wt::label_user);
  ASSERT_TRUE(wt::sign_entry(se, a));
  ASSERT_TRUE(wt::sign_entry(se, b));
  const wt::uuid id = se.entry->id;

  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex_op = asio::this_coro::executor;
    auto ex = co_await std::move(ex_op);
    auto ca = make_client(ex, url, a);
    auto cb = make_client(ex, url, b);
    auto cs = make_client(ex, url, stranger);

    auto none_op = ca->register_transports({});
    auto none = co_await std::move(none_op);
    EXPECT_TRUE(none);
    EXPECT_FALSE(ca->auth().nonce()) << "an empty registration sends nothing";

    auto reg_op = ca->register_transports({se});
    auto reg = co_await std::move(reg_op);
    EXPECT_TRUE(reg) << (reg ? "" : reg.error().message()) << ca->last_error();
    EXPECT_EQ(ca->auth().nonce(), std::optional<std::uint64_t>(0)) << "201 consumes no nonce";

    auto by_id_op = cb->get_transport_by_id(id);
    auto by_id = co_await std::move(by_id_op);
    EXPECT_TRUE(by_id);
    if (by_id) { EXPECT_EQ(*by_id, *se.entry); }

    auto by_edge_op = cb->get_transports_by_edge(a.pk);
    auto by_edge = co_await std::move(by_edge_op);
    EXPECT_TRUE(by_edge);
    if (by_edge) { EXPECT_EQ(*by_edge, std::vector<wt::entry>{*se.entry}); }
    auto no_edge_op = cb->get_transports_by_edge(stranger.pk);
    auto no_edge = co_await std::move(no_edge_op);
    EXPECT_TRUE(no_edge);  // Go's `null`
    if (no_edge) { EXPECT_TRUE(no_edge->empty()); }

    const auto nonce_before = cs->auth().nonce();
    auto all_op = cs->all_transports();
    auto all = co_await std::move(all_op);
    EXPECT_TRUE(all);
    if (all) { EXPECT_EQ(*all, std::vector<wt::entry>{*se.entry}); }
    EXPECT_EQ(cs->auth().nonce(), nonce_before) << "the open route neither signs nor counts";

    auto stranger_del_op = cs->delete_transport(id);
    auto stranger_del = co_await std::move(stranger_del_op);
    EXPECT_EQ(stranger_del.error(), errc::rejected);
    EXPECT_EQ(cs->last_error(), "status 400: transport ID is invalid");

    auto del_op = cb->delete_transport(id);
    auto del = co_await std::move(del_op);
    EXPECT_TRUE(del) << cb->last_error();

    auto gone_op = ca->get_transport_by_id(id);
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.error(), errc::transport_not_found);
    auto gone_del_op = ca->delete_transport(id);
    auto gone_del = co_await std::move(gone_del_op);
    EXPECT_EQ(gone_del.error(), errc::transport_not_found);
    auto empty_all_op = ca->all_transports();
    auto empty_all = co_await std::move(empty_all_op);
    EXPECT_TRUE(empty_all);
    if (empty_all) { EXPECT_TRUE(empty_all->empty()); }
  });
}

TEST(TpdClient, DeadServiceIsATransportError) {
  asio::io_context ctx;
  net::test::run(ctx, []() -> asio::awaitable<void> {
    auto ex_op = asio::this_coro::executor;
    auto ex = co_await std::move(ex_op);
    // A port that was just free: bind, read the port, close.
    asio::ip::tcp::acceptor probe(ex, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    const auto port = probe.local_endpoint().port();
    probe.close();
    auto c = make_client(ex, "http://127.0.0.1:" + std::to_string(port), keys("tpd-a"));
    auto r_op = c->get_transports_by_edge(keys("tpd-b").pk);
    auto r = co_await std::move(r_op);
    EXPECT_FALSE(r);
    if (!r) { EXPECT_NE(r.error(), errc::rejected); }
  }());
}

}  // namespace
}  // namespace skywire::disc
