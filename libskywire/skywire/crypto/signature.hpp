#pragma once
// Recoverable ECDSA signatures over SHA-256, as Skywire's cipher package makes and checks them
// (spec/dmsg.md §2.3). A signature is 65 bytes r(32) ‖ s(32) ‖ recid(1); text form 130 hex.
//
// sign_payload signs SHA256(payload) with libsecp256k1's RFC 6979 nonce: deterministic, always
// low-S, and accepted by Go (whose own signatures use a random nonce).
// verify_payload is strict where Go is strict and stricter where libsecp256k1 is lax: recid < 4,
// s must be low (s <= n/2; Go checks the top bit, libsecp256k1 recover accepts high S, we refuse
// both), r and s in [1, n-1], the recovered key must equal the expected key. The null key never
// verifies.
//
// Errors, in the order they are checked: null_public_key (expected key is null); bad_signature
// (recid >= 4, r or s zero or >= n, or no key recoverable); high_s_signature (top bit of s set,
// or s > n/2 by exact comparison via secp256k1_ecdsa_signature_normalize); signature_mismatch
// (recovers to a different key).
//
// Signing an all-zero hash: Go refuses (ErrNullSignHash). Here every signed hash is a SHA-256
// this process computed, so a zero hash can only be a caller bug and sign_hash throws
// std::invalid_argument rather than sign it. Verification does not special-case it.
#include <string>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::crypto {

class signature {
 public:
  static constexpr std::size_t size = 65;

  signature() = default;  // all zero: Go's zero Sig (never verifies)
  static result<signature> from_bytes(byte_view b);  // length check only; verify does the rest
  static result<signature> from_text(std::string_view hex);

  const byte_array<size>& bytes() const noexcept { return b_; }
  byte_view view() const noexcept { return b_; }
  std::string to_hex() const;
  bool is_null() const noexcept;

  friend bool operator==(const signature&, const signature&) = default;

 private:
  byte_array<size> b_{};
};

signature sign_hash(const sha256_digest& hash, const secret_key& sk);
signature sign_payload(byte_view payload, const secret_key& sk);

result<void> verify_hash(const public_key& pk, const sha256_digest& hash, const signature& sig);
result<void> verify_payload(const public_key& pk, byte_view payload, const signature& sig);

// The key that made sig over hash (after the same validity checks as verify_hash).
result<public_key> recover_public_key(const sha256_digest& hash, const signature& sig);

}  // namespace skywire::crypto
