// Fuzz target: the crypto module's parsers and signature checks on hostile bytes.
//
// The first input byte selects what the rest is fed to (mod 6):
//   0  public_key::from_bytes            (round trip through text must be exact)
//   1  public_key::from_text             (a non-null result must re-parse from bytes)
//   2  signature (first 65 bytes) verified against a fixed key and hash
//   3  recover: signature (65) ‖ hash (32); a recovered key must verify the signature
//   4  secret_key::from_text             (a key must print back to the same scalar)
//   5  ECDH of public_key::from_bytes with a fixed secret key
// Properties that must hold are checked with __builtin_trap so libFuzzer reports them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/crypto.hpp"

namespace {

using namespace skywire;
using namespace skywire::crypto;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// The dmsg vector signer (keys.client_A) and the hash it signed (signature.sha256_message).
const public_key& fixed_pk() {
  static const public_key pk =
      public_key::from_text("03626f858616692a2f0a76a17f2c297de5ebc530de0cd118ff91a8abd7283b1757")
          .value();
  return pk;
}
const sha256_digest& fixed_hash() {
  static const sha256_digest h = sha256(as_bytes("dmsg test vector message"));
  return h;
}
const secret_key& fixed_sk() {
  static const secret_key sk =
      secret_key::from_text("769c9e31a89fa2c7b35e5a04301cbd78451e4b967eb54b491035d1ba75ce7cfb")
          .value();
  return sk;
}

void check_signature_properties(const signature& sig) {
  const auto& b = sig.bytes();
  check(b[64] < 4);
  check((b[32] & 0x80) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const byte_view rest(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto pk = public_key::from_bytes(rest);
      if (pk) {
        check(!pk->is_null());
        check(public_key::from_text(pk->to_hex()).value() == *pk);
      }
      break;
    }
    case 1: {
      auto pk = public_key::from_text(as_chars(rest));
      if (pk && !pk->is_null()) check(public_key::from_bytes(pk->view()).value() == *pk);
      break;
    }
    case 2: {
      if (rest.size() < signature::size) break;
      const auto sig = signature::from_bytes(rest.first(signature::size)).value();
      if (verify_hash(fixed_pk(), fixed_hash(), sig)) check_signature_properties(sig);
      (void)verify_payload(fixed_pk(), rest.subspan(signature::size), sig);
      break;
    }
    case 3: {
      if (rest.size() < signature::size + 32) break;
      const auto sig = signature::from_bytes(rest.first(signature::size)).value();
      sha256_digest hash;
      const auto h = rest.subspan(signature::size, 32);
      std::copy(h.begin(), h.end(), hash.begin());
      auto pk = recover_public_key(hash, sig);
      if (pk) {
        check_signature_properties(sig);
        check(verify_hash(*pk, hash, sig).has_value());
      }
      break;
    }
    case 4: {
      auto sk = secret_key::from_text(as_chars(rest));
      if (sk) {
        check(secret_key::from_bytes(sk->reveal()).value() == *sk);
        check(key_pair_matches(sk->public_key(), *sk));
      }
      break;
    }
    case 5: {
      auto pk = public_key::from_bytes(rest);
      if (pk) {
        auto shared = ecdh(*pk, fixed_sk());
        check(shared.has_value());
        auto dh = noise_dh(fixed_sk(), *pk);
        check(dh.has_value() && (*dh)[32] == 0);
      }
      break;
    }
    default:
      break;
  }
  return 0;
}
