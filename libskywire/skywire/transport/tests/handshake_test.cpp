// The raw handshake (§1.2) and Noise KK (§1.3) over real loopback TCP: success, the exact bytes
// each side writes, and every failure the Go responder distinguishes (silent close vs. OK:false),
// plus deadlines with short injected timeouts.
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "skywire/crypto/errc.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/transport/encrypted_stream.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/handshake.hpp"
#include "skywire/transport/transport.hpp"
#include "test_util.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
namespace wt = wire::transport;

const port_predicate only_45 = [](std::uint16_t p) { return p == transport_port; };

// Reads one "\n"-terminated line from a raw socket (test side; may over-read into sb).
asio::awaitable<std::string> raw_line(tcp::socket& s, asio::streambuf& sb) {
  auto [ec, n] = co_await asio::async_read_until(s, sb, '\n', use_tuple);
  if (ec) co_return std::string{};
  std::string line(asio::buffers_begin(sb.data()), asio::buffers_begin(sb.data()) + static_cast<std::ptrdiff_t>(n));
  sb.consume(n);
  co_return line;
}

asio::awaitable<void> raw_write(tcp::socket& s, std::string_view data) {
  co_await asio::async_write(s, asio::buffer(data.data(), data.size()), use_tuple);
}

TEST(RawHandshake, InitiatorAndResponderAgree) {
  run([]() -> asio::awaitable<void> {
    auto [client, server] = co_await stream_pair();
    crypto::system_random rng;
    const auto a = keys("a");
    const auto b = keys("b");
    auto init = initiate_handshake(*client, a, 49153, {b.pk, transport_port});
    auto resp = respond_handshake(*server, rng, only_45);
    auto [ri, rr] = co_await (std::move(init) && std::move(resp));
    CO_ASSERT(ri.has_value());
    CO_ASSERT(rr.has_value());
    EXPECT_EQ(ri->local, (wt::skywire_addr{a.pk, 49153}));
    EXPECT_EQ(ri->remote, (wt::skywire_addr{b.pk, transport_port}));
    EXPECT_EQ(rr->local, ri->remote);
    EXPECT_EQ(rr->remote, ri->local);
  });
}

TEST(RawHandshake, InitiatorWritesCanonicalFramesAndReadsNoFurther) {
  run([]() -> asio::awaitable<void> {
    auto socks = co_await socket_pair();
    tcp::socket& server = socks.second;  // a named reference: clang 14 cannot capture bindings
    auto client = net::make_tcp_stream(std::move(socks.first));
    const auto a = keys("a");
    const auto b = keys("b");
    auto fake_responder = [&]() -> asio::awaitable<std::string> {
      char f0[9];
      co_await asio::async_read(server, asio::buffer(f0), use_tuple);
      EXPECT_EQ(std::string_view(f0, 9), wt::frame0);
      const wt::handshake_nonce nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
      const std::string f1 = wt::encode_frame1(nonce);
      co_await raw_write(server, f1);
      asio::streambuf sb;
      std::string line2 = co_await raw_line(server, sb);
      EXPECT_EQ(sb.size(), 0u);  // nothing after Frame2's "\n"
      // Frame3 followed by bytes that belong to the next layer: the initiator must leave them.
      const std::string f3 = wt::encode_frame3({true, ""}) + "NEXT";
      co_await raw_write(server, f3);
      co_return line2;
    };
    auto init = initiate_handshake(*client, a, 49160, {b.pk, transport_port});
    auto fake = fake_responder();
    auto [ri, line2] = co_await (std::move(init) && std::move(fake));
    CO_ASSERT(ri.has_value());
    auto f2 = wt::parse_frame2(line2);
    CO_ASSERT(f2.has_value());
    EXPECT_EQ(wt::encode_frame2(*f2), line2);  // byte-exact canonical Go encoding
    EXPECT_TRUE(wt::verify_frame2(*f2));
    EXPECT_EQ(f2->src, (wt::skywire_addr{a.pk, 49160}));
    EXPECT_EQ(f2->dst, (wt::skywire_addr{b.pk, transport_port}));
    std::array<std::uint8_t, 4> next{};
    auto rest = co_await client->read_some(next);
    CO_ASSERT(rest.has_value());
    EXPECT_EQ(std::string(next.begin(), next.begin() + static_cast<std::ptrdiff_t>(*rest)), std::string("NEXT").substr(0, *rest));
  });
}

// Drives a raw initiator against respond_handshake; returns the responder's result and every
// byte the responder sent after Frame1 before closing.
struct raw_outcome {
  result<handshake_addrs> responder = errc::bad_frame0;
  std::string after_frame1;
};

