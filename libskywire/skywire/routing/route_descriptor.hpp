#pragma once
// Route ids and the route descriptor (spec/skywire.md §3.2, §3.3).
//
//   route_descriptor d{src_pk, dst_pk, src_port, dst_port};
//   byte_array<70> b = d.encode();                // srcPK(33) ‖ dstPK(33) ‖ srcPort ‖ dstPort (BE)
//   auto back = route_descriptor::parse(b);       // exactly 70 bytes; keys must be valid points
//   d.inverted()                                  // dst↔src, ports swapped: the other direction
//
// A route group is keyed by the descriptor of its consume rule: src = the remote visor,
// dst = this visor (§3.4). Pure values, no I/O.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::routing {

// Per-visor route id (a routing packet's u32 route ID). 0 is never allocated.
using route_id = std::uint32_t;

inline constexpr std::size_t descriptor_size = 70;

struct route_descriptor {
  crypto::public_key src_pk;
  crypto::public_key dst_pk;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;

  route_descriptor inverted() const noexcept { return {dst_pk, src_pk, dst_port, src_port}; }

  byte_array<descriptor_size> encode() const noexcept;
  // Exactly descriptor_size bytes. Errors: wire::errc::truncated / trailing_bytes, crypto
  // errors for a key that is not a point (the null key is accepted: Go's reader accepts it).
  static result<route_descriptor> parse(byte_view b);

  // "<src>:<sport> → <dst>:<dport>" (full keys), for logs and tables.
  std::string to_string() const;

  friend auto operator<=>(const route_descriptor&, const route_descriptor&) = default;
};

}  // namespace skywire::routing
