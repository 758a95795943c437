// Signatures: the Go vectors (signature.*), spec/skywire.md Appendix B.2, and every malformed
// or malleable form verify must refuse.
#include <gtest/gtest.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <stdexcept>
#include <string>

#include "skywire/base/hex.hpp"
#include "test_util.hpp"

namespace skywire::crypto {
namespace {

using testing::arr;
using testing::pk_of;
using testing::sig_of;
using testing::sk_of;

const auto& V() { return test::dmsg_vectors(); }

struct vec {
  public_key pk = pk_of(test::str(V(), "signature.signer_pk"));
  secret_key sk = sk_of(test::str(V(), "signature.signer_sk"));
  bytes message = test::hex(V(), "signature.message_hex");
  sha256_digest hash = testing::digest_of(test::str(V(), "signature.sha256_message"));
  signature rfc6979 = sig_of(test::str(V(), "signature.sig_rfc6979"));
};

TEST(signature, message_hash_matches) {
  vec v;
  EXPECT_EQ(sha256(v.message), v.hash);
  EXPECT_EQ(as_chars(v.message), test::str(V(), "signature.message_utf8"));
}

TEST(signature, rfc6979_signature_is_byte_exact) {
  vec v;
  EXPECT_EQ(sign_payload(v.message, v.sk), v.rfc6979);
  EXPECT_EQ(sign_hash(v.hash, v.sk), v.rfc6979);
  EXPECT_EQ(v.rfc6979.to_hex(), test::str(V(), "signature.sig_rfc6979"));
  EXPECT_TRUE(verify_payload(v.pk, v.message, v.rfc6979));
  EXPECT_TRUE(verify_hash(v.pk, v.hash, v.rfc6979));
  EXPECT_EQ(recover_public_key(v.hash, v.rfc6979).value(), v.pk);
}

TEST(signature, go_random_nonce_signature_verifies) {
  vec v;
  const auto go_sig = sig_of(test::str(V(), "signature.sig_go_random_nonce"));
  EXPECT_TRUE(verify_payload(v.pk, v.message, go_sig));
  EXPECT_EQ(recover_public_key(v.hash, go_sig).value(), v.pk);
}

TEST(signature, tampered_signature_fails) {
  vec v;
  const auto bad = sig_of(test::str(V(), "signature.sig_tampered_must_fail"));
  EXPECT_FALSE(verify_payload(v.pk, v.message, bad));
  EXPECT_FALSE(verify_hash(v.pk, v.hash, bad));
}

TEST(signature, wrong_key_wrong_payload_null_key) {
  vec v;
  EXPECT_EQ(verify_payload(pk_of(test::str(V(), "keys.client_B.pk")), v.message, v.rfc6979).error(),
            errc::signature_mismatch);
  bytes other = v.message;
  other.back() ^= 1;
  EXPECT_FALSE(verify_payload(v.pk, other, v.rfc6979));
  EXPECT_EQ(verify_payload(public_key::null(), v.message, v.rfc6979).error(),
            errc::null_public_key);
  EXPECT_FALSE(verify_payload(v.pk, v.message, signature{}));  // Go's zero Sig
  EXPECT_TRUE(signature{}.is_null());
}

// Appendix B.2: the Frame2 signature Go made with pk1 covers SHA-256 of the zero-Sig JSON
// *including* its trailing newline.
TEST(signature, appendix_b2_frame2) {
  const auto kp = deterministic_key_pair(as_bytes("a")).value();
  const std::string frame2 =
      R"({"SrcAddr":{"public_key":"032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b","port":49153},"DstAddr":{"public_key":"02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b","port":45},"Nonce":[0,17,34,51,68,85,102,119,136,153,170,187,204,221,238,255],"Sig":"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"})"
      "\n";
  const auto sig = sig_of(
      "d849397ef456a9ffff8e6a73a4b00cb51d41bb969ce1897f1cfc41791283f3e17fa0b0caa6cbaf53611c4be1529"
      "2cea9763ddb41780cfbf096dba74b4319994a00");
  EXPECT_TRUE(verify_payload(kp.pk, as_bytes(frame2), sig));
  const std::string without_newline = frame2.substr(0, frame2.size() - 1);
  EXPECT_FALSE(verify_payload(kp.pk, as_bytes(without_newline), sig));
}

TEST(signature, null_hash_is_never_signed) {
  vec v;
  EXPECT_THROW(sign_hash(sha256_digest{}, v.sk), std::invalid_argument);
}

TEST(signature, parse_lengths) {
  EXPECT_EQ(signature::from_bytes(bytes(64, 1)).error(), errc::bad_signature);
  EXPECT_EQ(signature::from_bytes(bytes(66, 1)).error(), errc::bad_signature);
  EXPECT_EQ(signature::from_text(std::string(128, '1')).error(), errc::bad_signature);
  EXPECT_EQ(signature::from_text(std::string(130, 'x')).error(), errc::bad_signature);
  vec v;
  EXPECT_EQ(signature::from_bytes(v.rfc6979.view()).value(), v.rfc6979);
}

signature with(const signature& s, std::size_t at, byte_view part) {
  auto b = s.bytes();
  std::copy(part.begin(), part.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
  return signature::from_bytes(b).value();
}

TEST(signature, recid_out_of_range) {
  vec v;
  for (std::uint8_t recid : {4, 5, 27, 28, 0xff}) {
    const std::uint8_t r[1] = {recid};
    const auto bad = with(v.rfc6979, 64, r);
    EXPECT_EQ(verify_hash(v.pk, v.hash, bad).error(), errc::bad_signature) << int{recid};
    EXPECT_EQ(recover_public_key(v.hash, bad).error(), errc::bad_signature);
  }
}

TEST(signature, zero_or_overflowing_r_and_s) {
  vec v;
  const byte_array<32> zero{};
  EXPECT_EQ(verify_hash(v.pk, v.hash, with(v.rfc6979, 0, zero)).error(), errc::bad_signature);
  EXPECT_EQ(verify_hash(v.pk, v.hash, with(v.rfc6979, 32, zero)).error(), errc::bad_signature);
  const auto n = arr<32>(testing::group_order_hex);
  EXPECT_EQ(verify_hash(v.pk, v.hash, with(v.rfc6979, 0, n)).error(), errc::bad_signature);
  byte_array<32> ones;
  ones.fill(0xff);
  EXPECT_EQ(verify_hash(v.pk, v.hash, with(v.rfc6979, 0, ones)).error(), errc::bad_signature);
}

// The malleable twin (r, n - s, recid ^ 1) is a valid ECDSA signature for the same key: plain
// libsecp256k1 recovery accepts it. We must not.
TEST(signature, high_s_twin_is_rejected) {
  vec v;
  const auto& b = v.rfc6979.bytes();
  byte_array<32> s;
  std::copy(b.begin() + 32, b.begin() + 64, s.begin());
  const auto high_s = testing::sub_be(arr<32>(testing::group_order_hex), s);
  auto twin_bytes = b;
  std::copy(high_s.begin(), high_s.end(), twin_bytes.begin() + 32);
  twin_bytes[64] ^= 1;
  const auto twin = signature::from_bytes(twin_bytes).value();

  // Proof that the twin is mathematically valid: raw libsecp256k1 recovers the signer from it.
  const secp256k1_context* ctx = secp256k1_context_static;
  secp256k1_ecdsa_recoverable_signature rs;
  ASSERT_EQ(secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, twin_bytes.data(),
                                                                twin_bytes[64]),
            1);
  secp256k1_pubkey point;
  ASSERT_EQ(secp256k1_ecdsa_recover(ctx, &point, &rs, v.hash.data()), 1);
  byte_array<33> ser;
  std::size_t len = ser.size();
  secp256k1_ec_pubkey_serialize(ctx, ser.data(), &len, &point, SECP256K1_EC_COMPRESSED);
  ASSERT_EQ(ser, v.pk.bytes());

  EXPECT_EQ(verify_hash(v.pk, v.hash, twin).error(), errc::high_s_signature);
  EXPECT_EQ(recover_public_key(v.hash, twin).error(), errc::high_s_signature);
}

// s in (n/2, 2^255): Go's top-bit test lets it pass, the explicit low-S check must not.
TEST(signature, high_s_below_top_bit_is_rejected) {
  vec v;
  // n/2 + 1 = 7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1
  const auto s = arr<32>("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a1");
  const auto sig = with(v.rfc6979, 32, s);
  EXPECT_EQ(sig.bytes()[32] & 0x80, 0);
  EXPECT_EQ(verify_hash(v.pk, v.hash, sig).error(), errc::high_s_signature);
  // n/2 itself is low.
  const auto half = arr<32>("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");
  EXPECT_NE(verify_hash(v.pk, v.hash, with(v.rfc6979, 32, half)).error(),
            errc::high_s_signature);
}

TEST(signature, round_trip_many_keys) {
  system_random rng;
  for (int i = 0; i < 16; ++i) {
    const auto kp = generate_key_pair(rng);
    const std::string msg = "message " + std::to_string(i);
    const auto sig = sign_payload(as_bytes(msg), kp.sk);
    EXPECT_EQ(sig.bytes()[32] & 0x80, 0);
    EXPECT_LT(sig.bytes()[64], 4);
    EXPECT_TRUE(verify_payload(kp.pk, as_bytes(msg), sig));
    EXPECT_EQ(signature::from_text(sig.to_hex()).value(), sig);
  }
}

}  // namespace
}  // namespace skywire::crypto
