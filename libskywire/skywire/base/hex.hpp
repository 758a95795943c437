#pragma once
// Hex text codec. to_hex always writes lowercase (Go's MarshalText); from_hex accepts either
// case (Go's decoder does) and fails with errc::bad_hex on an odd length or a non-hex digit.
#include <algorithm>
#include <string>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/errc.hpp"
#include "skywire/base/result.hpp"

namespace skywire::base {

std::string to_hex(byte_view in);
result<bytes> from_hex(std::string_view text);

// Exactly N bytes (2N hex digits), else errc::bad_hex.
template <std::size_t N>
result<byte_array<N>> from_hex_fixed(std::string_view text) {
  if (text.size() != 2 * N) return errc::bad_hex;
  auto b = from_hex(text);
  if (!b) return b.error();
  byte_array<N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

}  // namespace skywire::base
