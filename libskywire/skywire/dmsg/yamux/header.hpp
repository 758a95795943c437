#pragma once
// yamux frame header codec (spec/dmsg.md §4.1):
//   version(1) = 0 ‖ type(1) ‖ flags(u16 BE) ‖ stream id(u32 BE) ‖ length(u32 BE)
// `length` is the payload size for Data, the credit for WindowUpdate, the opaque id for Ping
// and the reason code for GoAway. Only Data frames carry a body.
//
// decode_header is total: it reads exactly limits::header_len bytes, rejects a version other
// than 0 (errc::bad_version) and a type above 3 (errc::bad_type), and reports base::errc::truncated
// for short input. Flags are not validated (Go ignores unknown bits too).
#include <cstdint>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/yamux/limits.hpp"

namespace skywire::dmsg::yamux {

enum class frame_type : std::uint8_t { data = 0, window_update = 1, ping = 2, go_away = 3 };

namespace flag {
inline constexpr std::uint16_t syn = 1;  // opens a stream; a Ping request
inline constexpr std::uint16_t ack = 2;  // accepts a stream; a Ping reply
inline constexpr std::uint16_t fin = 4;  // half-close
inline constexpr std::uint16_t rst = 8;  // abort
}  // namespace flag

// GoAway reason codes.
enum class go_away_code : std::uint32_t { normal = 0, protocol_error = 1, internal_error = 2 };

struct header {
  frame_type type = frame_type::data;
  std::uint16_t flags = 0;
  std::uint32_t stream_id = 0;
  std::uint32_t length = 0;

  friend bool operator==(const header&, const header&) = default;
};

byte_array<limits::header_len> encode_header(const header& h) noexcept;

// Decodes the first limits::header_len bytes of `in` (more may follow; they are not looked at).
result<header> decode_header(byte_view in) noexcept;

}  // namespace skywire::dmsg::yamux
