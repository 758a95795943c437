// The Asio adaptor over real loopback TCP: XK and KK handshakes, a multi-megabyte transfer in
// both directions, and peers that misbehave (garbage, truncation, oversized length, replay,
// silence). Each test runs its own io_context on this thread.
#include <gtest/gtest.h>

#include <functional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/noise/noise_stream.hpp"
#include "test_keys.hpp"

namespace skywire::noise {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using test_support::vector_config;
using stream_t = noise_stream<tcp::socket>;

struct socket_pair {
  tcp::socket a;
  tcp::socket b;
};

socket_pair connected_pair(asio::io_context& ctx) {
  tcp::acceptor acceptor(ctx, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket a(ctx);
  a.connect(acceptor.local_endpoint());  // completes against the listen backlog
  tcp::socket b = acceptor.accept();
  return {std::move(a), std::move(b)};
}

// Runs the coroutine to completion on ctx (with whatever else was spawned) and returns it.
template <class T>
T run_one(asio::io_context& ctx, asio::awaitable<T> op) {
  auto fut = asio::co_spawn(ctx, std::move(op), asio::use_future);
  ctx.run();
  ctx.restart();
  return fut.get();
}

crypto::key_pair fresh() {
  crypto::system_random rng;
  return crypto::generate_key_pair(rng);
}

handshake_config random_config(handshake_pattern p, handshake_role role, const crypto::key_pair& me,
                               const crypto::key_pair& peer) {
  handshake_config c{p, role, me, peer.pk, fresh()};
  if (p == handshake_pattern::xk && role == handshake_role::responder) c.remote_static.reset();
  return c;
}

bytes pattern_bytes(std::size_t n, std::uint8_t seed) {
  bytes b(n);
  std::uint32_t x = seed;
  for (auto& v : b) {
    x = x * 1103515245u + 12345u;
    v = static_cast<std::uint8_t>(x >> 16);
  }
  return b;
}

// Handshakes on one side, then writes `out` and reads `expect_in` bytes (in that order for the
// initiator, reads first for the responder), checking the content. Returns the peer key seen.
asio::awaitable<result<crypto::public_key>> peer(tcp::socket sock, handshake_config cfg, bytes out,
                                                 bytes expect_in) {
  auto hs = handshake_state::create(cfg).value();
  auto ns = co_await async_handshake(std::move(sock), hs);
  if (!ns) co_return ns.error();
  const bool init = cfg.role == handshake_role::initiator;
  bytes got;
  got.reserve(expect_in.size());
  for (int phase = 0; phase < 2; ++phase) {
    if ((phase == 0) == init) {
      auto w = co_await ns->write(out);
      if (!w) co_return w.error();
    } else {
      while (got.size() < expect_in.size()) {
        auto r = co_await ns->read();
        if (!r) co_return r.error();
        EXPECT_LE(r->size(), limits::max_data_plaintext);
        got.insert(got.end(), r->begin(), r->end());
      }
    }
  }
  EXPECT_TRUE(got == expect_in);
  co_return hs.remote_static();
}

class over_tcp : public ::testing::TestWithParam<handshake_pattern> {};

TEST_P(over_tcp, handshake_and_multi_megabyte_transfer_both_ways) {
  asio::io_context ctx;
  auto [a, b] = connected_pair(ctx);
  const auto ik = fresh();
  const auto rk = fresh();
  const bytes i_to_r = pattern_bytes(3 * 1024 * 1024 + 17, 1);
  const bytes r_to_i = pattern_bytes(2 * 1024 * 1024 + 5, 2);
  auto rfut = asio::co_spawn(
      ctx, peer(std::move(b), random_config(GetParam(), handshake_role::responder, rk, ik), r_to_i, i_to_r),
      asio::use_future);
  auto seen_by_i = run_one(
      ctx, peer(std::move(a), random_config(GetParam(), handshake_role::initiator, ik, rk), i_to_r, r_to_i));
  auto seen_by_r = rfut.get();
  ASSERT_TRUE(seen_by_i) << seen_by_i.error().message();
  ASSERT_TRUE(seen_by_r) << seen_by_r.error().message();
  EXPECT_EQ(*seen_by_i, rk.pk);
  EXPECT_EQ(*seen_by_r, ik.pk);
}

INSTANTIATE_TEST_SUITE_P(patterns, over_tcp, ::testing::Values(handshake_pattern::xk, handshake_pattern::kk),
                         [](const auto& param_info) { return param_info.param == handshake_pattern::xk ? "xk" : "kk"; });

TEST(over_tcp_vectors, vector_keys_give_vector_wire_bytes) {
  // With the vector ephemerals, what the initiator puts on the wire is the vector's frames.
  asio::io_context ctx;
  auto [a, b] = connected_pair(ctx);
  const std::string root = "noise_stream_kk";
  auto rfut = asio::co_spawn(ctx,
                             peer(std::move(b), vector_config(root, handshake_role::responder), bytes{},
                                  test::hex(test::dmsg_vectors(), root + ".transport_frames.0.plaintext")),
                             asio::use_future);
  auto r = run_one(ctx, peer(std::move(a), vector_config(root, handshake_role::initiator),
                             test::hex(test::dmsg_vectors(), root + ".transport_frames.0.plaintext"), bytes{}));
  EXPECT_TRUE(r);
  EXPECT_TRUE(rfut.get());
}

TEST(over_tcp_vectors, wrong_server_key_fails_cleanly) {
  asio::io_context ctx;
  auto [a, b] = connected_pair(ctx);
  const auto ik = fresh();
  const auto rk = fresh();
  const auto stranger = fresh();
  auto rfut = asio::co_spawn(
      ctx, peer(std::move(b), random_config(handshake_pattern::xk, handshake_role::responder, rk, ik), {}, {}),
      asio::use_future);
  // The client expects `stranger`: the server cannot decrypt message 1 and drops the socket.
  auto i = run_one(ctx, peer(std::move(a), random_config(handshake_pattern::xk, handshake_role::initiator, ik, stranger),
                             {}, {}));
  auto r = rfut.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::decrypt_failed);
  ASSERT_FALSE(i);  // EOF or reset: the server closed
}

// ---- A hostile raw peer against a noise_stream reader ----

// The reader side: a KK responder handshake then one read(); returns the read's result.
asio::awaitable<result<bytes>> victim(tcp::socket sock, handshake_config cfg, int reads) {
  auto hs = handshake_state::create(cfg).value();
  auto ns = co_await async_handshake(std::move(sock), hs);
  if (!ns) co_return ns.error();
  bytes last;
  for (int i = 0; i < reads; ++i) {
    auto r = co_await ns->read();
    if (!r) co_return r.error();
    last.assign(r->begin(), r->end());
  }
  co_return last;
}

// The attacker: a correct KK initiator handshake over the raw socket (sans-I/O core by hand),
// then `raw` sent as is, then close.
asio::awaitable<void> attacker(tcp::socket sock, handshake_config cfg, std::function<bytes(frame_sealer&)> make_raw) {
  auto hs = handshake_state::create(cfg).value();
  auto m1 = hs.write_message().value();
  bytes f1{0, static_cast<std::uint8_t>(m1.size())};
  f1.insert(f1.end(), m1.begin(), m1.end());
  auto b1 = asio::buffer(f1);
  co_await asio::async_write(sock, b1, detail::use_tuple);
  byte_array<2 + 49> f2{};
  auto b2 = asio::buffer(f2);
  auto [ec, n] = co_await asio::async_read(sock, b2, detail::use_tuple);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(hs.read_message(byte_view(f2).subspan(2)));
  frame_sealer sealer(hs.split().value().send);
  bytes raw = make_raw(sealer);
  auto b3 = asio::buffer(raw);
  co_await asio::async_write(sock, b3, detail::use_tuple);
  sock.shutdown(tcp::socket::shutdown_send);
  // Wait for the victim to close so the write is not cut by a reset.
  byte_array<1> sink{};
  auto b4 = asio::buffer(sink);
  co_await asio::async_read(sock, b4, detail::use_tuple);
}

result<bytes> attack(std::function<bytes(frame_sealer&)> make_raw, int reads = 1) {
  asio::io_context ctx;
  auto [a, b] = connected_pair(ctx);
  const auto ik = fresh();
  const auto rk = fresh();
  auto afut = asio::co_spawn(
      ctx, attacker(std::move(a), random_config(handshake_pattern::kk, handshake_role::initiator, ik, rk), make_raw),
      asio::use_future);
  auto r = run_one(ctx, victim(std::move(b), random_config(handshake_pattern::kk, handshake_role::responder, rk, ik),
                               reads));
  afut.get();
  return r;
}

TEST(hostile_peer, control_case_reads_frame) {
  auto r = attack([](frame_sealer& s) { return s.seal(as_bytes("fine")).value(); });
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, bytes(as_bytes("fine").begin(), as_bytes("fine").end()));
}

