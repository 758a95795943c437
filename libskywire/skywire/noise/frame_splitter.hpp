#pragma once
// frame_splitter: cuts a byte stream into `u16 BE L ‖ body` frames (the framing of Noise
// handshake and transport frames, spec/dmsg.md §3.2/§3.5), sans-I/O. The caller feeds
// whatever chunks the transport delivers; the splitter buffers at most one frame (its buffer
// is allocated once, max_length bytes) and hands out each complete body as a mutable view, so
// frame_opener::open_in_place can decrypt it without a copy.
//
// A length above max_length is errc::frame_too_long and poisons the splitter (every later call
// fails the same way): the stream cannot be resynchronised. L = 0 yields an empty body; whether
// that is acceptable is the consumer's decision (frame_opener rejects bodies < 24 bytes).
#include <cstdint>
#include <optional>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/noise/limits.hpp"

namespace skywire::noise {

class frame_splitter {
 public:
  // max_length: limits::max_frame_body (data, handshake) or up to 65535 (session objects).
  explicit frame_splitter(std::size_t max_length = limits::max_frame_body);

  // Takes bytes from the front of `in` (advancing it) until the current frame is complete.
  // Returns its body (valid and writable until the next call), std::nullopt if `in` ran out
  // first (everything was consumed and buffered), or frame_too_long.
  result<std::optional<mutable_byte_view>> next(byte_view& in);

  // Bytes of an incomplete frame held (prefix included). 0 means at a frame boundary, which is
  // the only place a clean end of stream may occur.
  std::size_t buffered() const noexcept { return header_have_ + body_have_; }
  std::size_t max_length() const noexcept { return max_length_; }

 private:
  std::size_t max_length_;
  bytes body_;
  std::uint8_t header_[2]{};
  std::size_t header_have_ = 0;
  std::size_t body_len_ = 0;
  std::size_t body_have_ = 0;
  bool failed_ = false;
};

}  // namespace skywire::noise
