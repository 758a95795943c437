#include "skywire/crypto/keys.hpp"

#include <secp256k1.h>
#include <sodium.h>

#include <algorithm>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/detail/context.hpp"
#include "skywire/crypto/ecdh.hpp"
#include "skywire/crypto/hash.hpp"

namespace skywire::crypto {
namespace {

bool valid_scalar(const std::uint8_t* b) noexcept {
  return secp256k1_ec_seckey_verify(detail::secp_context(), b) == 1;
}

// Decodes exactly N bytes from 2N hex digits (either case) straight into out, without an
// intermediate heap buffer (matters for secret keys). False on any other input.
template <std::size_t N>
bool hex_into(std::string_view text, byte_array<N>& out) noexcept {
  if (text.size() != 2 * N) return false;
  std::size_t len = 0;
  // ignore = nullptr and hex_end = nullptr: libsodium fails unless every digit was consumed.
  return sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len,
                        nullptr) == 0 &&
         len == N;
}

// Go's step(): hash first, then repeat until the result is a valid secret key. A SHA-256 output
// is invalid with probability ~2^-128, so this loop runs once in practice.
sha256_digest step(const sha256_digest& in) {
  sha256_digest x = sha256(in);
  while (!valid_scalar(x.data())) x = sha256(x);
  return x;
}

}  // namespace

// ---- public_key ----

result<public_key> public_key::from_bytes(byte_view b) {
  if (b.size() != size) return errc::bad_public_key;
  // With a 33-byte input libsecp256k1 accepts only 02/03 ‖ x with x < p on the curve.
  secp256k1_pubkey parsed;
  if (secp256k1_ec_pubkey_parse(detail::secp_context(), &parsed, b.data(), b.size()) != 1) {
    return errc::bad_public_key;
  }
  public_key pk;
  std::copy(b.begin(), b.end(), pk.b_.begin());
  return pk;
}

result<public_key> public_key::from_text(std::string_view hex) {
  // Go's PubKey.UnmarshalText: "" or only '0' characters -> the null key, unvalidated.
  if (std::all_of(hex.begin(), hex.end(), [](char c) { return c == '0'; })) return public_key{};
  byte_array<size> raw;
  if (!hex_into(hex, raw)) return errc::bad_public_key;
  return from_bytes(raw);
}

std::string public_key::to_hex() const { return base::to_hex(b_); }

bool public_key::is_null() const noexcept {
  return std::all_of(b_.begin(), b_.end(), [](std::uint8_t v) { return v == 0; });
}

// ---- secret_key ----

result<secret_key> secret_key::from_bytes(byte_view b) {
  if (b.size() != size || !valid_scalar(b.data())) return errc::bad_secret_key;
  secret_key sk;
  std::copy(b.begin(), b.end(), sk.b_.begin());
  return sk;
}

result<secret_key> secret_key::from_text(std::string_view hex) {
  secret_key sk;  // wipes its bytes on every exit path
  if (!hex_into(hex, sk.b_) || !valid_scalar(sk.b_.data())) return errc::bad_secret_key;
  return sk;
}

secret_key::~secret_key() { sodium_memzero(b_.data(), b_.size()); }

std::string secret_key::reveal_hex() const {
  std::string out(2 * size + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b_.data(), b_.size());
  out.pop_back();  // the terminating NUL sodium_bin2hex writes
  return out;
}

crypto::public_key secret_key::public_key() const {
  const secp256k1_context* ctx = detail::secp_context();
  secp256k1_pubkey point;
  // Cannot fail: the class invariant is 0 < sk < n.
  [[maybe_unused]] const int ok = secp256k1_ec_pubkey_create(ctx, &point, b_.data());
  byte_array<crypto::public_key::size> out;
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &len, &point, SECP256K1_EC_COMPRESSED);
  return crypto::public_key(out);
}

bool secret_key::operator==(const secret_key& o) const noexcept {
  return sodium_memcmp(b_.data(), o.b_.data(), size) == 0;
}

// ---- generation ----

key_pair generate_key_pair(base::random_source& rng) {
  byte_array<secret_key::size> buf;
  for (;;) {
    rng.fill(buf);
    auto sk = secret_key::from_bytes(buf);
    if (sk) {
      sodium_memzero(buf.data(), buf.size());
      return key_pair{sk->public_key(), *sk};
    }
  }
}

result<key_pair> deterministic_key_pair(byte_view seed) {
  if (seed.empty()) return errc::empty_seed;
  // spec/dmsg.md §2.2, step by step (the vectors' keys.* hold every intermediate).
  const sha256_digest hash = sha256(seed);
  auto sk1 = secret_key::from_bytes(step(hash)).value();
  auto sk2 = secret_key::from_bytes(step(sha256(hash))).value();
  auto raw = raw_ecdh_point(sk2.public_key(), sk1);
  if (!raw) return raw.error();
  const sha256_digest seed1 = sha256(hash, raw->view());
  auto sk = secret_key::from_bytes(step(sha256(seed, seed1))).value();
  return key_pair{sk.public_key(), sk};
}

bool key_pair_matches(const public_key& pk, const secret_key& sk) {
  return !pk.is_null() && sk.public_key() == pk;
}

}  // namespace skywire::crypto
