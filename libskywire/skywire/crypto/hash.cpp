#include "skywire/crypto/hash.hpp"

#include <sodium.h>

#include <algorithm>

namespace skywire::crypto {

sha256_digest sha256(byte_view data) {
  sha256_digest out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

sha256_digest sha256(byte_view a, byte_view b) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, a.data(), a.size());
  crypto_hash_sha256_update(&st, b.data(), b.size());
  sha256_digest out;
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

sha256_digest hmac_sha256(byte_view key, byte_view data) {
  // The init/update/final form takes keys of any length (Noise chaining keys are 32 bytes, but
  // HMAC as specified hashes longer keys first; libsodium does exactly that).
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, data.data(), data.size());
  sha256_digest out;
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);  // the state holds key-derived pads
  return out;
}

hkdf_output hkdf2(byte_view chaining_key, byte_view input_key_material) {
  sha256_digest temp = hmac_sha256(chaining_key, input_key_material);
  // Both outputs are HMACs keyed with temp: key one state (two SHA-256 blocks) and copy it.
  crypto_auth_hmacsha256_state keyed;
  crypto_auth_hmacsha256_init(&keyed, temp.data(), temp.size());
  sodium_memzero(temp.data(), temp.size());
  hkdf_output out;
  crypto_auth_hmacsha256_state st = keyed;
  const std::uint8_t one = 0x01;
  crypto_auth_hmacsha256_update(&st, &one, 1);
  crypto_auth_hmacsha256_final(&st, out.first.data());
  st = keyed;
  const std::uint8_t two = 0x02;
  crypto_auth_hmacsha256_update(&st, out.first.data(), out.first.size());
  crypto_auth_hmacsha256_update(&st, &two, 1);
  crypto_auth_hmacsha256_final(&st, out.second.data());
  sodium_memzero(&st, sizeof st);  // the states hold key-derived pads
  sodium_memzero(&keyed, sizeof keyed);
  return out;
}

bool equal_ct(byte_view a, byte_view b) noexcept {
  // The lengths are public; only the contents are compared in constant time.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(mutable_byte_view b) noexcept {
  if (!b.empty()) sodium_memzero(b.data(), b.size());
}

}  // namespace skywire::crypto