template <class Script>
raw_outcome run_raw_initiator(Script script, std::chrono::milliseconds timeout = 10s) {
  raw_outcome out;
  run([&]() -> asio::awaitable<void> {
    auto socks = co_await socket_pair();
    tcp::socket& client = socks.first;
    auto server = net::make_tcp_stream(std::move(socks.second));
    crypto::system_random rng;
    auto responder = [&]() -> asio::awaitable<void> {
      out.responder = co_await respond_handshake(*server, rng, only_45, timeout);
      server->close();  // what every caller does on failure (Go: conn.Close())
    };
    auto initiator = [&]() -> asio::awaitable<void> {
      asio::streambuf sb;
      co_await script(client, sb);
      out.after_frame1 = co_await read_until_eof(client);
    };
    auto r = responder();
    auto i = initiator();
    co_await (std::move(r) && std::move(i));
  });
  return out;
}

TEST(RawHandshake, WrongFrame0ClosesSilently) {
  auto out = run_raw_initiator([](tcp::socket& c, asio::streambuf&) -> asio::awaitable<void> {
    co_await raw_write(c, "get_nonc3");
  });
  EXPECT_EQ(out.responder.error(), errc::bad_frame0);
  EXPECT_EQ(out.after_frame1, "");  // not even Frame1
}

TEST(RawHandshake, WrongNonceClosesSilently) {
  auto out = run_raw_initiator([](tcp::socket& c, asio::streambuf& sb) -> asio::awaitable<void> {
    co_await raw_write(c, wt::frame0);
    const std::string line = co_await raw_line(c, sb);
    auto n = wt::parse_frame1(line);
    EXPECT_TRUE(n.has_value());
    wt::handshake_nonce other = (n ? *n : wt::handshake_nonce{});
    other[0] ^= 0x80;
    const std::string f2 = wt::encode_frame2(wt::make_frame2(keys("a"), 49153, {keys("b").pk, 45}, other));
    co_await raw_write(c, f2);
  });
  EXPECT_EQ(out.responder.error(), errc::unexpected_nonce);
  EXPECT_EQ(out.after_frame1, "");  // no Frame3
}

TEST(RawHandshake, BadSignatureClosesSilently) {
  auto out = run_raw_initiator([](tcp::socket& c, asio::streambuf& sb) -> asio::awaitable<void> {
    co_await raw_write(c, wt::frame0);
    const std::string line = co_await raw_line(c, sb);
    auto n = wt::parse_frame1(line);
    EXPECT_TRUE(n.has_value());
    // Signed by c but claiming to come from a.
    wt::frame2 f = wt::make_frame2(keys("c"), 49153, {keys("b").pk, 45}, (n ? *n : wt::handshake_nonce{}));
    f.src.pk = keys("a").pk;
    const std::string f2 = wt::encode_frame2(f);
    co_await raw_write(c, f2);
  });
  EXPECT_EQ(out.responder.error(), crypto::errc::signature_mismatch);
  EXPECT_EQ(out.after_frame1, "");
}

TEST(RawHandshake, UndecodableFrame2ClosesSilently) {
  auto out = run_raw_initiator([](tcp::socket& c, asio::streambuf& sb) -> asio::awaitable<void> {
    co_await raw_write(c, wt::frame0);
    (void)co_await raw_line(c, sb);
    std::string f = wt::encode_frame2(wt::make_frame2(keys("a"), 49153, {keys("b").pk, 45}, {}));
    f.replace(f.find(keys("b").pk.to_hex()), 66, "02" + std::string(64, 'f'));  // not a point
    co_await raw_write(c, f);
  });
  EXPECT_EQ(out.responder.error(), crypto::errc::bad_public_key);
  EXPECT_EQ(out.after_frame1, "");
}

TEST(RawHandshake, EndlessLineIsBounded) {
  auto out = run_raw_initiator([](tcp::socket& c, asio::streambuf& sb) -> asio::awaitable<void> {
    co_await raw_write(c, wt::frame0);
    (void)co_await raw_line(c, sb);
    const std::string spaces(wt::max_frame_bytes + 10, ' ');
    co_await raw_write(c, spaces);
  });
  EXPECT_EQ(out.responder.error(), errc::frame_too_long);
}

TEST(RawHandshake, WrongPortGetsOkFalse) {
  auto out = run_raw_initiator([](tcp::socket& c, asio::streambuf& sb) -> asio::awaitable<void> {
    co_await raw_write(c, wt::frame0);
    const std::string line = co_await raw_line(c, sb);
    auto n = wt::parse_frame1(line);
    const std::string f2 =
        wt::encode_frame2(wt::make_frame2(keys("a"), 49153, {keys("b").pk, 46}, (n ? *n : wt::handshake_nonce{})));
    co_await raw_write(c, f2);
  });
  EXPECT_EQ(out.responder.error(), errc::not_listening);
  EXPECT_EQ(out.after_frame1, "{\"OK\":false,\"ErrMsg\":\"not listening on given port\"}\n");
}

