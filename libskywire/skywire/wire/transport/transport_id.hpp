#pragma once
// Transport identity (spec/skywire.md §1.5): the UUID text/binary form, edge sorting and the
// transport ID both ends compute independently.
//
//   sort_edges(a, b)          the two keys, smaller first (33-byte big-endian compare = memcmp)
//   make_transport_id(a,b,t)  uuid.NewHash(sha256, nil-UUID, pkLow ‖ pkHigh ‖ t, 0):
//                             d = SHA256(16×00 ‖ pkLow ‖ pkHigh ‖ t)[0:16], d[6] &= 0x0F,
//                             d[8] = (d[8] & 0x3F) | 0x80. Symmetric in a and b.
//
// uuid text: canonical lowercase 8-4-4-4-12 (Go's MarshalText). from_text accepts only that
// form (hex digits in either case); Go's uuid.Parse also takes "{…}", "urn:uuid:…" and 32 bare
// hex digits, which no Go skywire encoder emits (documented deviation). Errors:
// wire::errc::invalid_value for any other text.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::wire::transport {

struct uuid {
  byte_array<16> bytes{};

  static result<uuid> from_text(std::string_view text);
  std::string to_string() const;
  bool is_nil() const noexcept;

  friend auto operator<=>(const uuid&, const uuid&) = default;
};

using edges = std::array<crypto::public_key, 2>;

edges sort_edges(const crypto::public_key& a, const crypto::public_key& b) noexcept;

uuid make_transport_id(const crypto::public_key& a, const crypto::public_key& b, std::string_view type);

// The transport type strings of §1.1.
inline constexpr std::string_view type_stcp = "stcp";
inline constexpr std::string_view type_stcpr = "stcpr";
inline constexpr std::string_view type_sudph = "sudph";
inline constexpr std::string_view type_dmsg = "dmsg";

}  // namespace skywire::wire::transport
