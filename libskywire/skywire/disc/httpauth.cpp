#include "skywire/disc/httpauth.hpp"

namespace skywire::disc::httpauth {

std::string signed_payload(std::string_view body, std::uint64_t nonce) {
  std::string out;
  out.reserve(body.size() + 20);
  out.append(body);
  out.append(std::to_string(nonce));
  return out;
}

crypto::signature sign(std::string_view body, std::uint64_t nonce, const crypto::secret_key& sk) {
  const std::string p = signed_payload(body, nonce);
  return crypto::sign_payload(as_bytes(p), sk);
}

result<void> verify(std::string_view body, std::uint64_t nonce, const crypto::public_key& pk,
                    const crypto::signature& sig) {
  const std::string p = signed_payload(body, nonce);
  return crypto::verify_payload(pk, as_bytes(p), sig);
}

}  // namespace skywire::disc::httpauth
