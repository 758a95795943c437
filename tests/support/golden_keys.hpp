#pragma once
// spec/skywire.md Appendix B's deterministic keys (Go's GenerateDeterministicKeyPair("a"|"b"|
// "c")), the public keys every golden vector of the routing and setup layers is written with.
#include "skywire/crypto/keys.hpp"

namespace skywire::test {

inline crypto::public_key pk1() {
  return crypto::public_key::from_text("032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b").value();
}
inline crypto::public_key pk2() {
  return crypto::public_key::from_text("02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b").value();
}
inline crypto::public_key pk3() {
  return crypto::public_key::from_text("035a630a621aa3483f87cb288438982d7ba8524302ed6f293f667e6d8c9fa369a7").value();
}

}  // namespace skywire::test
