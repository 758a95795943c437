#pragma once
// system_random: the operating system CSPRNG through libsodium (randombytes_buf).
#include "skywire/base/random.hpp"

namespace skywire::crypto {

class system_random final : public base::random_source {
 public:
  system_random();  // initialises libsodium (idempotent, thread-safe)
  void fill(mutable_byte_view out) override;
};

}  // namespace skywire::crypto
