#pragma once
// Keys and ids shared by the routing tests: spec/skywire.md Appendix B's deterministic keys
// (GenerateDeterministicKeyPair("a"|"b"|"c")) and transport ids built from a few bytes.
#include <cstdint>

#include "skywire/crypto/keys.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::routing::test {

inline crypto::public_key pk1() {
  return crypto::public_key::from_text("032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b").value();
}
inline crypto::public_key pk2() {
  return crypto::public_key::from_text("02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b").value();
}
inline crypto::public_key pk3() {
  return crypto::public_key::from_text("035a630a621aa3483f87cb288438982d7ba8524302ed6f293f667e6d8c9fa369a7").value();
}

// A transport id whose first byte is `tag` (the rest zero), e.g. t(1) for "t1".
inline wire::transport::uuid tp(std::uint8_t tag) {
  wire::transport::uuid u;
  u.bytes[0] = tag;
  return u;
}

}  // namespace skywire::routing::test
