// stcpr end to end on loopback against our address resolver (local mode, 127.0.0.1:0): two
// networks bind their ports, one dials the other by pk (resolve → TCP → handshake → Noise KK),
// data moves both ways, and closing a network removes its binding; an unbound pk fails with
// errc::not_bound; a resolver that is down at start does not stop the listener and the bind
// happens once it is up; a taken port moves the listener to the next one; with a scripted
// resolver: is_local answers try the addresses in order, remote_addr with or without its own
// port, unusable answers are errors. Plus the pure helpers (advertised addresses, joining).
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

#include "address-resolver/service.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_server.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/wire/transport/transport_id.hpp"
#include "resolver_fixture.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
namespace wt = wire::transport;
namespace ar_svc = svc::address_resolver;

stcpr_config loopback_config() {
  stcpr_config cfg;
  cfg.listen_host = "127.0.0.1";
  cfg.addresses = {"127.0.0.1"};
  cfg.bind_backoff_initial = 50ms;
  cfg.bind_backoff_max = 200ms;
  return cfg;
}

std::uint16_t free_port(asio::any_io_executor ex) {
  tcp::acceptor probe(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return probe.local_endpoint().port();
}

TEST(Stcpr, BindDialExchangeAndUnbindOnClose) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    resolver r;
    CO_ASSERT(r.start(ex));
    const auto a = keys("stcpr-a");
    const auto b = keys("stcpr-b");
    auto ar_a = make_ar(ex, r.url, a);
    auto na = stcpr_network::create(ex, a, ar_a, loopback_config());
    CO_ASSERT(na);
    // b advertises what Go would: every interface's address (127.0.0.1 among them, which the
    // resolver requires since the request comes from it).
    auto cfg_b = loopback_config();
    cfg_b.addresses.clear();
    auto nb = stcpr_network::create(ex, b, make_ar(ex, r.url, b), std::move(cfg_b));
    CO_ASSERT(nb);
    EXPECT_NE((*na)->port(), 0);
    EXPECT_NE((*na)->port(), (*nb)->port());
    const bool bound = co_await wait_until([&] { return (*na)->bound() && (*nb)->bound(); }, 10s);
    CO_ASSERT(bound);

    auto vd_op = ar_a->resolve("stcpr", b.pk);
    auto vd = co_await std::move(vd_op);
    CO_ASSERT(vd);
    EXPECT_EQ(vd->port, std::to_string((*nb)->port()));
    EXPECT_EQ(vd->remote_addr, "127.0.0.1");

    auto d = (*na)->dial(b.pk);
    auto acc = (*nb)->accept();
    auto both_op = std::move(d) && std::move(acc);
    auto both = co_await std::move(both_op);
    auto& td = std::get<0>(both);
    auto& ta = std::get<1>(both);
    CO_ASSERT(td);
    CO_ASSERT(ta);
    const auto id = wt::make_transport_id(a.pk, b.pk, wt::type_stcpr);
    EXPECT_EQ(td->type, "stcpr");
    EXPECT_EQ(ta->type, "stcpr");
    EXPECT_EQ(td->id, id);
    EXPECT_EQ(ta->id, id);
    EXPECT_EQ(td->remote_pk, b.pk);
    EXPECT_EQ(ta->remote_pk, a.pk);
    EXPECT_TRUE(td->initiator);
    EXPECT_FALSE(ta->initiator);
    EXPECT_EQ(td->remote_port, transport_port);
    EXPECT_EQ(ta->local_port, transport_port);
    EXPECT_EQ(ta->remote_port, td->local_port);

    bytes ping(100000);
    for (std::size_t i = 0; i < ping.size(); ++i) ping[i] = static_cast<std::uint8_t>(i * 7);
    const bytes pong{'p', 'o', 'n', 'g'};
    EXPECT_TRUE(co_await send_and_check(*td->stream, *ta->stream, ping));
    EXPECT_TRUE(co_await send_and_check(*ta->stream, *td->stream, pong));

    // b closes: its binding goes away (DELETE /bind/stcpr), so a's next dial says so.
    co_await (*nb)->shutdown();
    EXPECT_FALSE((*nb)->bound());
    auto gone_op = ar_a->resolve("stcpr", b.pk);
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.error(), disc::errc::no_entry);
    auto redial_op = (*na)->dial(b.pk);
    auto redial = co_await std::move(redial_op);
    EXPECT_EQ(redial.error(), errc::not_bound);
    // The established transport is independent of its network.
    EXPECT_TRUE(co_await send_and_check(*ta->stream, *td->stream, pong));
    auto after_op = (*nb)->accept();
    auto after = co_await std::move(after_op);
    EXPECT_EQ(after.error(), errc::network_closed);

    co_await (*na)->shutdown();
    co_await r.svc->shutdown(1s);
  });
}

