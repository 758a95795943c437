#pragma once
// Keys and ids shared by the routing tests: spec/skywire.md Appendix B's deterministic keys
// (GenerateDeterministicKeyPair("a"|"b"|"c")) and transport ids built from a few bytes.
#include <cstdint>

#include "golden_keys.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::routing::test {

using ::skywire::test::pk1;
using ::skywire::test::pk2;
using ::skywire::test::pk3;

// A transport id whose first byte is `tag` (the rest zero), e.g. t(1) for "t1".
inline wire::transport::uuid tp(std::uint8_t tag) {
  wire::transport::uuid u;
  u.bytes[0] = tag;
  return u;
}

}  // namespace skywire::routing::test
