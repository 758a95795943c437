#pragma once
// Keys and routes shared by the setup tests: spec/skywire.md Appendix B's deterministic keys
// (GenerateDeterministicKeyPair("a"|"b"|"c")) and the B.5 (c) route.
#include <chrono>
#include <string_view>

#include "golden_keys.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::setup::test {

using ::skywire::test::pk1;
using ::skywire::test::pk2;
using ::skywire::test::pk3;
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
