#pragma once
// Keys and routes shared by the setup tests: spec/skywire.md Appendix B's deterministic keys
// (GenerateDeterministicKeyPair("a"|"b"|"c")) and the B.5 (c) route.
#include <chrono>
#include <string_view>

#include "skywire/crypto/keys.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::setup::test {

inline crypto::public_key pk1() {
  return crypto::public_key::from_text("032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b").value();
}
inline crypto::public_key pk2() {
  return crypto::public_key::from_text("02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b").value();
}
inline crypto::public_key pk3() {
  return crypto::public_key::from_text("035a630a621aa3483f87cb288438982d7ba8524302ed6f293f667e6d8c9fa369a7").value();
}
inline wire::transport::uuid uuid(std::string_view text) { return wire::transport::uuid::from_text(text).value(); }
inline wire::transport::uuid uuid1() { return uuid("11111111-2222-3333-4444-555555555555"); }
inline wire::transport::uuid uuid6() { return uuid("66666666-7777-8888-9999-aaaaaaaaaaaa"); }

// B.5 (c): pk1:49153 → pk2:44 through pk3, 30 s keep-alive.
inline routing::bidirectional_route b5_route() {
  routing::bidirectional_route r;
  r.desc = {pk1(), pk2(), 49153, 44};
  r.keep_alive = std::chrono::seconds(30);
  r.forward = {{uuid1(), pk1(), pk3()}, {uuid6(), pk3(), pk2()}};
  r.reverse = {{uuid6(), pk2(), pk3()}, {uuid1(), pk3(), pk1()}};
  return r;
}

}  // namespace skywire::setup::test
