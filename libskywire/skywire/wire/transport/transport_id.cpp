#include "skywire/wire/transport/transport_id.hpp"

#include <algorithm>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::wire::transport {

namespace {
// Byte index where each of the five groups of the canonical text form starts in `bytes`.
constexpr std::array<std::size_t, 5> group_len{4, 2, 2, 2, 6};
}  // namespace

result<uuid> uuid::from_text(std::string_view text) {
  if (text.size() != 36) return errc::invalid_value;
  uuid out;
  std::size_t pos = 0;
  std::size_t at = 0;
  for (std::size_t g = 0; g < group_len.size(); ++g) {
    if (g > 0) {
      if (text[pos] != '-') return errc::invalid_value;
      ++pos;
    }
    auto raw = base::from_hex(text.substr(pos, 2 * group_len[g]));
    if (!raw || raw->size() != group_len[g]) return errc::invalid_value;
    std::copy(raw->begin(), raw->end(), out.bytes.begin() + static_cast<std::ptrdiff_t>(at));
    pos += 2 * group_len[g];
    at += group_len[g];
  }
  return out;
}

std::string uuid::to_string() const {
  const std::string h = base::to_hex(bytes);
  std::string out;
  out.reserve(36);
  std::size_t pos = 0;
  for (std::size_t g = 0; g < group_len.size(); ++g) {
    if (g > 0) out.push_back('-');
    out.append(h, pos, 2 * group_len[g]);
    pos += 2 * group_len[g];
  }
  return out;
}

bool uuid::is_nil() const noexcept {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

edges sort_edges(const crypto::public_key& a, const crypto::public_key& b) noexcept {
  // public_key's <=> compares the byte arrays lexicographically, i.e. as big-endian integers.
  if (b < a) return {b, a};
  return {a, b};
}

uuid make_transport_id(const crypto::public_key& a, const crypto::public_key& b, std::string_view type) {
  const edges e = sort_edges(a, b);
  bytes data;
  data.reserve(16 + 2 * crypto::public_key::size + type.size());
  data.resize(16, 0);  // the nil namespace UUID
  data.insert(data.end(), e[0].bytes().begin(), e[0].bytes().end());
  data.insert(data.end(), e[1].bytes().begin(), e[1].bytes().end());
  data.insert(data.end(), type.begin(), type.end());
  const crypto::sha256_digest d = crypto::sha256(data);
  uuid id;
  std::copy_n(d.begin(), id.bytes.size(), id.bytes.begin());
  id.bytes[6] = static_cast<std::uint8_t>(id.bytes[6] & 0x0F);  // version 0
  id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

}  // namespace skywire::wire::transport
