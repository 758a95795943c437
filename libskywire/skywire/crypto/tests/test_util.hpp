#pragma once
// Small helpers shared by the crypto tests.
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/crypto/crypto.hpp"
#include "vectors.hpp"

namespace skywire::crypto::testing {

inline public_key pk_of(std::string_view hex) { return public_key::from_text(hex).value(); }
inline secret_key sk_of(std::string_view hex) { return secret_key::from_text(hex).value(); }
inline signature sig_of(std::string_view hex) { return signature::from_text(hex).value(); }

template <std::size_t N>
byte_array<N> arr(std::string_view hex) {
  auto b = test::unhex(hex);
  byte_array<N> out{};
  if (b.size() == N) std::copy(b.begin(), b.end(), out.begin());
  return out;
}

inline sha256_digest digest_of(std::string_view hex) { return arr<32>(hex); }

// The secp256k1 group order n, big-endian.
inline constexpr std::string_view group_order_hex =
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// a - b for 32-byte big-endian integers with a >= b.
inline byte_array<32> sub_be(const byte_array<32>& a, const byte_array<32>& b) {
  byte_array<32> out{};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = int{a[static_cast<std::size_t>(i)]} - int{b[static_cast<std::size_t>(i)]} - borrow;
    borrow = d < 0 ? 1 : 0;
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

}  // namespace skywire::crypto::testing