TEST(hostile_peer, empty_frames_are_skipped) {
  auto r = attack([](frame_sealer& s) {
    bytes raw;
    EXPECT_TRUE(s.seal_append({}, raw));
    EXPECT_TRUE(s.seal_append({}, raw));
    EXPECT_TRUE(s.seal_append(as_bytes("after"), raw));
    return raw;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 5u);
}

TEST(hostile_peer, clean_eof_at_frame_boundary_is_asio_eof) {
  auto r = attack([](frame_sealer&) { return bytes{}; });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), asio::error::eof);
}

TEST(hostile_peer, garbage_fails_decryption) {
  auto r = attack([](frame_sealer&) { return bytes{0x00, 0x30, 'g', 'a', 'r', 'b', 'a', 'g', 'e'}; });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::truncated_frame);
  auto g = attack([](frame_sealer&) {
    bytes raw{0x00, 0x30};
    raw.resize(2 + 0x30, 0x5a);
    return raw;
  });
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error(), errc::decrypt_failed);
}

TEST(hostile_peer, truncated_frames) {
  auto half_prefix = attack([](frame_sealer&) { return bytes{0x00}; });
  EXPECT_EQ(half_prefix.error(), errc::truncated_frame);
  auto half_body = attack([](frame_sealer& s) {
    bytes f = s.seal(as_bytes("cut short")).value();
    f.erase(f.end() - 3, f.end());
    return f;
  });
  EXPECT_EQ(half_body.error(), errc::truncated_frame);
}