TEST(RawHandshake, InitiatorSeesRejection) {
  run([]() -> asio::awaitable<void> {
    auto [client, server] = co_await stream_pair();
    crypto::system_random rng;
    const auto a = keys("a");
    auto init = initiate_handshake(*client, a, 49153, {keys("b").pk, 46});
    auto resp = respond_handshake(*server, rng, only_45);
    auto [ri, rr] = co_await (std::move(init) && std::move(resp));
    EXPECT_EQ(ri.error(), errc::handshake_rejected);
    EXPECT_EQ(rr.error(), errc::not_listening);
  });
}

TEST(RawHandshake, StalledInitiatorHitsResponderDeadline) {
  auto out = run_raw_initiator(
      [](tcp::socket& c, asio::streambuf&) -> asio::awaitable<void> { co_await raw_write(c, "get_"); }, 100ms);
  EXPECT_EQ(out.responder.error(), net::errc::timeout);
  EXPECT_EQ(out.after_frame1, "");
}

TEST(RawHandshake, StalledAfterFrame1HitsResponderDeadline) {
  auto out = run_raw_initiator(
      [](tcp::socket& c, asio::streambuf& sb) -> asio::awaitable<void> {
        co_await raw_write(c, wt::frame0);
        (void)co_await raw_line(c, sb);
        co_await raw_write(c, "{\"SrcAddr\":");  // and nothing more
      },
      100ms);
  EXPECT_EQ(out.responder.error(), net::errc::timeout);
}

TEST(RawHandshake, StalledResponderHitsInitiatorDeadline) {
  run([]() -> asio::awaitable<void> {
    auto [client_sock, server] = co_await socket_pair();
    auto client = net::make_tcp_stream(std::move(client_sock));
    const auto a = keys("a");
    const wt::skywire_addr dst{keys("b").pk, 45};
    auto r = co_await initiate_handshake(*client, a, 49153, dst, 100ms);
    EXPECT_EQ(r.error(), net::errc::timeout);
    (void)server;
  });
}

TEST(RawHandshake, GarbageFrame1FailsInitiator) {
  run([]() -> asio::awaitable<void> {
    auto [client_sock, server] = co_await socket_pair();
    auto client = net::make_tcp_stream(std::move(client_sock));
    co_await raw_write(server, "{\"Nonce\":[1,2,3]}\n");
    const auto a = keys("a");
    const wt::skywire_addr dst{keys("b").pk, 45};
    auto r = co_await initiate_handshake(*client, a, 49153, dst);
    EXPECT_FALSE(r.has_value());
  });
}

// Noise KK after the handshake, with the right and the wrong remote static key.
TEST(NoiseKK, DataFlowsBothWays) {
  run([]() -> asio::awaitable<void> {
    auto [client, server] = co_await stream_pair();
    crypto::system_random rng;
    const auto a = keys("a");
    const auto b = keys("b");
    auto i = noise_kk(std::move(client), noise::handshake_role::initiator, a, b.pk, rng);
    auto r = noise_kk(std::move(server), noise::handshake_role::responder, b, a.pk, rng);
    auto [ei, er] = co_await (std::move(i) && std::move(r));
    CO_ASSERT(ei.has_value());
    CO_ASSERT(er.has_value());
    const std::string msg = "hello over KK";
    auto w = co_await (*ei)->write_all(as_bytes(msg));
    CO_ASSERT(w.has_value());
    std::array<std::uint8_t, 64> buf{};
    auto n = co_await (*er)->read_some(buf);
    CO_ASSERT(n.has_value());
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n)), msg);
  });
}

TEST(NoiseKK, WrongRemoteKeyFailsBothSides) {
  run([]() -> asio::awaitable<void> {
    auto [client, server] = co_await stream_pair();
    crypto::system_random rng;
    const auto a = keys("a");
    const auto b = keys("b");
    const auto c = keys("c");
    // The dialer believes it talks to c; the responder is b.
    auto i = noise_kk(std::move(client), noise::handshake_role::initiator, a, c.pk, rng, 2s);
    auto r = noise_kk(std::move(server), noise::handshake_role::responder, b, a.pk, rng, 2s);
    auto [ei, er] = co_await (std::move(i) && std::move(r));
    EXPECT_FALSE(ei.has_value());
    CO_ASSERT(!er.has_value());
    EXPECT_EQ(er.error(), noise::errc::decrypt_failed);
  });
}

}  // namespace
}  // namespace skywire::transport
