#include "redis_errc.hpp"

#include <string>

namespace skywire::svc::common {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.redis"; }
  std::string message(int ev) const override {
    switch (static_cast<redis_errc>(ev)) {
      case redis_errc::bad_url: return "malformed Redis URL (want redis://[:password@]host:port[/db])";
      case redis_errc::unsupported_scheme: return "unsupported Redis URL scheme (only redis://)";
      case redis_errc::protocol_error: return "Redis protocol error";
      case redis_errc::reply_too_large: return "Redis reply exceeds the size limit";
      case redis_errc::server_error: return "Redis server returned an error";
      case redis_errc::auth_failed: return "Redis authentication failed";
      case redis_errc::unexpected_reply: return "unexpected Redis reply type";
      case redis_errc::closed: return "Redis server closed the connection";
    }
    return "unknown Redis error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& redis_category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::svc::common
