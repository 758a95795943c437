#pragma once
// Shared helpers for the noise tests: key pairs and handshake configs from the golden vectors.
#include <string>

#include "skywire/crypto/keys.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "vectors.hpp"

namespace skywire::noise::test_support {

inline crypto::key_pair key_pair_from(const std::string& path) {
  auto sk = crypto::secret_key::from_bytes(test::hex(test::dmsg_vectors(), path + ".sk")).value();
  return crypto::key_pair{sk.public_key(), sk};
}

// "noise_session_xk" or "noise_stream_kk".
inline handshake_config vector_config(const std::string& root, handshake_role role) {
  const bool init = role == handshake_role::initiator;
  const auto pattern = root == "noise_session_xk" ? handshake_pattern::xk : handshake_pattern::kk;
  auto local_s = key_pair_from(root + (init ? ".initiator_static" : ".responder_static"));
  auto remote_s = key_pair_from(root + (init ? ".responder_static" : ".initiator_static"));
  auto local_e = key_pair_from(root + (init ? ".initiator_ephemeral" : ".responder_ephemeral"));
  return handshake_config{pattern, role, local_s, remote_s.pk, local_e};
}

}  // namespace skywire::noise::test_support
