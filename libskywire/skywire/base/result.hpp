#pragma once
// Errors are values: every fallible operation returns result<T>, which holds either a T or a
// boost::system::error_code from one of the per-module error categories (each module's
// errc.hpp). Exceptions are reserved for start-up configuration and for bugs.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace skywire {

using boost::system::error_code;

template <class T>
using result = boost::system::result<T, error_code>;

}  // namespace skywire
