#pragma once
// KCP segment codec (ikcp wire format, spec/skywire.md §1.4 "KCP notes"): a UDP datagram is a
// concatenation of segments, each
//   conv u32 ‖ cmd u8 ‖ frg u8 ‖ wnd u16 ‖ ts u32 ‖ sn u32 ‖ una u32 ‖ len u32 ‖ data[len]
// little-endian. cmd: 81 PUSH (data), 82 ACK (sn/ts of a received PUSH), 83 WASK (window probe),
// 84 WINS (window tell). frg counts a message's remaining fragments down to 0.
//
// decode_datagram is total and all-or-nothing: it validates every segment of the datagram
// (lengths, conv, command, data only on PUSH) before returning any, so a datagram is applied
// whole or not at all. Trailing bytes shorter than a header are ignored, as ikcp does.
// Errors: errc::too_short, too_long, truncated_segment, wrong_conv, bad_command, bad_segment.
#include <cstdint>
#include <vector>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/transport/kcp/limits.hpp"

namespace skywire::transport::kcp {

enum class command : std::uint8_t { push = 81, ack = 82, wask = 83, wins = 84 };

struct segment_header {
  std::uint32_t conv = 0;
  command cmd = command::push;
  std::uint8_t frg = 0;
  std::uint16_t wnd = 0;
  std::uint32_t ts = 0;
  std::uint32_t sn = 0;
  std::uint32_t una = 0;
  std::uint32_t len = 0;

  friend bool operator==(const segment_header&, const segment_header&) = default;
};

struct segment_view {
  segment_header h;
  byte_view data;  // into the datagram
};

// Writes the 24-byte header to out[0..24).
void encode_header(const segment_header& h, std::uint8_t* out) noexcept;

// The conv of a datagram (its first 4 bytes, LE) — what the socket demultiplexer keys on before
// a session exists. Requires in.size() >= 4.
std::uint32_t peek_conv(byte_view in) noexcept;

// True when `in` looks like KCP at all: at least one header, cmd of the first segment 81..84
// (pfilter's test in Go, plus the header length).
bool looks_like_kcp(byte_view in) noexcept;

// Decodes every segment of a datagram into `out` (cleared first). The views point into `in`.
result<void> decode_datagram(byte_view in, std::uint32_t conv, std::vector<segment_view>& out);

}  // namespace skywire::transport::kcp
