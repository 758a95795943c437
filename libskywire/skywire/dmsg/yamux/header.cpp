#include "skywire/dmsg/yamux/header.hpp"

#include "skywire/base/byte_reader.hpp"
#include "skywire/dmsg/yamux/errc.hpp"

namespace skywire::dmsg::yamux {

byte_array<limits::header_len> encode_header(const header& h) noexcept {
  byte_array<limits::header_len> out{};
  out[0] = limits::protocol_version;
  out[1] = static_cast<std::uint8_t>(h.type);
  out[2] = static_cast<std::uint8_t>(h.flags >> 8);
  out[3] = static_cast<std::uint8_t>(h.flags);
  for (int i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<std::uint8_t>(h.stream_id >> (24 - 8 * i));
    out[8 + i] = static_cast<std::uint8_t>(h.length >> (24 - 8 * i));
  }
  return out;
}

result<header> decode_header(byte_view in) noexcept {
  if (in.size() < limits::header_len) return base::errc::truncated;
  base::byte_reader r(in);
  if (*r.u8() != limits::protocol_version) return errc::bad_version;
  const std::uint8_t type = *r.u8();
  if (type > static_cast<std::uint8_t>(frame_type::go_away)) return errc::bad_type;
  header h;
  h.type = static_cast<frame_type>(type);
  h.flags = *r.u16be();
  h.stream_id = *r.u32be();
  h.length = *r.u32be();
  return h;
}

}  // namespace skywire::dmsg::yamux
