#include "skywire/crypto/ecdh.hpp"

#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include <algorithm>
#include <cstring>
#include <tuple>

#include "skywire/crypto/detail/context.hpp"

namespace skywire::crypto {
namespace {

static_assert(sizeof(secp256k1_pubkey) == std::tuple_size_v<byte_array<64>>);

result<secp256k1_pubkey> parse_point(const public_key& pk) {
  if (pk.is_null()) return errc::null_public_key;
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(detail::secp_context(), &point, pk.bytes().data(),
                                public_key::size) != 1) {
    return errc::bad_public_key;  // unreachable for a constructed non-null key; kept total
  }
  return point;
}

result<sha256_digest> ecdh_point(const secp256k1_pubkey& point, const secret_key& sk) {
  sha256_digest out;
  // Default hash function: SHA256((0x02 | y&1) ‖ x), which is exactly Go's cipher.ECDH.
  if (secp256k1_ecdh(detail::secp_context(), out.data(), &point, sk.reveal().data(), nullptr,
                     nullptr) != 1) {
    return errc::ecdh_failed;
  }
  return out;
}

result<noise_dh_output> noise_dh_point(const secret_key& sk, const secp256k1_pubkey& point) {
  auto shared = ecdh_point(point, sk);
  if (!shared) return shared.error();
  noise_dh_output out{};
  std::copy(shared->begin(), shared->end(), out.begin());
  out[32] = 0x00;  // dmsg's DHLEN is 33: the 32-byte hash and one zero byte (pkg/noise/dh.go)
  wipe(*shared);
  return out;
}

}  // namespace

result<dh_public_key> dh_public_key::from_key(const public_key& pk) {
  auto point = parse_point(pk);
  if (!point) return point.error();
  dh_public_key out;
  out.key_ = pk;
  std::memcpy(out.point_.data(), &*point, sizeof *point);
  return out;
}

result<dh_public_key> dh_public_key::from_bytes(byte_view b) {
  // As public_key::from_bytes: with 33 bytes libsecp256k1 accepts only 02/03 ‖ x, x < p, on
  // the curve.
  if (b.size() != public_key::size) return errc::bad_public_key;
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(detail::secp_context(), &point, b.data(), b.size()) != 1) {
    return errc::bad_public_key;
  }
  byte_array<public_key::size> bytes;
  std::copy(b.begin(), b.end(), bytes.begin());
  dh_public_key out;
  out.key_ = public_key(bytes);
  std::memcpy(out.point_.data(), &point, sizeof point);
  return out;
}

result<sha256_digest> ecdh(const public_key& pk, const secret_key& sk) {
  auto point = parse_point(pk);
  if (!point) return point.error();
  return ecdh_point(*point, sk);
}

result<noise_dh_output> noise_dh(const secret_key& sk, const public_key& pk) {
  auto point = parse_point(pk);
  if (!point) return point.error();
  return noise_dh_point(sk, *point);
}

result<noise_dh_output> noise_dh(const secret_key& sk, const dh_public_key& pk) {
  secp256k1_pubkey point;
  std::memcpy(&point, pk.point_.data(), sizeof point);
  return noise_dh_point(sk, point);
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
