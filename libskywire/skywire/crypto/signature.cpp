#include "skywire/crypto/signature.hpp"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <stdexcept>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/detail/context.hpp"

namespace skywire::crypto {
namespace {

bool all_zero(byte_view b) noexcept {
  return std::all_of(b.begin(), b.end(), [](std::uint8_t v) { return v == 0; });
}

// Every check Go applies plus the ones libsecp256k1 leaves to the caller, in the order of
// spec/dmsg.md §2.3; on success the public key that made sig over hash, serialized compressed.
result<byte_array<public_key::size>> recover_checked(const sha256_digest& hash,
                                                     const signature& sig) {
  const auto& b = sig.bytes();
  const std::uint8_t recid = b[64];
  if (recid >= 4) return errc::bad_signature;
  // Go's malleability check: top bit of s must be clear (rejects s >= 2^255).
  if ((b[32] & 0x80) != 0) return errc::high_s_signature;
  // libsecp256k1 parses r = 0 / s = 0 and only fails later; say what is wrong up front.
  if (all_zero(byte_view(b).subspan(0, 32)) || all_zero(byte_view(b).subspan(32, 32))) {
    return errc::bad_signature;
  }
  const secp256k1_context* ctx = detail::secp_context();
  secp256k1_ecdsa_recoverable_signature rs;
  // Fails when r or s >= n.
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, b.data(), recid) != 1) {
    return errc::bad_signature;
  }
  // The top-bit test above lets n/2 < s < 2^255 through; libsecp256k1's recover accepts high S.
  // Go's verify also refuses those (its ECDSA verify wants low S), so check s <= n/2 exactly:
  // normalize returns 1 when its input was high.
  secp256k1_ecdsa_signature plain;
  secp256k1_ecdsa_recoverable_signature_convert(ctx, &plain, &rs);
  if (secp256k1_ecdsa_signature_normalize(ctx, nullptr, &plain) == 1) {
    return errc::high_s_signature;
  }
  secp256k1_pubkey point;
  if (secp256k1_ecdsa_recover(ctx, &point, &rs, hash.data()) != 1) return errc::bad_signature;
  byte_array<public_key::size> out;
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &len, &point, SECP256K1_EC_COMPRESSED);
  return out;
}

}  // namespace

result<signature> signature::from_bytes(byte_view b) {
  if (b.size() != size) return errc::bad_signature;
  signature s;
  std::copy(b.begin(), b.end(), s.b_.begin());
  return s;
}

result<signature> signature::from_text(std::string_view hex) {
  auto raw = base::from_hex_fixed<size>(hex);
  if (!raw) return errc::bad_signature;
  return from_bytes(*raw);
}

std::string signature::to_hex() const { return base::to_hex(b_); }

bool signature::is_null() const noexcept { return all_zero(b_); }

signature sign_hash(const sha256_digest& hash, const secret_key& sk) {
  // Go's SignHash refuses the all-zero hash (ErrNullSignHash). Every hash signed here is a
  // SHA-256 this process computed, so a zero hash can only be a caller bug: throw, never sign.
  if (all_zero(hash)) throw std::invalid_argument("crypto::sign_hash: refusing to sign a null hash");
  const secp256k1_context* ctx = detail::secp_context();
  secp256k1_ecdsa_recoverable_signature rs;
  // Default nonce function (RFC 6979): deterministic; libsecp256k1 always emits low S.
  // Cannot fail for a valid secret key (the class invariant) with the default nonce function.
  if (secp256k1_ecdsa_sign_recoverable(ctx, &rs, hash.data(), sk.reveal().data(), nullptr,
                                       nullptr) != 1) {
    throw std::logic_error("crypto::sign_hash: libsecp256k1 refused a valid secret key");
  }
  byte_array<size_t{65}> out{};
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out.data(), &recid, &rs);
  out[64] = static_cast<std::uint8_t>(recid);
  return signature::from_bytes(out).value();
}

signature sign_payload(byte_view payload, const secret_key& sk) {
  return sign_hash(sha256(payload), sk);
}

result<void> verify_hash(const public_key& pk, const sha256_digest& hash, const signature& sig) {
  if (pk.is_null()) return errc::null_public_key;
  auto recovered = recover_checked(hash, sig);
  if (!recovered) return recovered.error();
  if (*recovered != pk.bytes()) return errc::signature_mismatch;
  return {};
}

result<void> verify_payload(const public_key& pk, byte_view payload, const signature& sig) {
  return verify_hash(pk, sha256(payload), sig);
}

result<public_key> recover_public_key(const sha256_digest& hash, const signature& sig) {
  auto recovered = recover_checked(hash, sig);
  if (!recovered) return recovered.error();
  return public_key::from_bytes(*recovered);
}

}  // namespace skywire::crypto
