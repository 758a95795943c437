#pragma once
// byte_reader: a bounds-checked cursor over untrusted input. Every read checks the remaining
// length first and returns errc::truncated instead of reading past the end; nothing here can
// over-read, allocate more than the input holds, or throw. Integers are big-endian unless the
// name says otherwise (the wire formats we speak are big-endian, spec/dmsg.md conventions).
#include <cstdint>
#include <cstring>

#include "skywire/base/bytes.hpp"
#include "skywire/base/errc.hpp"
#include "skywire/base/result.hpp"

namespace skywire::base {

class byte_reader {
 public:
  explicit byte_reader(byte_view in) noexcept : in_(in) {}

  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  std::size_t position() const noexcept { return pos_; }
  bool empty() const noexcept { return remaining() == 0; }
  byte_view rest() const noexcept { return in_.subspan(pos_); }

  result<std::uint8_t> u8() noexcept {
    if (remaining() < 1) return errc::truncated;
    return in_[pos_++];
  }
  result<std::uint16_t> u16be() noexcept { return uint_be<std::uint16_t>(); }
  result<std::uint32_t> u32be() noexcept { return uint_be<std::uint32_t>(); }
  result<std::uint64_t> u64be() noexcept { return uint_be<std::uint64_t>(); }

  // The next n bytes, as a view into the input (valid while the input is).
  result<byte_view> take(std::size_t n) noexcept {
    if (remaining() < n) return errc::truncated;
    byte_view out = in_.subspan(pos_, n);
    pos_ += n;
    return out;
  }

  template <std::size_t N>
  result<byte_array<N>> array() noexcept {
    if (remaining() < N) return errc::truncated;
    byte_array<N> out;
    std::memcpy(out.data(), in_.data() + pos_, N);
    pos_ += N;
    return out;
  }

  // Succeeds only when every byte has been consumed.
  result<void> expect_end() const noexcept {
    if (!empty()) return errc::trailing_bytes;
    return {};
  }

 private:
  template <class T>
  result<T> uint_be() noexcept {
    if (remaining() < sizeof(T)) return errc::truncated;
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | in_[pos_ + i]);
    pos_ += sizeof(T);
    return v;
  }

  byte_view in_;
  std::size_t pos_ = 0;
};

}  // namespace skywire::base
