#include "skywire/transport/kcp/errc.hpp"

namespace skywire::transport::kcp {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.kcp"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::too_short: return "kcp: datagram shorter than a segment header";
      case errc::too_long: return "kcp: datagram too long";
      case errc::truncated_segment: return "kcp: segment length beyond datagram";
      case errc::wrong_conv: return "kcp: wrong conversation id";
      case errc::bad_command: return "kcp: unknown segment command";
      case errc::bad_segment: return "kcp: malformed segment";
      case errc::message_too_large: return "kcp: message too large";
      case errc::send_queue_full: return "kcp: send queue full";
      case errc::dead_link: return "kcp: dead link";
      case errc::closed: return "kcp: session closed";
    }
    return "kcp: unknown error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::transport::kcp
