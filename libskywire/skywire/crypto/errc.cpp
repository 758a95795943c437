#include "skywire/crypto/errc.hpp"

#include <string>

namespace skywire::crypto {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.crypto"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_public_key: return "invalid public key";
      case errc::bad_secret_key: return "invalid secret key";
      case errc::bad_signature: return "malformed signature";
      case errc::high_s_signature: return "signature has a high S value";
      case errc::signature_mismatch: return "signature does not match the public key";
      case errc::null_public_key: return "null public key";
      case errc::aead_open_failed: return "ciphertext does not authenticate";
      case errc::ecdh_failed: return "ECDH failed";
      case errc::empty_seed: return "empty seed";
    }
    return "unknown crypto error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::crypto
