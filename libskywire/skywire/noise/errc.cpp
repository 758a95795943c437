#include "skywire/noise/errc.hpp"

#include <string>

namespace skywire::noise {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.noise"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::wrong_state: return "noise handshake operation out of turn";
      case errc::bad_message_length: return "noise handshake message has the wrong length";
      case errc::decrypt_failed: return "noise decryption failed";
      case errc::bad_public_key: return "noise peer key is not a valid point";
      case errc::dh_failed: return "noise DH failed";
      case errc::missing_remote_static: return "noise pattern needs the remote static key";
      case errc::handshake_failed: return "noise handshake already failed";
      case errc::frame_too_long: return "noise frame too long";
      case errc::frame_too_short: return "noise frame too short";
      case errc::replayed_nonce: return "noise frame nonce replayed or out of window";
      case errc::nonce_exhausted: return "noise send nonce exhausted";
      case errc::truncated_frame: return "noise stream ended inside a frame";
      case errc::timed_out: return "noise handshake timed out";
    }
    return "unknown noise error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::noise
