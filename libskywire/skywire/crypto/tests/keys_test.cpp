// Key parsing, printing and generation, replayed against the Go vectors (keys.*,
// seckey_to_pubkey) and spec/skywire.md Appendix B, plus hostile inputs.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>

#include "skywire/base/hex.hpp"
#include "test_util.hpp"

namespace skywire::crypto {
namespace {

using testing::arr;
using testing::pk_of;
using testing::sk_of;

const auto& V() { return test::dmsg_vectors(); }

// ---- secret keys cannot reach a stream or a formatter ----

template <class T>
concept streamable = requires(std::ostream& os, const T& v) { os << v; };

static_assert(!streamable<secret_key>, "secret_key must not be printable with operator<<");
static_assert(!fmt::is_formattable<secret_key>::value, "secret_key must not be fmt-formattable");
static_assert(!std::is_default_constructible_v<secret_key>,
              "a secret_key always holds a valid scalar");
// The detection idiom works: a type that is streamable is detected as such.
static_assert(streamable<std::string>);

// ---- deterministic key pairs (spec/dmsg.md §2.2) with every intermediate ----

class deterministic_keys : public ::testing::TestWithParam<const char*> {};

TEST_P(deterministic_keys, every_intermediate_matches_go) {
  const std::string base = std::string("keys.") + GetParam();
  auto field = [&](const char* f) { return test::hex(V(), base + "." + f); };
  const std::string seed = test::str(V(), base + ".seed_utf8");
  EXPECT_EQ(field("seed_hex"), bytes(seed.begin(), seed.end()));

  // Re-derive step by step with the public primitives; each step needs one hash round here.
  const auto hash = sha256(as_bytes(seed));
  EXPECT_EQ(bytes(hash.begin(), hash.end()), field("hash_sha256_seed"));
  const auto sk1_raw = sha256(hash);
  EXPECT_EQ(bytes(sk1_raw.begin(), sk1_raw.end()), field("sk1_sha256_hash"));
  const auto pk2_seed = sha256(hash);
  EXPECT_EQ(bytes(pk2_seed.begin(), pk2_seed.end()), field("pk2_seed_sha256_hash"));
  const auto sk1 = secret_key::from_bytes(sk1_raw).value();
  const auto sk2 = secret_key::from_bytes(sha256(pk2_seed)).value();
  const auto pk2 = sk2.public_key();
  EXPECT_EQ(pk2.to_hex(), test::str(V(), base + ".pk2"));
  const auto raw = raw_ecdh_point(pk2, sk1).value();
  EXPECT_EQ(raw.to_hex(), test::str(V(), base + ".raw_ecdh_pk2_sk1"));
  const auto seed1 = sha256(hash, raw.view());
  EXPECT_EQ(bytes(seed1.begin(), seed1.end()), field("seed1_sha256_hash_ecdh"));
  const auto seed2 = sha256(as_bytes(seed), seed1);
  EXPECT_EQ(bytes(seed2.begin(), seed2.end()), field("seed2_sha256_seed_seed1"));
  const auto sk_raw = sha256(seed2);
  EXPECT_EQ(bytes(sk_raw.begin(), sk_raw.end()), field("sk_sha256_seed2"));
  EXPECT_EQ(test::at(V(), base + ".sk_hash_rounds").as_int64(), 1);

  // And the library function gives the final pair.
  const auto kp = deterministic_key_pair(as_bytes(seed)).value();
  EXPECT_EQ(kp.sk.reveal_hex(), test::str(V(), base + ".sk"));
  EXPECT_EQ(kp.pk.to_hex(), test::str(V(), base + ".pk"));
  EXPECT_TRUE(key_pair_matches(kp.pk, kp.sk));
}

INSTANTIATE_TEST_SUITE_P(vectors, deterministic_keys,
                         ::testing::Values("client_A", "client_B", "server_S"));

TEST(keys, ephemerals_from_seeds) {
  for (const char* name : {"A_session", "A_stream", "B_session", "B_stream", "S_session"}) {
    SCOPED_TRACE(name);
    const std::string base = std::string("keys.ephemerals.") + name;
    const auto sk = sk_of(test::str(V(), base + ".sk"));
    EXPECT_EQ(sk.public_key().to_hex(), test::str(V(), base + ".pk"));
    const auto kp = deterministic_key_pair(as_bytes(test::str(V(), base + ".seed"))).value();
    EXPECT_EQ(kp.sk.reveal_hex(), test::str(V(), base + ".sk"));
    EXPECT_EQ(kp.pk.to_hex(), test::str(V(), base + ".pk"));
  }
}

TEST(keys, seckey_to_pubkey) {
  const auto sk = sk_of(test::str(V(), "seckey_to_pubkey.sk"));
  EXPECT_EQ(sk.reveal(), sha256(as_bytes("dmsg")));
  EXPECT_EQ(sk.public_key().to_hex(), test::str(V(), "seckey_to_pubkey.pk"));
}

TEST(keys, appendix_b_deterministic_pairs) {
  const auto a = deterministic_key_pair(as_bytes("a")).value();
  EXPECT_EQ(a.pk.to_hex(), "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b");
  EXPECT_EQ(a.sk.reveal_hex(), "b4f56cab07ea360c16c22ac241738e923b232138b69089fe0134f81a432ffaff");
  EXPECT_EQ(deterministic_key_pair(as_bytes("b")).value().pk.to_hex(),
            "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b");
  EXPECT_EQ(deterministic_key_pair(as_bytes("c")).value().pk.to_hex(),
            "035a630a621aa3483f87cb288438982d7ba8524302ed6f293f667e6d8c9fa369a7");
}

TEST(keys, empty_seed_is_refused) {
  EXPECT_EQ(deterministic_key_pair({}).error(), errc::empty_seed);
}

// ---- public key parsing ----

TEST(public_key, text_round_trip_and_case) {
  const std::string hex = test::str(V(), "keys.client_A.pk");
  const auto pk = pk_of(hex);
  EXPECT_EQ(pk.to_hex(), hex);
  EXPECT_FALSE(pk.is_null());
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(pk_of(upper), pk);  // Go's decoder accepts upper case; output is lowercase
  EXPECT_EQ(public_key::from_bytes(pk.view()).value(), pk);
}

TEST(public_key, go_null_quirk) {
  EXPECT_TRUE(public_key::from_text("").value().is_null());
  EXPECT_TRUE(public_key::from_text("0").value().is_null());
  EXPECT_TRUE(public_key::from_text(std::string(66, '0')).value().is_null());
  EXPECT_TRUE(public_key::from_text(std::string(7, '0')).value().is_null());
  EXPECT_EQ(public_key::null().to_hex(), std::string(66, '0'));
  EXPECT_TRUE(public_key{}.is_null());
  // Binary decoding never yields null.
  EXPECT_EQ(public_key::from_bytes(byte_array<33>{}).error(), errc::bad_public_key);
}

TEST(public_key, hostile_inputs) {
  const auto good = test::hex(V(), "keys.client_A.pk");
  // Wrong lengths: 32 bytes, 34 bytes, and the 65-byte uncompressed form of a real key.
  EXPECT_EQ(public_key::from_bytes(byte_view(good).first(32)).error(), errc::bad_public_key);
  bytes longer = good;
  longer.push_back(0);
  EXPECT_EQ(public_key::from_bytes(longer).error(), errc::bad_public_key);
  const auto uncompressed = test::unhex(
      "04" "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
      "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");  // G
  EXPECT_EQ(public_key::from_bytes(uncompressed).error(), errc::bad_public_key);
  // G compressed parses (sanity for the prefix/x above).
  EXPECT_TRUE(public_key::from_bytes(test::unhex(
      "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")));
  // Bad prefixes.
  for (std::uint8_t prefix : {0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0xff}) {
    bytes b = good;
    b[0] = prefix;
    EXPECT_EQ(public_key::from_bytes(b).error(), errc::bad_public_key) << int{prefix};
  }
  // x = 5: 5^3 + 7 is not a square mod p, so no point has this x.
  bytes off_curve(33, 0);
  off_curve[0] = 0x02;
  off_curve[32] = 5;
  EXPECT_EQ(public_key::from_bytes(off_curve).error(), errc::bad_public_key);
  off_curve[0] = 0x03;
  EXPECT_EQ(public_key::from_bytes(off_curve).error(), errc::bad_public_key);
  // Find more off-curve x by trying: about half of all x have no point.
  int rejected = 0;
  for (std::uint8_t x = 1; x < 40; ++x) {
    bytes b(33, 0);
    b[0] = 0x02;
    b[32] = x;
    if (!public_key::from_bytes(b)) ++rejected;
  }
  EXPECT_GT(rejected, 5);
  // x >= p.
  bytes big(33, 0xff);
  big[0] = 0x02;
  EXPECT_EQ(public_key::from_bytes(big).error(), errc::bad_public_key);
  // Text: bad hex, wrong length, mixed zeros.
  EXPECT_FALSE(public_key::from_text(std::string(66, 'g')));
  EXPECT_FALSE(public_key::from_text(test::str(V(), "keys.client_A.pk").substr(2)));
  EXPECT_FALSE(public_key::from_text(test::str(V(), "keys.client_A.pk") + "00"));
  EXPECT_FALSE(public_key::from_text(std::string(65, '0') + "1"));
  EXPECT_FALSE(public_key::from_text(" " + test::str(V(), "keys.client_A.pk")));
}

// ---- secret key parsing ----

TEST(secret_key, hostile_scalars) {
  EXPECT_EQ(secret_key::from_bytes(byte_array<32>{}).error(), errc::bad_secret_key);  // zero
  const auto n = arr<32>(testing::group_order_hex);
  EXPECT_EQ(secret_key::from_bytes(n).error(), errc::bad_secret_key);  // n
  byte_array<32> ones;
  ones.fill(0xff);
  EXPECT_EQ(secret_key::from_bytes(ones).error(), errc::bad_secret_key);  // > n
  auto n_plus_1 = n;
  n_plus_1[31] = 0x42;
  EXPECT_EQ(secret_key::from_bytes(n_plus_1).error(), errc::bad_secret_key);
  byte_array<32> one{};
  one[31] = 1;
  EXPECT_EQ(sk_of(std::string(63, '0') + "1").reveal(), one);  // 1 is the smallest valid key
  auto n_minus_1 = n;
  n_minus_1[31] = 0x40;
  EXPECT_TRUE(secret_key::from_bytes(n_minus_1));  // n-1 is the largest
  EXPECT_EQ(secret_key::from_bytes(byte_view(n_minus_1).first(31)).error(), errc::bad_secret_key);
  EXPECT_FALSE(secret_key::from_text(std::string(testing::group_order_hex)));
  EXPECT_FALSE(secret_key::from_text(std::string(64, '0')));
  EXPECT_FALSE(secret_key::from_text(std::string(64, 'z')));
  EXPECT_FALSE(secret_key::from_text(std::string(62, '1')));
  EXPECT_FALSE(secret_key::from_text(std::string(66, '1')));
  EXPECT_FALSE(secret_key::from_text(""));
}

TEST(secret_key, text_round_trip_and_equality) {
  const std::string hex = test::str(V(), "keys.client_A.sk");
  const auto sk = sk_of(hex);
  EXPECT_EQ(sk.reveal_hex(), hex);
  EXPECT_EQ(sk, sk_of(hex));
  EXPECT_FALSE(sk == sk_of(test::str(V(), "keys.client_B.sk")));
  const auto copy = sk;
  EXPECT_EQ(copy, sk);
  EXPECT_TRUE(key_pair_matches(pk_of(test::str(V(), "keys.client_A.pk")), sk));
  EXPECT_FALSE(key_pair_matches(pk_of(test::str(V(), "keys.client_B.pk")), sk));
  EXPECT_FALSE(key_pair_matches(public_key::null(), sk));
}

// A deterministic random_source that first yields invalid scalars, then a valid one.
class scripted_random final : public base::random_source {
 public:
  void fill(mutable_byte_view out) override {
    ++calls;
    if (calls == 1) std::fill(out.begin(), out.end(), 0x00);        // zero
    else if (calls == 2) std::fill(out.begin(), out.end(), 0xff);   // >= n
    else for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i + 1);
  }
  int calls = 0;
};

TEST(keys, generate_retries_until_valid) {
  scripted_random rng;
  const auto kp = generate_key_pair(rng);
  EXPECT_EQ(rng.calls, 3);
  EXPECT_EQ(kp.sk.reveal_hex(), "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
  EXPECT_TRUE(key_pair_matches(kp.pk, kp.sk));
}

TEST(keys, generate_with_system_random) {
  system_random rng;
  const auto a = generate_key_pair(rng);
  const auto b = generate_key_pair(rng);
  EXPECT_TRUE(key_pair_matches(a.pk, a.sk));
  EXPECT_NE(a.pk, b.pk);
}

}  // namespace
}  // namespace skywire::crypto
