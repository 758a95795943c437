#include "skywire/rpc/errc.hpp"

#include <string>

namespace skywire::rpc {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.rpc"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      // Go's rpc.ErrShutdown text, so logs read the same on both sides.
      case errc::shut_down: return "connection is shut down";
      case errc::bad_header: return "malformed net/rpc header";
      case errc::bad_method: return "method name is not Service.Method";
      case errc::duplicate_method: return "method already registered";
      case errc::too_many_calls: return "too many calls in flight";
    }
    return "unknown rpc error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::rpc