TEST(Stcpr, UnboundPkIsAClearError) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    resolver r;
    CO_ASSERT(r.start(ex));
    const auto a = keys("stcpr-a");
    auto cfg = loopback_config();
    cfg.bind = false;
    auto na = stcpr_network::create(ex, a, make_ar(ex, r.url, a), std::move(cfg));
    CO_ASSERT(na);
    auto d_op = (*na)->dial(keys("nobody").pk);
    auto d = co_await std::move(d_op);
    CO_ASSERT(!d);
    EXPECT_EQ(d.error(), errc::not_bound);
    EXPECT_EQ(d.error().message(), "remote visor is not bound at the address resolver");
    EXPECT_FALSE((*na)->bound()) << "bind = false never binds";
    co_await (*na)->shutdown();
    auto closed_op = (*na)->dial(keys("nobody").pk);
    auto closed = co_await std::move(closed_op);
    EXPECT_EQ(closed.error(), errc::network_closed);
    co_await r.svc->shutdown(1s);
  });
}

TEST(Stcpr, ListensWhileResolverIsDownAndBindsOnceItIsUp) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const std::uint16_t ar_port = free_port(ex);
    const auto a = keys("stcpr-a");
    const auto b = keys("stcpr-b");
    const std::string url = "http://127.0.0.1:" + std::to_string(ar_port);
    auto na = stcpr_network::create(ex, a, make_ar(ex, url, a), loopback_config());
    CO_ASSERT(na);
    // The listener is up although nothing answers at the resolver's address.
    tcp::socket probe(ex);
    auto [cec] = co_await probe.async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), (*na)->port()), use_tuple);
    EXPECT_FALSE(cec) << cec.message();
    probe.close();
    co_await sleep_for(300ms);  // a few failed binds
    EXPECT_FALSE((*na)->bound());

    resolver r;
    auto started = r.start(ex, ar_port);
    CO_ASSERT(started);
    const bool bound = co_await wait_until([&] { return (*na)->bound(); }, 10s);
    EXPECT_TRUE(bound);
    auto nb = stcpr_network::create(ex, b, make_ar(ex, r.url, b), loopback_config());
    CO_ASSERT(nb);
    auto d = (*nb)->dial(a.pk);
    auto acc = (*na)->accept();
    auto both_op = std::move(d) && std::move(acc);
    auto both = co_await std::move(both_op);
    EXPECT_TRUE(std::get<0>(both));
    EXPECT_TRUE(std::get<1>(both));
    co_await (*nb)->shutdown();
    co_await (*na)->shutdown();
    co_await r.svc->shutdown(1s);
  });
}

