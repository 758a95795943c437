#pragma once
// Injectable randomness. Code that needs random bytes (ephemeral keys, nonces, ids) takes a
// random_source&; production passes crypto::system_random (libsodium's CSPRNG), tests may
// pass a deterministic source to reproduce golden vectors.
#include "skywire/base/bytes.hpp"

namespace skywire::base {

class random_source {
 public:
  virtual ~random_source() = default;
  virtual void fill(mutable_byte_view out) = 0;
};

}  // namespace skywire::base
