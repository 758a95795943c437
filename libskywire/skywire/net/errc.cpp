#include "skywire/net/errc.hpp"

namespace skywire::net {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.net"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::timeout: return "operation timed out";
      case errc::closed: return "stream closed by peer";
      case errc::frame_too_large: return "frame exceeds length limit";
      case errc::too_many_tasks: return "task group is full";
      case errc::group_closed: return "task group is closed";
      case errc::bad_url: return "malformed URL";
      case errc::unsupported_scheme: return "unsupported URL scheme";
      case errc::bad_header: return "invalid HTTP header";
      case errc::header_too_large: return "HTTP header exceeds limit";
      case errc::body_too_large: return "HTTP body exceeds limit";
      case errc::bad_response: return "malformed HTTP response";
      case errc::http_status: return "unexpected HTTP status";
    }
    return "unknown net error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::net
