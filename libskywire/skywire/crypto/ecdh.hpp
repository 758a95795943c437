#pragma once
// ECDH as Skywire's cipher.ECDH: SHA256(compressed(sk·pk)), 32 bytes (spec/dmsg.md §2.4); this
// is libsecp256k1's default secp256k1_ecdh hash. The Noise DH output is this followed by one
// zero byte (noise_dh, 33 bytes, spec/dmsg.md §3.1).
#include "skywire/base/result.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::crypto {

result<sha256_digest> ecdh(const public_key& pk, const secret_key& sk);

using noise_dh_output = byte_array<33>;
result<noise_dh_output> noise_dh(const secret_key& sk, const public_key& pk);

// compressed(sk·pk), unhashed: only Go's deterministic key generation uses it.
result<public_key> raw_ecdh_point(const public_key& pk, const secret_key& sk);

}  // namespace skywire::crypto