TEST(Stcpr, TakenPortMovesToTheNextOneWithinBounds) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    // Hold two consecutive ports if the kernel gives us such a pair (retry a few times).
    std::unique_ptr<tcp::acceptor> held;
    std::uint16_t port = 0;
    for (int i = 0; i < 20 && !held; ++i) {
      auto a = std::make_unique<tcp::acceptor>(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
      port = a->local_endpoint().port();
      if (port == 0xFFFF) continue;
      tcp::acceptor next(ex);
      error_code ec;
      next.open(tcp::v4(), ec);
      if (!ec) next.bind(tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<std::uint16_t>(port + 1)), ec);
      if (!ec) held = std::move(a);  // port+1 is free (released again when `next` closes)
    }
    CO_ASSERT(held);
    auto cfg = loopback_config();
    cfg.bind = false;
    cfg.port = port;
    auto moved = stcpr_network::create(ex, keys("stcpr-a"), nullptr, cfg);
    CO_ASSERT(moved);
    EXPECT_EQ((*moved)->port(), port + 1);
    (*moved)->close();

    cfg.max_port_tries = 1;
    auto refused = stcpr_network::create(ex, keys("stcpr-a"), nullptr, cfg);
    CO_ASSERT(!refused);
    EXPECT_EQ(refused.error(), asio::error::address_in_use);

    cfg.listen_host = "not-an-ip";
    auto bad = stcpr_network::create(ex, keys("stcpr-a"), nullptr, cfg);
    CO_ASSERT(!bad);
    EXPECT_EQ(bad.error(), errc::bad_address);
  });
}

// A stand-in address resolver whose /resolve answer the test writes (ours never sets is_local
// and never answers a bad port): every nonce is 0, every other path 404.
struct scripted_resolver {
  unsigned status = 200;
  std::string answer;
  std::unique_ptr<net::http_server> srv;
  std::string url;

  bool start(asio::any_io_executor ex) {
    net::http_handler h = [this](const net::http_request& req) {
      if (req.path.starts_with("/security/nonces/")) return net::http_reply{200, "application/json", R"({"next_nonce":0})", {}};
      if (req.path.starts_with("/resolve/stcpr/")) return net::http_reply{status, "application/json", answer, {}};
      return net::empty_reply(404);
    };
    srv = std::make_unique<net::http_server>(ex, std::move(h), net::http_server_options{}, base::make_null_logger("fake-ar"));
    auto port = srv->listen("127.0.0.1", 0);
    if (!port || !srv->start()) return false;
    url = "http://127.0.0.1:" + std::to_string(*port);
    return true;
  }
};