TEST(hostile_peer, oversized_length) {
  auto r = attack([](frame_sealer&) { return bytes{0xff, 0xff, 1, 2, 3}; });
  EXPECT_EQ(r.error(), errc::frame_too_long);
  auto just = attack([](frame_sealer&) { return bytes{0x0f, 0xff}; });  // 4095
  EXPECT_EQ(just.error(), errc::frame_too_long);
}

TEST(hostile_peer, short_frame) {
  auto r = attack([](frame_sealer&) { return bytes{0x00, 0x05, 1, 2, 3, 4, 5}; });
  EXPECT_EQ(r.error(), errc::frame_too_short);
}

TEST(hostile_peer, replayed_frame) {
  auto r = attack(
      [](frame_sealer& s) {
        bytes f = s.seal(as_bytes("once")).value();
        bytes raw = f;
        raw.insert(raw.end(), f.begin(), f.end());
        return raw;
      },
      2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::replayed_nonce);
}

TEST(hostile_peer, bad_tag) {
  auto r = attack([](frame_sealer& s) {
    bytes f = s.seal(as_bytes("tampered")).value();
    f.back() ^= 1;
    return f;
  });
  EXPECT_EQ(r.error(), errc::decrypt_failed);
}

asio::awaitable<result<bytes>> silent_server(tcp::socket sock, handshake_config cfg) {
  auto hs = handshake_state::create(cfg).value();
  auto ns = co_await async_handshake(std::move(sock), hs, std::chrono::milliseconds(200));
  if (!ns) co_return ns.error();
  co_return bytes{};
}

TEST(hostile_peer, silent_peer_times_out) {
  asio::io_context ctx;
  auto [a, b] = connected_pair(ctx);
  const auto ik = fresh();
  const auto rk = fresh();
  auto r = run_one(ctx, silent_server(std::move(b), random_config(handshake_pattern::xk, handshake_role::responder, rk, ik)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::timed_out);
}

asio::awaitable<result<bytes>> raw_handshake_garbage(tcp::socket sock, bytes raw) {
  auto b = asio::buffer(raw);
  co_await asio::async_write(sock, b, detail::use_tuple);
  sock.shutdown(tcp::socket::shutdown_send);
  byte_array<1> sink{};
  auto s = asio::buffer(sink);
  co_await asio::async_read(sock, s, detail::use_tuple);
  co_return bytes{};
}

TEST(hostile_peer, handshake_message_with_wrong_length_prefix) {
  for (bytes raw : {bytes{0x00, 0x30}, bytes{0xff, 0xff}, bytes{0x00, 0x31, 1, 2}}) {
    asio::io_context ctx;
    auto [a, b] = connected_pair(ctx);
    const auto ik = fresh();
    const auto rk = fresh();
    auto afut = asio::co_spawn(ctx, raw_handshake_garbage(std::move(a), raw), asio::use_future);
    auto r = run_one(ctx, silent_server(std::move(b), random_config(handshake_pattern::xk, handshake_role::responder, rk, ik)));
    afut.get();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error() == errc::bad_message_length || r.error() == errc::frame_too_long ||
                r.error() == errc::truncated_frame)
        << r.error().message();
  }
}

}  // namespace
}  // namespace skywire::noise
