#pragma once
// ECDH as Skywire's cipher.ECDH: SHA256(compressed(sk·pk)), 32 bytes (spec/dmsg.md §2.4); this
// is libsecp256k1's default secp256k1_ecdh hash. The Noise DH output is this followed by one
// zero byte (noise_dh, 33 bytes, spec/dmsg.md §3.1).
#include "skywire/base/result.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::crypto {

using noise_dh_output = byte_array<33>;
class dh_public_key;

result<sha256_digest> ecdh(const public_key& pk, const secret_key& sk);

result<noise_dh_output> noise_dh(const secret_key& sk, const public_key& pk);
// The same without decoding pk's point again (see dh_public_key).
result<noise_dh_output> noise_dh(const secret_key& sk, const dh_public_key& pk);

// A public key together with its decoded curve point, for several DHs with the same key: a
// Noise handshake uses each remote key twice, and decoding a compressed point (a field square
// root) costs about a tenth of the DH itself. Never null. Not secret: nothing to wipe.
//
//   auto peer = dh_public_key::from_key(remote_pk);   // decodes once
//   auto a = noise_dh(e.sk, *peer);
//   auto b = noise_dh(s.sk, *peer);                   // no second decoding
class dh_public_key {
 public:
  // errc::null_public_key for the null key (any other public_key decodes).
  static result<dh_public_key> from_key(const public_key& pk);
  // public_key::from_bytes keeping the point: the same checks and errors, one decoding for both.
  static result<dh_public_key> from_bytes(byte_view b);

  const public_key& key() const noexcept { return key_; }

 private:
  friend result<noise_dh_output> noise_dh(const secret_key& sk, const dh_public_key& pk);
  dh_public_key() = default;

  public_key key_;
  byte_array<64> point_{};  // libsecp256k1's secp256k1_pubkey: opaque, valid in this process only
};

// compressed(sk·pk), unhashed: only Go's deterministic key generation uses it.
result<public_key> raw_ecdh_point(const public_key& pk, const secret_key& sk);

}  // namespace skywire::crypto
