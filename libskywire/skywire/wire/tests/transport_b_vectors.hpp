#pragma once
// spec/skywire.md Appendix B.1 / B.2: real Go output for transport ids, Entry.ToBinary,
// SignedEntry JSON and the raw handshake frames. Keys are GenerateDeterministicKeyPair("a"|"b"|"c").
#include <string>

#include "skywire/crypto/keys.hpp"

namespace skywire::wire::transport::vectors {

inline const char* const pk1 = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
inline const char* const sk1 = "b4f56cab07ea360c16c22ac241738e923b232138b69089fe0134f81a432ffaff";
inline const char* const pk2 = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";
inline const char* const pk3 = "035a630a621aa3483f87cb288438982d7ba8524302ed6f293f667e6d8c9fa369a7";

inline const char* const id_stcpr = "a283e9bc-e5b4-03f8-a640-a4c189c21e04";
inline const char* const id_sudph = "15127892-f69c-01d5-9eda-ed21299a3d9d";
inline const char* const id_dmsg = "a8078700-9c7b-0d89-89d7-e3efba57decb";
inline const char* const id_stcp = "3aad832f-d720-0ee3-a9d8-46c68f9de3cb";

inline const char* const entry_sig_pk1 =
    "2eab227d174f360313bfe534759b73933c317111b83ed253d3b3997f4d0fc3383256623009afd2b0b753a96bc2c6549f9ee0cdd146d5039922059543cd6c81f400";

inline std::string signed_entry_line() {
  return std::string(R"({"entry":{"t_id":"a283e9bc-e5b4-03f8-a640-a4c189c21e04","edges":[")") + pk2 + R"(",")" + pk1 +
         R"("],"type":"stcpr","label":"user"},"signatures":[")" + std::string(130, '0') + R"(",")" +
         entry_sig_pk1 + "\"]}\n";
}

inline const char* const frame1 = "{\"Nonce\":[0,17,34,51,68,85,102,119,136,153,170,187,204,221,238,255]}\n";

inline std::string frame2_with_sig(const std::string& sig_hex) {
  return std::string(R"({"SrcAddr":{"public_key":")") + pk1 + R"(","port":49153},"DstAddr":{"public_key":")" + pk2 +
         R"(","port":45},"Nonce":[0,17,34,51,68,85,102,119,136,153,170,187,204,221,238,255],"Sig":")" + sig_hex +
         "\"}\n";
}

inline const char* const frame2_sig =
    "d849397ef456a9ffff8e6a73a4b00cb51d41bb969ce1897f1cfc41791283f3e17fa0b0caa6cbaf53611c4be15292cea9763ddb41780cfbf096dba74b4319994a00";

inline const char* const frame3_ok = "{\"OK\":true,\"ErrMsg\":\"\"}\n";

inline crypto::public_key pk(const char* hex) { return crypto::public_key::from_text(hex).value(); }
inline crypto::key_pair kp1() {
  auto sk = crypto::secret_key::from_text(sk1).value();
  return crypto::key_pair{sk.public_key(), sk};
}
inline crypto::key_pair kp(const char* seed) {
  return crypto::deterministic_key_pair(as_bytes(std::string_view(seed))).value();
}

}  // namespace skywire::wire::transport::vectors
