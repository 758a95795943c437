#pragma once
// Fixed keys for the noise fuzz targets: the golden vectors' keys (tests/vectors/
// dmsg-vectors.json, noise_session_xk / noise_stream_kk), so the seed corpus made from the
// vector messages drives the handshakes to completion.
#include <cstdlib>
#include <string_view>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/noise/handshake_state.hpp"

namespace skywire::fuzz_noise {

inline crypto::key_pair kp(std::string_view sk_hex) {
  auto b = base::from_hex(sk_hex);
  if (!b) std::abort();
  auto sk = crypto::secret_key::from_bytes(*b);
  if (!sk) std::abort();
  return crypto::key_pair{sk->public_key(), *sk};
}

// noise_session_xk
inline const crypto::key_pair& xk_initiator_static() {
  static const auto k = kp("769c9e31a89fa2c7b35e5a04301cbd78451e4b967eb54b491035d1ba75ce7cfb");
  return k;
}
inline const crypto::key_pair& xk_responder_static() {
  static const auto k = kp("c99d7703033b1c8da776f3bfbfbfa2496460e6ad9f6b7d9c9f4ad0144eacef52");
  return k;
}
inline const crypto::key_pair& xk_initiator_ephemeral() {
  static const auto k = kp("557ebfbeebed2bf34d679cebdfcd2682c8331f23e2900fe21a2ca72e53efc8e0");
  return k;
}
inline const crypto::key_pair& xk_responder_ephemeral() {
  static const auto k = kp("1d63c9d3c174d9fc9ce84846e952055f51af6d5de1e0649402a879773817b0f7");
  return k;
}
// noise_stream_kk (initiator static = xk initiator static)
inline const crypto::key_pair& kk_responder_static() {
  static const auto k = kp("b2bf19b8299ed1441b95f02c8854a3e57aa0df0b009af4d0a9b490e413b3382b");
  return k;
}
inline const crypto::key_pair& kk_initiator_ephemeral() {
  static const auto k = kp("8dbe55029bb60bcfa1555f47ce3d3df6f9b70aa691975a45426efe1deb1d8af1");
  return k;
}

}  // namespace skywire::fuzz_noise
