#pragma once
// SHA-256, HMAC-SHA256 and the Noise HKDF (libsodium), spec/dmsg.md §3.1.
#include "skywire/base/bytes.hpp"

namespace skywire::crypto {

using sha256_digest = byte_array<32>;

sha256_digest sha256(byte_view data);
// SHA-256 over the concatenation of two inputs (Noise MixHash without a copy).
sha256_digest sha256(byte_view a, byte_view b);

sha256_digest hmac_sha256(byte_view key, byte_view data);

// Noise HKDF with two outputs: t = HMAC(ck, ikm); o1 = HMAC(t, 0x01); o2 = HMAC(t, o1 ‖ 0x02).
struct hkdf_output {
  sha256_digest first;
  sha256_digest second;
};
hkdf_output hkdf2(byte_view chaining_key, byte_view input_key_material);

// Constant-time equality.
bool equal_ct(byte_view a, byte_view b) noexcept;

// Overwrite memory with zeros in a way the compiler will not elide (sodium_memzero).
void wipe(mutable_byte_view b) noexcept;

}  // namespace skywire::crypto
