// udp_mux + kcp_stream over real UDP on 127.0.0.1: sessions carry messages and bulk data both
// ways, the §1.2 handshake and Noise KK run over them, hostile datagrams are dropped and
// counted without disturbing anything, the session/backlog/half-open bounds hold, the dead
// link ends a session, and the AR-style exclusive claim keeps the listener out.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/encrypted_stream.hpp"
#include "skywire/transport/handshake.hpp"
#include "skywire/transport/kcp/errc.hpp"
#include "skywire/transport/kcp/segment.hpp"
#include "skywire/transport/tests/test_util.hpp"
#include "skywire/transport/transport.hpp"
#include "skywire/transport/udp_mux.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using test::run;
using test::sleep_for;
namespace asio = boost::asio;
using asio::ip::udp;

const udp::endpoint any_loopback(asio::ip::address_v4::loopback(), 0);

std::shared_ptr<udp_mux> open_mux(asio::any_io_executor ex, udp_mux_config cfg = {}) {
  auto m = udp_mux::open(ex, any_loopback, std::move(cfg));
  if (!m) throw std::runtime_error(m.error().message());
  return *m;
}

asio::awaitable<std::string> read_n(net::stream& s, std::size_t n) {
  std::string out;
  std::vector<std::uint8_t> buf(4096);
  while (out.size() < n) {
    auto r = co_await s.read_some(buf);
    if (!r) break;
    out.append(reinterpret_cast<const char*>(buf.data()), *r);
  }
  co_return out;
}

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 31) % 91);
  return s;
}

TEST(UdpMux, KcpSessionCarriesMessagesAndBulkDataBothWays) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto a = open_mux(ex), b = open_mux(ex);
    auto out = a->dial(b->local_endpoint());
    CO_ASSERT(out);
    // One write of ≤ mss bytes is one message: the peer's first read returns exactly it.
    CO_ASSERT(co_await (*out)->write_all(as_bytes("get_nonce")));
    auto in = co_await b->accept();
    CO_ASSERT(in);
    std::vector<std::uint8_t> buf(100);
    auto n = co_await (*in)->read_some(buf);
    CO_ASSERT(n);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(buf.data()), *n), "get_nonce");

    const std::string up = pattern(300 * 1024, 'a'), down = pattern(200 * 1024, 'k');
    auto writer = [](net::stream& s, std::string data) -> asio::awaitable<void> {
      auto w = co_await s.write_all(as_bytes(data));
      EXPECT_TRUE(w) << w.error().message();
    };
    auto w1 = writer(**out, up);
    asio::co_spawn(ex, std::move(w1), asio::detached);
    auto w2 = writer(**in, down);
    asio::co_spawn(ex, std::move(w2), asio::detached);
    auto got_up = co_await net::with_timeout(read_n(**in, up.size()), 60s);
    auto got_down = co_await net::with_timeout(read_n(**out, down.size()), 60s);
    CO_ASSERT(got_up && got_down);
    EXPECT_TRUE(*got_up == up);
    EXPECT_TRUE(*got_down == down);
    auto drained = co_await (*out)->drain(10s);
    EXPECT_TRUE(drained);
    EXPECT_EQ(b->stats().sessions_created, 1u);
    a->close();
    b->close();
  });
}

TEST(UdpMux, HandshakeAndNoiseRunOverKcp) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto a = open_mux(ex), b = open_mux(ex);
    const auto ka = test::keys("kcp-a"), kb = test::keys("kcp-b");
    crypto::system_random rng;
    auto out = a->dial(b->local_endpoint());
    CO_ASSERT(out);
    std::unique_ptr<net::stream> client = std::move(*out);

    auto responder = [&]() -> asio::awaitable<void> {
      auto in = co_await b->accept();
      CO_ASSERT(in);
      std::unique_ptr<net::stream> server = std::move(*in);
      port_predicate listening = [](std::uint16_t p) { return p == transport_port; };
      auto addrs = co_await respond_handshake(*server, rng, listening);
      CO_ASSERT(addrs);
      auto enc = co_await noise_kk(std::move(server), noise::handshake_role::responder, kb, ka.pk, rng);
      CO_ASSERT(enc);
      auto msg = co_await read_n(**enc, 10000);
      EXPECT_EQ(msg, pattern(10000, 'x'));
      CO_ASSERT(co_await (*enc)->write_all(as_bytes("pong")));
      auto more = co_await read_n(**enc, 1);  // keep the session until the peer is done
      (void)more;
    };
    auto resp = responder();
    asio::co_spawn(ex, std::move(resp), asio::detached);

    auto addrs = co_await initiate_handshake(*client, ka, 49153, {kb.pk, transport_port});
    CO_ASSERT(addrs);
    auto enc = co_await noise_kk(std::move(client), noise::handshake_role::initiator, ka, kb.pk, rng);
    CO_ASSERT(enc);
    CO_ASSERT(co_await (*enc)->write_all(as_bytes(pattern(10000, 'x'))));
    auto pong = co_await net::with_timeout(read_n(**enc, 4), 10s);
    CO_ASSERT(pong);
    EXPECT_EQ(*pong, "pong");
    a->close();
    b->close();
  });
}

