#include "skywire/crypto/ecdh.hpp"

#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include "skywire/crypto/detail/context.hpp"

namespace skywire::crypto {
namespace {

result<secp256k1_pubkey> parse_point(const public_key& pk) {
  if (pk.is_null()) return errc::null_public_key;
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(detail::secp_context(), &point, pk.bytes().data(),
                                public_key::size) != 1) {
    return errc::bad_public_key;  // unreachable for a constructed non-null key; kept total
  }
  return point;
}

}  // namespace

result<sha256_digest> ecdh(const public_key& pk, const secret_key& sk) {
  auto point = parse_point(pk);
  if (!point) return point.error();
  sha256_digest out;
  // Default hash function: SHA256((0x02 | y&1) ‖ x), which is exactly Go's cipher.ECDH.
  if (secp256k1_ecdh(detail::secp_context(), out.data(), &*point, sk.reveal().data(), nullptr,
                     nullptr) != 1) {
    return errc::ecdh_failed;
  }
  return out;
}

result<noise_dh_output> noise_dh(const secret_key& sk, const public_key& pk) {
  auto shared = ecdh(pk, sk);
  if (!shared) return shared.error();
  noise_dh_output out{};
  std::copy(shared->begin(), shared->end(), out.begin());
  out[32] = 0x00;  // dmsg's DHLEN is 33: the 32-byte hash and one zero byte (pkg/noise/dh.go)
  wipe(*shared);
  return out;
}

result<public_key> raw_ecdh_point(const public_key& pk, const secret_key& sk) {
  auto point = parse_point(pk);
  if (!point) return point.error();
  const secp256k1_context* ctx = detail::secp_context();
  if (secp256k1_ec_pubkey_tweak_mul(ctx, &*point, sk.reveal().data()) != 1) {
    return errc::ecdh_failed;
  }
  byte_array<public_key::size> out;
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &len, &*point, SECP256K1_EC_COMPRESSED);
  return public_key::from_bytes(out);
}

}  // namespace skywire::crypto
