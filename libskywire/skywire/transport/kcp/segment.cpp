#include "skywire/transport/kcp/segment.hpp"

#include "skywire/transport/kcp/errc.hpp"

namespace skywire::transport::kcp {

namespace {

void put16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v);
  p[1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint16_t get16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t get32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
bool valid_command(std::uint8_t c) noexcept { return c >= 81 && c <= 84; }

}  // namespace

void encode_header(const segment_header& h, std::uint8_t* out) noexcept {
  put32(out, h.conv);
  out[4] = static_cast<std::uint8_t>(h.cmd);
  out[5] = h.frg;
  put16(out + 6, h.wnd);
  put32(out + 8, h.ts);
  put32(out + 12, h.sn);
  put32(out + 16, h.una);
  put32(out + 20, h.len);
}

std::uint32_t peek_conv(byte_view in) noexcept { return get32(in.data()); }

bool looks_like_kcp(byte_view in) noexcept {
  return in.size() >= limits::overhead && valid_command(in[4]);
}

result<void> decode_datagram(byte_view in, std::uint32_t conv, std::vector<segment_view>& out) {
  out.clear();
  if (in.size() < limits::overhead) return errc::too_short;
  if (in.size() > limits::max_datagram) return errc::too_long;
  std::size_t pos = 0;
  while (in.size() - pos >= limits::overhead) {
    const std::uint8_t* p = in.data() + pos;
    segment_header h;
    h.conv = get32(p);
    if (h.conv != conv) return errc::wrong_conv;
    if (!valid_command(p[4])) return errc::bad_command;
    h.cmd = static_cast<command>(p[4]);
    h.frg = p[5];
    h.wnd = get16(p + 6);
    h.ts = get32(p + 8);
    h.sn = get32(p + 12);
    h.una = get32(p + 16);
    h.len = get32(p + 20);
    pos += limits::overhead;
    if (h.len > in.size() - pos) return errc::truncated_segment;
    if (h.cmd != command::push && (h.len != 0 || h.frg != 0)) return errc::bad_segment;
    out.push_back({h, in.subspan(pos, h.len)});
    pos += h.len;
  }
  return {};
}

}  // namespace skywire::transport::kcp