bytes kcp_datagram(std::uint32_t conv, kcp::command cmd, std::uint32_t sn, std::string_view data) {
  kcp::segment_header h;
  h.conv = conv;
  h.cmd = cmd;
  h.wnd = 32;
  h.sn = sn;
  h.len = static_cast<std::uint32_t>(data.size());
  bytes out(kcp::limits::overhead);
  kcp::encode_header(h, out.data());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

TEST(UdpMux, HostileDatagramsAreDroppedAndBounded) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    udp_mux_config cfg;
    cfg.max_sessions = 8;
    cfg.accept_backlog = 4;
    auto victim = open_mux(ex, cfg);
    udp::socket attacker(ex, any_loopback);
    const auto to = victim->local_endpoint();
    std::mt19937 rng(7);
    auto send = [&](byte_view d) { attacker.send_to(asio::buffer(d.data(), d.size()), to); };
    send(as_bytes("holepunch"));
    send(bytes(2000, 0x51));                                            // longer than any Go datagram
    send(kcp_datagram(5, kcp::command::push, 100000, "stale"));         // not a conversation start
    bytes truncated = kcp_datagram(6, kcp::command::push, 0, "abcdef");
    truncated.resize(truncated.size() - 3);
    send(truncated);
    for (int i = 0; i < 200; ++i) {                                     // random garbage
      bytes g(rng() % 1500);
      for (auto& c : g) c = static_cast<std::uint8_t>(rng());
      send(g);
      if (i % 10 == 0) co_await sleep_for(1ms);  // let the victim read (UDP drops on overflow)
    }
    for (std::uint32_t conv = 100; conv < 150; ++conv)                  // a session flood
      send(kcp_datagram(conv, kcp::command::push, 0, "get_nonce"));
    co_await sleep_for(300ms);
    const auto st = victim->stats();
    EXPECT_LE(st.received, 2u + 2u + 200u + 50u);
    EXPECT_GT(st.received, 100u);
    EXPECT_GE(st.dropped_short, 1u);
    EXPECT_EQ(st.dropped_long, 1u);
    EXPECT_LE(st.sessions_created, 4u);  // the backlog bound
    EXPECT_LE(victim->session_count(), 8u);

    // The victim still works: drain the flood, then a real peer gets through.
    for (int i = 0; i < 4; ++i) {
      auto junk = co_await net::with_timeout(victim->accept(), 1s);
      if (!junk) break;
    }
    auto peer = open_mux(ex);
    auto out = peer->dial(to);
    CO_ASSERT(out);
    CO_ASSERT(co_await (*out)->write_all(as_bytes("hello")));
    auto in = co_await net::with_timeout(victim->accept(), 5s);
    CO_ASSERT(in);
    auto got = co_await net::with_timeout(read_n(**in, 5), 5s);
    CO_ASSERT(got);
    EXPECT_EQ(*got, "hello");
    victim->close();
    peer->close();
  });
}

TEST(UdpMux, UnacceptedSessionsExpire) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    udp_mux_config cfg;
    cfg.accept_timeout = 200ms;
    auto b = open_mux(ex, cfg), a = open_mux(ex);
    auto first = a->dial(b->local_endpoint());
    CO_ASSERT(first);
    CO_ASSERT(co_await (*first)->write_all(as_bytes("first")));
    co_await sleep_for(400ms);
    auto second = a->dial(b->local_endpoint());
    CO_ASSERT(second);
    CO_ASSERT(co_await (*second)->write_all(as_bytes("second")));
    auto in = co_await net::with_timeout(b->accept(), 5s);
    CO_ASSERT(in);
    EXPECT_EQ((*in)->conv(), (*second)->conv());
    EXPECT_EQ(b->stats().sessions_created, 2u);
    a->close();
    b->close();
  });
}

TEST(UdpMux, DeadLinkEndsTheSession) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    udp_mux_config cfg;
    cfg.kcp.dead_timeout = 1s;
    auto a = open_mux(ex, cfg);
    udp::socket sink(ex, any_loopback);  // receives and never answers
    auto out = a->dial(sink.local_endpoint());
    CO_ASSERT(out);
    CO_ASSERT(co_await (*out)->write_all(as_bytes("anyone?")));
    std::vector<std::uint8_t> buf(16);
    auto r = co_await net::with_timeout((*out)->read_some(buf), 20s);
    CO_ASSERT(!r);
    EXPECT_EQ(r.error(), kcp::errc::dead_link);
    EXPECT_EQ(a->session_count(), 0u);
    a->close();
  });
}

TEST(UdpMux, ExclusiveEndpointNeverReachesTheListener) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto a = open_mux(ex);
    udp::socket ar(ex, any_loopback);
    auto link = a->dial(ar.local_endpoint(), true);
    CO_ASSERT(link);
    const auto to = a->local_endpoint();
    bytes other = kcp_datagram((*link)->conv() + 1, kcp::command::push, 0, "not the link");
    ar.send_to(asio::buffer(other), to);
    bytes mine = kcp_datagram((*link)->conv(), kcp::command::push, 0, "{\"PK\":\"x\"}");
    ar.send_to(asio::buffer(mine), to);
    std::vector<std::uint8_t> buf(64);
    auto n = co_await net::with_timeout((*link)->read_some(buf), 5s);
    CO_ASSERT(n);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(buf.data()), *n), "{\"PK\":\"x\"}");
    EXPECT_EQ(a->stats().sessions_created, 0u);
    a->close();
    auto after = co_await (*link)->read_some(buf);
    EXPECT_EQ(after.error(), kcp::errc::closed);
  });
}

}  // namespace
}  // namespace skywire::transport
