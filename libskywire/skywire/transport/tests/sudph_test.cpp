// sudph end to end over real UDP on 127.0.0.1 against our address resolver (local mode, HTTP
// and its UDP/KCP side on the same port): both visors bind over KCP, A dials B by pk — the
// resolver asks B to punch towards A (observed), the transport comes up with Noise KK, data
// moves both ways; B's delBind removes its binding; hostile datagrams to the resolver's and a
// visor's UDP port break nothing. Plus the pure helpers (AR UDP address, punch request).
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <random>
#include <string>

#include "address-resolver/service.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/kcp/segment.hpp"
#include "skywire/transport/sudph.hpp"
#include "skywire/wire/transport/transport_id.hpp"
#include "resolver_fixture.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
using asio::ip::udp;
namespace wt = wire::transport;
namespace ar_svc = svc::address_resolver;

sudph_config loopback_config(const resolver& r) {
  sudph_config cfg;
  cfg.listen_host = "127.0.0.1";
  cfg.addresses = {"127.0.0.1"};
  cfg.ar_udp_address = *sudph_ar_address(r.url);
  cfg.bind_backoff_initial = 50ms;
  cfg.bind_backoff_max = 200ms;
  return cfg;
}

bytes pattern(std::size_t n) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 13 + 7);
  return b;
}

TEST(Sudph, BindPunchDialExchangeAndUnbind) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    resolver r;
    CO_ASSERT(r.start(ex));
    const auto a = keys("sudph-a"), b = keys("sudph-b");
    auto na = sudph_network::create(ex, a, make_ar(ex, r.url, a), loopback_config(r));
    auto nb = sudph_network::create(ex, b, make_ar(ex, r.url, b), loopback_config(r));
    CO_ASSERT(na && nb);
    sudph_network& A = **na;
    sudph_network& B = **nb;
    CO_ASSERT(co_await wait_until([&] { return A.bound() && B.bound(); }, 10s));
    CO_ASSERT(co_await r.wait_bound(a.pk));
    CO_ASSERT(co_await r.wait_bound(b.pk));
    CO_ASSERT(co_await wait_until([&] { return r.svc->udp().link_count() == 2; }, 10s));
    // The binding holds the observed source ip:port of the visor's socket.
    auto vb = co_await r.db->resolve("sudph", b.pk);
    CO_ASSERT(vb && *vb);
    EXPECT_EQ((*vb)->remote_addr, "127.0.0.1:" + std::to_string(B.port()));
    EXPECT_EQ((*vb)->port, std::to_string(B.port()));

    auto dial = A.dial(b.pk);
    auto accept = B.accept();
    auto both = std::move(dial) && std::move(accept);
    auto [out, in] = co_await std::move(both);
    CO_ASSERT(out);
    CO_ASSERT(in);
    // The resolver asked B (over its KCP link) to punch towards A.
    EXPECT_GE(B.punches_sent(), 1u);
    EXPECT_EQ(A.punches_sent(), 0u);
    EXPECT_EQ(out->id, wt::make_transport_id(a.pk, b.pk, wt::type_sudph));
    EXPECT_EQ(in->id, out->id);
    EXPECT_EQ(out->type, "sudph");
    EXPECT_EQ(in->remote_pk, a.pk);
    EXPECT_EQ(in->local_port, transport_port);
    EXPECT_TRUE(out->initiator);
    EXPECT_FALSE(in->initiator);
    EXPECT_TRUE(co_await send_and_check(*out->stream, *in->stream, pattern(200 * 1024)));
    EXPECT_TRUE(co_await send_and_check(*in->stream, *out->stream, pattern(50 * 1024)));

    // B leaves: delBind removes its binding; A's dial then fails with not_bound. The transport
    // already up keeps working (close() does not touch returned transports).
    co_await B.shutdown();
    CO_ASSERT(co_await wait_until([&] { return r.svc->udp().link_count() <= 1; }, 10s));
    EXPECT_FALSE(co_await r.has_sudph(b.pk));
    EXPECT_TRUE(co_await send_and_check(*out->stream, *in->stream, pattern(10 * 1024)));
    auto again = co_await A.dial(b.pk);
    CO_ASSERT(!again);
    EXPECT_EQ(again.error(), errc::not_bound);

    out->stream->close();
    in->stream->close();
    co_await A.shutdown();
    co_await r.svc->shutdown(1s);
  });
}

