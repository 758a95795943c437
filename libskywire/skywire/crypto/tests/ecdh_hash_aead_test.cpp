// ECDH (vectors ecdh.*, spec/skywire.md §0.1), HMAC/HKDF (RFC 4231, Noise split vector) and
// ChaCha20-Poly1305 with Noise nonces (transport frame vector, tampering).
#include <gtest/gtest.h>

#include <string>

#include "skywire/base/hex.hpp"
#include "test_util.hpp"

namespace skywire::crypto {
namespace {

using testing::arr;
using testing::pk_of;
using testing::sk_of;

const auto& V() { return test::dmsg_vectors(); }

std::string hex(byte_view b) { return base::to_hex(b); }

TEST(ecdh, vectors) {
  const auto sk_a = sk_of(test::str(V(), "ecdh.sk_A"));
  const auto pk_b = pk_of(test::str(V(), "ecdh.pk_B"));
  EXPECT_EQ(raw_ecdh_point(pk_b, sk_a).value().to_hex(),
            test::str(V(), "ecdh.shared_point_compressed"));
  EXPECT_EQ(hex(ecdh(pk_b, sk_a).value()), test::str(V(), "ecdh.cipher_ECDH_sha256_of_point"));
  EXPECT_EQ(hex(noise_dh(sk_a, pk_b).value()), test::str(V(), "ecdh.noise_DH_output_33"));
  // The hash covers the whole compressed point.
  EXPECT_EQ(ecdh(pk_b, sk_a).value(), sha256(raw_ecdh_point(pk_b, sk_a).value().view()));
}

TEST(ecdh, symmetric) {
  const auto sk_a = sk_of(test::str(V(), "keys.client_A.sk"));
  const auto sk_b = sk_of(test::str(V(), "keys.client_B.sk"));
  EXPECT_EQ(ecdh(sk_b.public_key(), sk_a).value(), ecdh(sk_a.public_key(), sk_b).value());
}

// spec/skywire.md §0.1 derived example with the Appendix B keys (seeds "a" and "b").
TEST(ecdh, skywire_derived_example) {
  const auto sk1 = deterministic_key_pair(as_bytes("a")).value().sk;
  const auto b = deterministic_key_pair(as_bytes("b")).value();
  const auto pk2 = pk_of("02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b");
  EXPECT_EQ(b.pk, pk2);
  EXPECT_EQ(raw_ecdh_point(pk2, sk1).value().to_hex(),
            "03e167878d14d7424eeb4cbdfa9987ec7d3f1a181211d80a4627bd971ff54fe807");
  EXPECT_EQ(hex(ecdh(pk2, sk1).value()),
            "3d9a11fa954f2952044cdeaf76726ea793e00ad2de8f5b79f58928350be43854");
}

TEST(ecdh, null_key_refused) {
  const auto sk = sk_of(test::str(V(), "keys.client_A.sk"));
  EXPECT_EQ(ecdh(public_key::null(), sk).error(), errc::null_public_key);
  EXPECT_EQ(noise_dh(sk, public_key::null()).error(), errc::null_public_key);
  EXPECT_EQ(raw_ecdh_point(public_key::null(), sk).error(), errc::null_public_key);
}

// A key decoded once gives the same DH output as decoding it on every call.
TEST(ecdh, decoded_key_matches_vectors) {
  const auto sk_a = sk_of(test::str(V(), "ecdh.sk_A"));
  const auto sk_b = sk_of(test::str(V(), "keys.client_B.sk"));
  const auto pk_b = pk_of(test::str(V(), "ecdh.pk_B"));
  const auto from_key = dh_public_key::from_key(pk_b).value();
  const auto from_bytes = dh_public_key::from_bytes(pk_b.view()).value();
  EXPECT_EQ(from_key.key(), pk_b);
  EXPECT_EQ(from_bytes.key(), pk_b);
  EXPECT_EQ(hex(noise_dh(sk_a, from_key).value()), test::str(V(), "ecdh.noise_DH_output_33"));
  EXPECT_EQ(hex(noise_dh(sk_a, from_bytes).value()), test::str(V(), "ecdh.noise_DH_output_33"));
  // Reused with another secret key, as a handshake does.
  EXPECT_EQ(noise_dh(sk_b, from_key).value(), noise_dh(sk_b, pk_b).value());
}

// from_bytes applies public_key::from_bytes's checks; from_key refuses only the null key.
TEST(ecdh, decoded_key_refuses_what_public_key_refuses) {
  EXPECT_EQ(dh_public_key::from_key(public_key::null()).error(), errc::null_public_key);
  const auto good = test::hex(V(), "ecdh.pk_B");
  EXPECT_EQ(dh_public_key::from_bytes(byte_view(good).first(32)).error(), errc::bad_public_key);
  EXPECT_EQ(dh_public_key::from_bytes(byte_array<33>{}).error(), errc::bad_public_key);
  bytes off_curve(33, 0);  // x = 5: 5^3 + 7 is not a square mod p
  off_curve[0] = 0x02;
  off_curve[32] = 5;
  EXPECT_EQ(dh_public_key::from_bytes(off_curve).error(), errc::bad_public_key);
  bytes bad_prefix = good;
  bad_prefix[0] = 0x04;
  EXPECT_EQ(dh_public_key::from_bytes(bad_prefix).error(), errc::bad_public_key);
}

// ---- hashes ----

TEST(hash, sha256_known_answers) {
  EXPECT_EQ(hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256(as_bytes("ab"), as_bytes("c")), sha256(as_bytes("abc")));
}

TEST(hash, hmac_rfc4231_case_1) {
  const bytes key(20, 0x0b);
  EXPECT_EQ(hex(hmac_sha256(key, as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(hash, hmac_rfc4231_case_6_long_key) {
  const bytes key(131, 0xaa);
  EXPECT_EQ(hex(hmac_sha256(key, as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(hash, hkdf_definition) {
  const bytes ck(32, 0x11);
  const bytes ikm = test::unhex("0102030405");
  const auto out = hkdf2(ck, ikm);
  const auto t = hmac_sha256(ck, ikm);
  const std::uint8_t one[1] = {1};
  EXPECT_EQ(out.first, hmac_sha256(t, one));
  bytes second_in(out.first.begin(), out.first.end());
  second_in.push_back(2);
  EXPECT_EQ(out.second, hmac_sha256(t, second_in));
}

// Split() = HKDF(ck, "") on the session vector's final chaining key.
TEST(hash, hkdf_noise_split_vector) {
  for (const char* hs : {"noise_session_xk", "noise_stream_kk"}) {
    SCOPED_TRACE(hs);
    const auto& msgs = test::at(V(), std::string(hs) + ".messages").as_array();
    const std::string last = std::string(hs) + ".messages." + std::to_string(msgs.size() - 1);
    const auto out = hkdf2(test::hex(V(), last + ".ck_after"), {});
    EXPECT_EQ(hex(out.first), test::str(V(), std::string(hs) + ".split_k1"));
    EXPECT_EQ(hex(out.second), test::str(V(), std::string(hs) + ".split_k2"));
  }
}

TEST(hash, equal_ct_and_wipe) {
  EXPECT_TRUE(equal_ct(as_bytes("abc"), as_bytes("abc")));
  EXPECT_FALSE(equal_ct(as_bytes("abc"), as_bytes("abd")));
  EXPECT_FALSE(equal_ct(as_bytes("abc"), as_bytes("ab")));
  EXPECT_TRUE(equal_ct({}, {}));
  bytes b = {1, 2, 3};
  wipe(b);
  EXPECT_EQ(b, (bytes{0, 0, 0}));
  wipe({});
}

// ---- AEAD ----

// Transport frame 0 of the XK session: initiator -> responder, explicit nonce, no AD.
TEST(aead, noise_transport_frame_vector) {
  const std::string f = "noise_session_xk.transport_frames.0";
  ASSERT_EQ(test::str(V(), f + ".from"), "initiator");
  const auto key = arr<32>(test::str(V(), "noise_session_xk.initiator_send_key"));
  const auto nonce = static_cast<std::uint64_t>(test::at(V(), f + ".nonce").as_int64());
  const auto plaintext = test::hex(V(), f + ".plaintext");
  const auto framed = test::hex(V(), f + ".nonce_and_ciphertext");
  const bytes ciphertext(framed.begin() + 8, framed.end());

  bytes sealed(plaintext.size() + aead_tag_size);
  aead_seal(key, nonce, {}, plaintext, sealed);
  EXPECT_EQ(sealed, ciphertext);

  bytes opened(ciphertext.size() - aead_tag_size);
  ASSERT_TRUE(aead_open(key, nonce, {}, ciphertext, opened));
  EXPECT_EQ(opened, plaintext);
}

struct aead_fixture : ::testing::Test {
  aead_key key = arr<32>("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  bytes ad = test::unhex("a0a1a2a3");
  bytes plaintext = bytes(as_bytes("the quick brown fox").begin(), as_bytes("the quick brown fox").end());
  bytes sealed() const {
    bytes out(plaintext.size() + aead_tag_size);
    aead_seal(key, 7, ad, plaintext, out);
    return out;
  }
  result<void> open(const aead_key& k, std::uint64_t n, byte_view a, byte_view c) const {
    if (c.size() < aead_tag_size) {
      bytes dummy;
      return aead_open(k, n, a, c, dummy);
    }
    bytes out(c.size() - aead_tag_size);
    return aead_open(k, n, a, c, out);
  }
};

TEST_F(aead_fixture, round_trip_and_in_place) {
  const auto c = sealed();
  bytes out(plaintext.size());
  ASSERT_TRUE(aead_open(key, 7, ad, c, out));
  EXPECT_EQ(out, plaintext);
  // In place, both ways.
  bytes buf = plaintext;
  buf.resize(plaintext.size() + aead_tag_size);
  aead_seal(key, 7, ad, byte_view(buf).first(plaintext.size()), buf);
  EXPECT_EQ(buf, c);
  ASSERT_TRUE(aead_open(key, 7, ad, buf, mutable_byte_view(buf).first(plaintext.size())));
  EXPECT_EQ(bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(plaintext.size())), plaintext);
  // Empty plaintext still carries a tag.
  bytes tag_only(aead_tag_size);
  aead_seal(key, 0, {}, {}, tag_only);
  EXPECT_TRUE(aead_open(key, 0, {}, tag_only, {}));
}

TEST_F(aead_fixture, tampering_is_rejected) {
  const auto c = sealed();
  auto bad_tag = c;
  bad_tag.back() ^= 0x01;
  EXPECT_EQ(open(key, 7, ad, bad_tag).error(), errc::aead_open_failed);
  auto bad_ct = c;
  bad_ct[0] ^= 0x80;
  EXPECT_EQ(open(key, 7, ad, bad_ct).error(), errc::aead_open_failed);
  auto bad_ad = ad;
  bad_ad[0] ^= 1;
  EXPECT_EQ(open(key, 7, bad_ad, c).error(), errc::aead_open_failed);
  EXPECT_EQ(open(key, 7, {}, c).error(), errc::aead_open_failed);
  EXPECT_EQ(open(key, 8, ad, c).error(), errc::aead_open_failed);
  EXPECT_EQ(open(key, 7 + (std::uint64_t{1} << 32), ad, c).error(), errc::aead_open_failed);
  auto bad_key = key;
  bad_key[31] ^= 1;
  EXPECT_EQ(open(bad_key, 7, ad, c).error(), errc::aead_open_failed);
  // Truncated: shorter than a tag, and with the last byte missing.
  EXPECT_EQ(open(key, 7, ad, byte_view(c).first(aead_tag_size - 1)).error(),
            errc::aead_open_failed);
  EXPECT_EQ(open(key, 7, ad, byte_view(c).first(c.size() - 1)).error(), errc::aead_open_failed);
  EXPECT_EQ(open(key, 7, ad, {}).error(), errc::aead_open_failed);
}

}  // namespace
}  // namespace skywire::crypto
