#pragma once
// Error codes of the crypto module (category "skywire.crypto").
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::crypto {

enum class errc {
  bad_public_key = 1,   // not 33 bytes, or not a point on secp256k1
  bad_secret_key,       // not 32 bytes, zero, or >= the group order
  bad_signature,        // malformed: wrong length, recid >= 4, r or s out of range
  high_s_signature,     // s > n/2 (malleable form; Go rejects it too)
  signature_mismatch,   // well-formed, but not made by the expected key over this payload
  null_public_key,      // the all-zero "null" key where a real key is required
  aead_open_failed,     // ciphertext or tag does not authenticate
  ecdh_failed,          // ECDH produced no shared secret (invalid input)
  empty_seed,           // deterministic key generation needs a non-empty seed (Go panics)
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::crypto

template <>
struct boost::system::is_error_code_enum<skywire::crypto::errc> : std::true_type {};
