#include "skywire/base/errc.hpp"

namespace skywire::base {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer); -Wnon-virtual-dtor cannot know that.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.base"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::truncated: return "input truncated";
      case errc::too_long: return "length exceeds limit";
      case errc::trailing_bytes: return "unexpected trailing bytes";
      case errc::bad_hex: return "invalid hex";
      case errc::out_of_range: return "value out of range";
    }
    return "unknown base error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

}  // namespace skywire::base