TEST(Stcpr, ResolverAnswersAreCheckedAndLocalAddressesTriedInOrder) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    scripted_resolver fake;
    CO_ASSERT(fake.start(ex));
    const auto a = keys("stcpr-a");
    const auto b = keys("stcpr-b");
    auto cfg = loopback_config();
    cfg.bind = false;
    auto na = stcpr_network::create(ex, a, make_ar(ex, fake.url, a), cfg);
    auto nb = stcpr_network::create(ex, b, nullptr, cfg);
    CO_ASSERT(na && nb);
    const std::string pb = std::to_string((*nb)->port());

    // is_local: 127.0.0.2 first (still the loopback interface, but b listens on 127.0.0.1 only,
    // so it refuses), then 127.0.0.1 where b is; remote_addr (refusing too) is never reached.
    fake.answer = R"({"remote_addr":"127.0.0.2","is_local":true,"port":")" + pb +
                  R"(","addresses":["127.0.0.2","127.0.0.1"]})";
    {
      auto d = (*na)->dial(b.pk);
      auto acc = (*nb)->accept();
      auto both_op = std::move(d) && std::move(acc);
      auto both = co_await std::move(both_op);
      EXPECT_TRUE(std::get<0>(both));
      EXPECT_TRUE(std::get<1>(both));
      if (std::get<0>(both)) { EXPECT_EQ(std::get<0>(both)->type, "stcpr"); }
    }
    // Without is_local the addresses are ignored: remote_addr (refusing) is dialled.
    fake.answer = R"({"remote_addr":"127.0.0.2","port":")" + pb + R"(","addresses":["127.0.0.1"]})";
    auto refused_op = (*na)->dial(b.pk);
    auto refused = co_await std::move(refused_op);
    EXPECT_EQ(refused.error(), asio::error::connection_refused);
    // A remote_addr with its own port is used as is (Go): the "port" field does not matter then.
    fake.answer = R"({"remote_addr":"127.0.0.1:)" + pb + R"(","port":"1"})";
    {
      auto d = (*na)->dial(b.pk);
      auto acc = (*nb)->accept();
      auto both_op = std::move(d) && std::move(acc);
      auto both = co_await std::move(both_op);
      EXPECT_TRUE(std::get<0>(both));
      EXPECT_TRUE(std::get<1>(both));
    }
    // Unusable answers.
    for (const char* port : {"0", "65536", "", "12a", "-1"}) {
      fake.answer = R"({"remote_addr":"127.0.0.1","port":")" + std::string(port) + R"("})";
      auto bad_op = (*na)->dial(b.pk);
      auto bad = co_await std::move(bad_op);
      EXPECT_EQ(bad.error(), errc::bad_address) << port;
    }
    fake.answer = R"({"port":")" + pb + R"("})";
    auto no_addr_op = (*na)->dial(b.pk);
    auto no_addr = co_await std::move(no_addr_op);
    EXPECT_EQ(no_addr.error(), errc::bad_address);
    fake.answer = "not json";
    auto garbage_op = (*na)->dial(b.pk);
    auto garbage = co_await std::move(garbage_op);
    EXPECT_EQ(garbage.error(), disc::errc::bad_response);
    fake.status = 404;
    fake.answer.clear();
    auto unbound_op = (*na)->dial(b.pk);
    auto unbound = co_await std::move(unbound_op);
    EXPECT_EQ(unbound.error(), errc::not_bound);
    fake.status = 500;
    auto failed_op = (*na)->dial(b.pk);
    auto failed = co_await std::move(failed_op);
    EXPECT_EQ(failed.error(), disc::errc::rejected);

    co_await (*na)->shutdown();
    co_await (*nb)->shutdown();
    co_await fake.srv->shutdown(1s);
  });
}

TEST(StcprHelpers, AdvertisedAddressesAreGosGlobalUnicastOrLoopback) {
  auto ip = [](const char* s) { return asio::ip::make_address(s); };
  EXPECT_TRUE(is_advertised_address(ip("127.0.0.1")));
  EXPECT_TRUE(is_advertised_address(ip("10.1.2.3")));  // private is "global unicast" in Go
  EXPECT_TRUE(is_advertised_address(ip("203.0.113.5")));
  EXPECT_TRUE(is_advertised_address(ip("::1")));
  EXPECT_TRUE(is_advertised_address(ip("2001:db8::1")));
  EXPECT_TRUE(is_advertised_address(ip("::ffff:192.0.2.1")));
  EXPECT_FALSE(is_advertised_address(ip("0.0.0.0")));
  EXPECT_FALSE(is_advertised_address(ip("255.255.255.255")));
  EXPECT_FALSE(is_advertised_address(ip("224.0.0.1")));
  EXPECT_FALSE(is_advertised_address(ip("169.254.10.1")));
  EXPECT_FALSE(is_advertised_address(ip("::")));
  EXPECT_FALSE(is_advertised_address(ip("fe80::1")));
  EXPECT_FALSE(is_advertised_address(ip("ff02::1")));
  EXPECT_FALSE(is_advertised_address(ip("::ffff:169.254.1.1")));

  const auto local = local_addresses();
  EXPECT_NE(std::find(local.begin(), local.end(), "127.0.0.1"), local.end());
  for (const auto& a : local) {
    EXPECT_EQ(a.find('%'), std::string::npos) << a;  // no zones
    EXPECT_TRUE(is_advertised_address(ip(a.c_str()))) << a;
  }

  EXPECT_EQ(join_host_port("127.0.0.1", "7777"), "127.0.0.1:7777");
  EXPECT_EQ(join_host_port("::1", "7777"), "[::1]:7777");
  EXPECT_EQ(join_host_port("", "80"), ":80");
}

}  // namespace
}  // namespace skywire::transport
