#include "skywire/crypto/random.hpp"

#include <sodium.h>

#include "skywire/crypto/detail/context.hpp"

namespace skywire::crypto {

system_random::system_random() { detail::ensure_sodium(); }

void system_random::fill(mutable_byte_view out) {
  if (!out.empty()) randombytes_buf(out.data(), out.size());
}

}  // namespace skywire::crypto
