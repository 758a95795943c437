#include "skywire/wire/gob/primitives.hpp"

namespace skywire::wire::gob {

void put_uint(bytes& out, std::uint64_t v) {
  if (v < 0x80) {
    out.push_back(static_cast<std::uint8_t>(v));
    return;
  }
  int n = 0;
  for (std::uint64_t t = v; t != 0; t >>= 8) ++n;
  out.push_back(static_cast<std::uint8_t>(256 - n));
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_int(bytes& out, std::int64_t v) {
  // Go: if i < 0 { x = uint64(^i<<1) | 1 } else { x = uint64(i << 1) }. Done on unsigned
  // values so that INT64_MIN does not overflow a signed shift.
  const auto u = static_cast<std::uint64_t>(v);
  put_uint(out, v < 0 ? ((~u) << 1) | 1 : u << 1);
}

void put_bool(bytes& out, bool v) { out.push_back(v ? 1 : 0); }

void put_float_bits(bytes& out, std::uint64_t ieee_bits) {
  put_uint(out, float_bits_from_wire(ieee_bits));
}

void put_bytes(bytes& out, byte_view b) {
  put_uint(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

result<std::uint64_t> read_uint(base::byte_reader& r) noexcept {
  auto first = r.u8();
  if (!first) return errc::truncated;
  if (*first < 0x80) return std::uint64_t{*first};
  const unsigned n = 256u - *first;  // 1..128
  if (n > 8) return errc::bad_message;  // Go: "encoded unsigned integer out of range"
  auto body = r.take(n);
  if (!body) return errc::truncated;
  std::uint64_t v = 0;
  for (std::uint8_t b : *body) v = (v << 8) | b;
  return v;
}

result<std::int64_t> read_int(base::byte_reader& r) noexcept {
  auto u = read_uint(r);
  if (!u) return u.error();
  // Go: if x&1 != 0 { i = ^int64(x >> 1) } else { i = int64(x >> 1) }
  const std::uint64_t half = *u >> 1;
  return (*u & 1) ? static_cast<std::int64_t>(~half) : static_cast<std::int64_t>(half);
}

std::uint64_t float_bits_from_wire(std::uint64_t w) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v = (v << 8) | (w & 0xff);
    w >>= 8;
  }
  return v;
}

}  // namespace skywire::wire::gob
