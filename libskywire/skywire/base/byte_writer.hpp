#pragma once
// byte_writer: appends big-endian integers and byte strings to a growing buffer. Writers are
// used on data we produce, so they do not fail; callers bound what they encode.
#include <cstdint>

#include "skywire/base/bytes.hpp"

namespace skywire::base {

class byte_writer {
 public:
  byte_writer() = default;
  explicit byte_writer(std::size_t reserve) { out_.reserve(reserve); }

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16be(std::uint16_t v) { uint_be(v); }
  void u32be(std::uint32_t v) { uint_be(v); }
  void u64be(std::uint64_t v) { uint_be(v); }
  void append(byte_view b) { out_.insert(out_.end(), b.begin(), b.end()); }

  std::size_t size() const noexcept { return out_.size(); }
  const bytes& view() const noexcept { return out_; }
  bytes take() && noexcept { return std::move(out_); }

 private:
  template <class T>
  void uint_be(T v) {
    for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }

  bytes out_;
};

}  // namespace skywire::base
