#include "skywire/routing/route_descriptor.hpp"

#include <algorithm>
#include <cstring>

#include "skywire/base/byte_reader.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::routing {

namespace {

constexpr std::size_t pk_size = crypto::public_key::size;

// Go's descriptor reader copies the 33 bytes without validating them; we validate the point but,
// like Go, accept the all-zero key (an unset descriptor field).
result<crypto::public_key> parse_key(byte_view b) {
  if (std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; })) return crypto::public_key::null();
  return crypto::public_key::from_bytes(b);
}

}  // namespace

byte_array<descriptor_size> route_descriptor::encode() const noexcept {
  byte_array<descriptor_size> out{};
  std::memcpy(out.data(), src_pk.bytes().data(), pk_size);
  std::memcpy(out.data() + pk_size, dst_pk.bytes().data(), pk_size);
  out[2 * pk_size] = static_cast<std::uint8_t>(src_port >> 8);
  out[2 * pk_size + 1] = static_cast<std::uint8_t>(src_port);
  out[2 * pk_size + 2] = static_cast<std::uint8_t>(dst_port >> 8);
  out[2 * pk_size + 3] = static_cast<std::uint8_t>(dst_port);
  return out;
}

result<route_descriptor> route_descriptor::parse(byte_view b) {
  if (b.size() < descriptor_size) return wire::errc::truncated;
  if (b.size() > descriptor_size) return wire::errc::trailing_bytes;
  base::byte_reader r(b);
  route_descriptor d;
  auto src = parse_key(*r.take(pk_size));
  if (!src) return src.error();
  auto dst = parse_key(*r.take(pk_size));
  if (!dst) return dst.error();
  d.src_pk = *src;
  d.dst_pk = *dst;
  d.src_port = *r.u16be();
  d.dst_port = *r.u16be();
  return d;
}

std::string route_descriptor::to_string() const {
  return src_pk.to_hex() + ":" + std::to_string(src_port) + " \u2192 " + dst_pk.to_hex() + ":" +
         std::to_string(dst_port);
}

}  // namespace skywire::routing
