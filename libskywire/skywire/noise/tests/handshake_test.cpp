// Noise XK/KK handshakes against the Go golden vectors (spec/dmsg.md §3), byte for byte, and
// the ways a hostile or confused peer can break them.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "skywire/crypto/random.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "test_keys.hpp"
#include "vectors.hpp"

namespace skywire::noise {
namespace {

using test_support::key_pair_from;
using test_support::vector_config;

bytes vhex(const std::string& path) { return test::hex(test::dmsg_vectors(), path); }
std::string vstr(const std::string& path) { return test::str(test::dmsg_vectors(), path); }
bytes to_bytes(byte_view v) { return bytes(v.begin(), v.end()); }

handshake_state make(const handshake_config& c) { return handshake_state::create(c).value(); }

// Runs both sides in process; returns (initiator, responder) after a complete handshake.
std::pair<handshake_state, handshake_state> run_pair(const handshake_config& ic, const handshake_config& rc) {
  auto i = make(ic);
  auto r = make(rc);
  while (!i.is_complete() || !r.is_complete()) {
    handshake_state& w = i.is_my_turn() ? i : r;
    handshake_state& rd = i.is_my_turn() ? r : i;
    auto msg = w.write_message();
    EXPECT_TRUE(msg) << msg.error().message();
    auto ok = rd.read_message(*msg);
    EXPECT_TRUE(ok) << ok.error().message();
    if (!ok) break;
  }
  return {std::move(i), std::move(r)};
}

// ---- Golden vectors, one role at a time against the other role's recorded messages ----

class vector_role : public ::testing::TestWithParam<std::tuple<std::string, handshake_role>> {};

TEST_P(vector_role, reproduces_handshake_split_and_frames) {
  const auto& [root, role] = GetParam();
  const bool init = role == handshake_role::initiator;
  const std::string me = init ? "initiator" : "responder";
  auto hs = make(vector_config(root, role));
  if (root == "noise_session_xk" && !init) {
    EXPECT_TRUE(hs.remote_static().is_null());  // the XK responder learns it from message 3
  }

  const auto& messages = test::at(test::dmsg_vectors(), root + ".messages").as_array();
  for (std::size_t m = 0; m < messages.size(); ++m) {
    const std::string p = root + ".messages." + std::to_string(m);
    ASSERT_FALSE(hs.is_complete());
    const bytes expected = vhex(p + ".message");
    ASSERT_EQ(hs.next_message_length(), expected.size());
    ASSERT_EQ(hs.is_my_turn(), vstr(p + ".from") == me);
    if (hs.is_my_turn()) {
      auto msg = hs.write_message();
      ASSERT_TRUE(msg) << msg.error().message();
      EXPECT_EQ(*msg, expected) << "message " << m + 1;
      // The wire frame is u16 BE length ‖ message.
      bytes frame{static_cast<std::uint8_t>(msg->size() >> 8), static_cast<std::uint8_t>(msg->size())};
      frame.insert(frame.end(), msg->begin(), msg->end());
      EXPECT_EQ(frame, vhex(p + ".wire_frame"));
    } else {
      auto r = hs.read_message(expected);
      ASSERT_TRUE(r) << r.error().message();
    }
    EXPECT_EQ(to_bytes(hs.handshake_hash()), vhex(p + ".h_after")) << "message " << m + 1;
    EXPECT_EQ(to_bytes(hs.chaining_key()), vhex(p + ".ck_after")) << "message " << m + 1;
  }
  ASSERT_TRUE(hs.is_complete());
  EXPECT_EQ(to_bytes(hs.handshake_hash()), vhex(root + ".final_h"));
  EXPECT_EQ(hs.remote_static(), key_pair_from(root + (init ? ".responder_static" : ".initiator_static")).pk);

  auto keys = hs.split();
  ASSERT_TRUE(keys);
  const std::string other = init ? "responder" : "initiator";
  EXPECT_EQ(to_bytes(keys->send), vhex(root + "." + me + "_send_key"));
  EXPECT_EQ(to_bytes(keys->recv), vhex(root + "." + other + "_send_key"));

  // All four transport frames: ours must be sealed byte for byte, theirs must open.
  frame_sealer sealer(keys->send);
  frame_opener opener(keys->recv);
  const auto& frames = test::at(test::dmsg_vectors(), root + ".transport_frames").as_array();
  ASSERT_EQ(frames.size(), 4u);
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const std::string p = root + ".transport_frames." + std::to_string(f);
    const bytes wire = vhex(p + ".wire_frame");
    const bytes plain = vhex(p + ".plaintext");
    if (vstr(p + ".from") == me) {
      auto sealed = sealer.seal(plain);
      ASSERT_TRUE(sealed);
      EXPECT_EQ(*sealed, wire) << "frame " << f;
      EXPECT_EQ(sealer.last_nonce(), static_cast<std::uint64_t>(test::at(test::dmsg_vectors(), p + ".nonce").as_int64()));
      EXPECT_EQ(bytes(sealed->begin() + 2, sealed->end()), vhex(p + ".nonce_and_ciphertext"));
    } else {
      auto opened = opener.open(byte_view(wire).subspan(2));
      ASSERT_TRUE(opened) << opened.error().message();
      EXPECT_EQ(*opened, plain) << "frame " << f;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    vectors, vector_role,
    ::testing::Combine(::testing::Values(std::string("noise_session_xk"), std::string("noise_stream_kk")),
                       ::testing::Values(handshake_role::initiator, handshake_role::responder)),
    [](const auto& param_info) {
      return std::get<0>(param_info.param) +
             (std::get<1>(param_info.param) == handshake_role::initiator ? "_initiator" : "_responder");
    });

TEST(handshake, split_matches_vector_k1_k2_quirk) {
  // XK: the initiator writes last and so sends with k2; KK: the responder writes last.
  for (const std::string root : {"noise_session_xk", "noise_stream_kk"}) {
    auto [i, r] = run_pair(vector_config(root, handshake_role::initiator),
                           vector_config(root, handshake_role::responder));
    auto ik = i.split().value();
    auto rk = r.split().value();
    EXPECT_EQ(ik.send, rk.recv);
    EXPECT_EQ(ik.recv, rk.send);
    const bool xk = root == "noise_session_xk";
    EXPECT_EQ(to_bytes(ik.send), vhex(root + (xk ? ".split_k2" : ".split_k1")));
    EXPECT_EQ(to_bytes(rk.send), vhex(root + (xk ? ".split_k1" : ".split_k2")));
  }
}

TEST(handshake, random_ephemerals_interoperate_in_process) {
  crypto::system_random rng;
  for (auto pattern : {handshake_pattern::xk, handshake_pattern::kk}) {
    auto is = crypto::generate_key_pair(rng);
    auto rs = crypto::generate_key_pair(rng);
    handshake_config ic{pattern, handshake_role::initiator, is, rs.pk, crypto::generate_key_pair(rng)};
    handshake_config rc{pattern, handshake_role::responder, rs, is.pk, crypto::generate_key_pair(rng)};
    if (pattern == handshake_pattern::xk) rc.remote_static.reset();
    auto [i, r] = run_pair(ic, rc);
    ASSERT_TRUE(i.is_complete());
    ASSERT_TRUE(r.is_complete());
    EXPECT_EQ(r.remote_static(), is.pk);
    EXPECT_EQ(i.handshake_hash(), r.handshake_hash());
    auto ik = i.split().value();
    auto rk = r.split().value();
    frame_sealer s(ik.send);
    frame_opener o(rk.recv);
    auto f = s.seal(as_bytes("hello")).value();
    EXPECT_EQ(o.open(byte_view(f).subspan(2)).value(), to_bytes(as_bytes("hello")));
  }
}

// ---- Configuration and state errors ----

TEST(handshake, missing_remote_static_is_refused) {
  for (const std::string root : {"noise_session_xk", "noise_stream_kk"}) {
    auto c = vector_config(root, handshake_role::initiator);
    c.remote_static.reset();
    EXPECT_EQ(handshake_state::create(c).error(), errc::missing_remote_static);
    c.remote_static = crypto::public_key::null();
    EXPECT_EQ(handshake_state::create(c).error(), errc::missing_remote_static);
  }
  auto c = vector_config("noise_stream_kk", handshake_role::responder);
  c.remote_static.reset();
  EXPECT_EQ(handshake_state::create(c).error(), errc::missing_remote_static);
  auto x = vector_config("noise_session_xk", handshake_role::responder);
  x.remote_static.reset();
  EXPECT_TRUE(handshake_state::create(x));
}

TEST(handshake, out_of_turn_calls_are_wrong_state) {
  auto i = make(vector_config("noise_session_xk", handshake_role::initiator));
  auto r = make(vector_config("noise_session_xk", handshake_role::responder));
  EXPECT_EQ(i.split().error(), errc::wrong_state);  // split() is const: no poisoning
  EXPECT_FALSE(i.failed());
  EXPECT_EQ(r.write_message().error(), errc::wrong_state);
  EXPECT_EQ(i.read_message(vhex("noise_session_xk.messages.1.message")).error(), errc::wrong_state);
  // A wrong_state from read_message poisons the state, like any other error.
  EXPECT_TRUE(i.failed());
  EXPECT_EQ(i.write_message().error(), errc::handshake_failed);

  auto [ci, cr] = run_pair(vector_config("noise_stream_kk", handshake_role::initiator),
                           vector_config("noise_stream_kk", handshake_role::responder));
  EXPECT_EQ(ci.write_message().error(), errc::wrong_state);
  EXPECT_EQ(cr.read_message(vhex("noise_stream_kk.messages.1.message")).error(), errc::wrong_state);
  EXPECT_EQ(ci.next_message_length(), 0u);
}

// ---- Hostile messages ----

TEST(handshake, wrong_static_key_fails_decryption) {
  crypto::system_random rng;
  const auto stranger = crypto::generate_key_pair(rng);
  {
    // XK client that believes the server has another key: the server cannot open message 1.
    auto ic = vector_config("noise_session_xk", handshake_role::initiator);
    ic.remote_static = stranger.pk;
    auto i = make(ic);
    auto r = make(vector_config("noise_session_xk", handshake_role::responder));
    EXPECT_EQ(r.read_message(i.write_message().value()).error(), errc::decrypt_failed);
    EXPECT_EQ(r.read_message(vhex("noise_session_xk.messages.0.message")).error(), errc::handshake_failed);
  }
  {
    // XK server with another static key than the client expects.
    auto rc = vector_config("noise_session_xk", handshake_role::responder);
    rc.local_static = stranger;
    auto r = make(rc);
    EXPECT_EQ(r.read_message(vhex("noise_session_xk.messages.0.message")).error(), errc::decrypt_failed);
  }
  {
    // KK responder expecting someone else (ss and es differ).
    auto rc = vector_config("noise_stream_kk", handshake_role::responder);
    rc.remote_static = stranger.pk;
    auto r = make(rc);
    EXPECT_EQ(r.read_message(vhex("noise_stream_kk.messages.0.message")).error(), errc::decrypt_failed);
  }
  {
    // KK initiator whose peer has another key: message 2 does not authenticate.
    auto ic = vector_config("noise_stream_kk", handshake_role::initiator);
    ic.remote_static = stranger.pk;
    auto i = make(ic);
    ASSERT_TRUE(i.write_message());
    EXPECT_EQ(i.read_message(vhex("noise_stream_kk.messages.1.message")).error(), errc::decrypt_failed);
  }
}

// Feeds the vector messages to the role that reads message `target`, after corrupting it with
// `mutate`. Returns the error of that read (or success).
template <class Mutate>
result<void> read_corrupted(const std::string& root, std::size_t target, Mutate mutate) {
  const bool init_reads = target % 2 == 1;
  auto hs = make(vector_config(root, init_reads ? handshake_role::initiator : handshake_role::responder));
  for (std::size_t m = 0; m < target; ++m) {
    const bytes msg = vhex(root + ".messages." + std::to_string(m) + ".message");
    if (hs.is_my_turn()) {
      EXPECT_EQ(hs.write_message().value(), msg);
    } else {
      EXPECT_TRUE(hs.read_message(msg));
    }
  }
  bytes msg = vhex(root + ".messages." + std::to_string(target) + ".message");
  mutate(msg);
  return hs.read_message(msg);
}

TEST(handshake, every_flipped_bit_in_every_message_is_rejected) {
  for (const std::string root : {"noise_session_xk", "noise_stream_kk"}) {
    const std::size_t count = test::at(test::dmsg_vectors(), root + ".messages").as_array().size();
    for (std::size_t m = 0; m < count; ++m) {
      const std::size_t len = vhex(root + ".messages." + std::to_string(m) + ".message").size();
      for (std::size_t bit = 0; bit < len * 8; ++bit) {
        auto flip = [bit](bytes& msg) { msg[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8)); };
        auto r = read_corrupted(root, m, flip);
        ASSERT_FALSE(r) << root << " message " << m + 1 << " bit " << bit;
        EXPECT_TRUE(r.error() == errc::decrypt_failed || r.error() == errc::bad_public_key)
            << r.error().message();
      }
    }
  }
}

TEST(handshake, truncated_and_oversized_messages_are_rejected) {
  for (const std::string root : {"noise_session_xk", "noise_stream_kk"}) {
    const std::size_t count = test::at(test::dmsg_vectors(), root + ".messages").as_array().size();
    for (std::size_t m = 0; m < count; ++m) {
      auto shorter = [](bytes& msg) { msg.pop_back(); };
      auto longer = [](bytes& msg) { msg.push_back(0); };
      auto empty = [](bytes& msg) { msg.clear(); };
      auto huge = [](bytes& msg) { msg.resize(70000, 0xAA); };
      EXPECT_EQ(read_corrupted(root, m, shorter).error(), errc::bad_message_length);
      EXPECT_EQ(read_corrupted(root, m, longer).error(), errc::bad_message_length);
      EXPECT_EQ(read_corrupted(root, m, empty).error(), errc::bad_message_length);
      EXPECT_EQ(read_corrupted(root, m, huge).error(), errc::bad_message_length);
    }
  }
}

TEST(handshake, ephemeral_that_is_not_a_point_is_bad_public_key) {
  auto not_a_point = [](bytes& msg) {
    msg[0] = 0x05;  // invalid SEC1 prefix
  };
  EXPECT_EQ(read_corrupted("noise_session_xk", 0, not_a_point).error(), errc::bad_public_key);
  EXPECT_EQ(read_corrupted("noise_stream_kk", 1, not_a_point).error(), errc::bad_public_key);
}

TEST(handshake, message_replayed_from_another_session_fails) {
  // The KK message 2 of the vector, fed to an initiator with a different ephemeral key.
  crypto::system_random rng;
  auto ic = vector_config("noise_stream_kk", handshake_role::initiator);
  ic.local_ephemeral = crypto::generate_key_pair(rng);
  auto i = make(ic);
  ASSERT_TRUE(i.write_message());
  EXPECT_EQ(i.read_message(vhex("noise_stream_kk.messages.1.message")).error(), errc::decrypt_failed);
}

}  // namespace
}  // namespace skywire::noise

namespace skywire::noise {
namespace {

TEST(handshake, xk_responder_learns_static_only_from_an_authentic_message_3) {
  auto r = make(vector_config("noise_session_xk", handshake_role::responder));
  ASSERT_TRUE(r.read_message(test::hex(test::dmsg_vectors(), "noise_session_xk.messages.0.message")));
  ASSERT_TRUE(r.write_message());
  bytes m3 = test::hex(test::dmsg_vectors(), "noise_session_xk.messages.2.message");
  m3.back() ^= 1;  // the payload tag: s itself decrypts fine, the message does not authenticate
  EXPECT_EQ(r.read_message(m3).error(), errc::decrypt_failed);
  EXPECT_TRUE(r.remote_static().is_null());
  EXPECT_FALSE(r.is_complete());
}

}  // namespace
}  // namespace skywire::noise