TEST(Sudph, HostileDatagramsBreakNothing) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    resolver r;
    CO_ASSERT(r.start(ex));
    const auto a = keys("sudph-h-a"), b = keys("sudph-h-b");
    auto na = sudph_network::create(ex, a, make_ar(ex, r.url, a), loopback_config(r));
    auto nb = sudph_network::create(ex, b, make_ar(ex, r.url, b), loopback_config(r));
    CO_ASSERT(na && nb);
    CO_ASSERT(co_await wait_until([&] { return (*na)->bound() && (*nb)->bound(); }, 10s));
    CO_ASSERT(co_await r.wait_bound(a.pk));
    CO_ASSERT(co_await r.wait_bound(b.pk));

    udp::socket attacker(ex, udp::endpoint(asio::ip::address_v4::loopback(), 0));
    const udp::endpoint targets[] = {{asio::ip::address_v4::loopback(), r.port},
                                     {asio::ip::address_v4::loopback(), (*nb)->port()}};
    std::mt19937 rng(42);
    for (int i = 0; i < 400; ++i) {
      bytes g(rng() % 1600);
      for (auto& c : g) c = static_cast<std::uint8_t>(rng());
      if (g.size() >= kcp::limits::overhead && i % 2 == 0) {
        g[4] = 81;  // PUSH: gets as far as a new session and the handshake
        for (int k = 12; k < 16; ++k) g[k] = 0;  // sn 0
        const std::uint32_t len = static_cast<std::uint32_t>(g.size() - kcp::limits::overhead);
        for (int k = 0; k < 4; ++k) g[20 + k] = static_cast<std::uint8_t>(len >> (8 * k));
      }
      attacker.send_to(asio::buffer(g), targets[i % 2]);
      if (i % 20 == 0) co_await sleep_for(2ms);
    }
    attacker.send_to(asio::buffer(std::string_view("holepunch")), targets[0]);
    attacker.send_to(asio::buffer(std::string_view("holepunch")), targets[1]);
    co_await sleep_for(200ms);

    // Everything still works: the bindings, a dial through the resolver, the data.
    EXPECT_TRUE((*na)->bound());
    EXPECT_TRUE((*nb)->bound());
    auto dial = (*na)->dial(b.pk);
    auto accept = (*nb)->accept();
    auto both = std::move(dial) && std::move(accept);
    auto [out, in] = co_await std::move(both);
    CO_ASSERT(out && in);
    EXPECT_TRUE(co_await send_and_check(*out->stream, *in->stream, pattern(20 * 1024)));
    EXPECT_GT((*nb)->socket_stats().received, 0u);
    out->stream->close();
    in->stream->close();
    co_await (*na)->shutdown();
    co_await (*nb)->shutdown();
    co_await r.svc->shutdown(1s);
  });
}

TEST(Sudph, ArUdpAddressFromUrl) {
  EXPECT_EQ(*sudph_ar_address("http://ar.skywire.skycoin.com"), "ar.skywire.skycoin.com:30178");
  EXPECT_EQ(*sudph_ar_address("http://127.0.0.1:9093"), "127.0.0.1:9093");
  EXPECT_EQ(*sudph_ar_address("https://ar.example/path?q=1"), "ar.example:30178");
  EXPECT_EQ(*sudph_ar_address("ar.example:1234"), "ar.example:1234");
  EXPECT_EQ(*sudph_ar_address("http://[::1]:9093"), "[::1]:9093");
  EXPECT_EQ(sudph_ar_address("dmsg://02aa:80").error(), errc::bad_address);
  EXPECT_FALSE(sudph_ar_address("http://"));
  EXPECT_FALSE(sudph_ar_address("http://host:notaport"));
}

TEST(Sudph, PunchRequestParsing) {
  const std::string pk = keys("sudph-p").pk.to_hex();
  auto ok = parse_punch_request(R"({"PK":")" + pk + R"(","Addr":"203.0.113.7:51820"})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->pk.to_hex(), pk);
  EXPECT_EQ(ok->addr, udp::endpoint(asio::ip::make_address("203.0.113.7"), 51820));
  // Go's decoder: keys case-insensitive, unknown keys ignored.
  EXPECT_TRUE(parse_punch_request(R"({"pk":")" + pk + R"(","addr":"10.0.0.1:1","x":[1]})"));
  EXPECT_FALSE(parse_punch_request(R"({"PK":")" + pk + R"(","Addr":"example.com:1"})"));  // no DNS
  EXPECT_FALSE(parse_punch_request(R"({"PK":")" + pk + R"(","Addr":"10.0.0.1"})"));
  EXPECT_FALSE(parse_punch_request(R"({"PK":")" + pk + R"(","Addr":"10.0.0.1:0"})"));
  EXPECT_FALSE(parse_punch_request(R"({"PK":"zz","Addr":"10.0.0.1:1"})"));
  EXPECT_FALSE(parse_punch_request("heartbeat"));
  EXPECT_FALSE(parse_punch_request("[[[[[[[[[[[[]]]]]]]]]]]]"));
  EXPECT_FALSE(parse_punch_request(std::string(5000, ' ')));
}

}  // namespace
}  // namespace skywire::transport
