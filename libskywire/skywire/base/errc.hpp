#pragma once
// Error codes of the base module (category "skywire.base"): what the byte cursors and the
// text codecs report. Other modules define their own enum + category the same way.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::base {

enum class errc {
  truncated = 1,      // input ended before a field was complete
  too_long,           // a length or count exceeds the limit the caller set
  trailing_bytes,     // input continued after a complete value
  bad_hex,            // text is not hex, or has the wrong length
  out_of_range,       // a value does not fit the field it is read into
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::base

template <>
struct boost::system::is_error_code_enum<skywire::base::errc> : std::true_type {};
