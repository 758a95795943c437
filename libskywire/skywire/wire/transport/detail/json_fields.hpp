#pragma once
// Field readers shared by the transport-layer JSON decoders (entry.cpp, handshake_frames.cpp):
// Boost.JSON values mapped onto Go field types with encoding/json's rules (spec/skywire.md
// §0.2) — `null` leaves the zero value, numbers must be integers that fit the Go type, keys
// match case-insensitively (ASCII folding). Internal to wire/transport.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"

namespace skywire::wire::transport::detail {

// Go's case-insensitive key match; `name` is the canonical field name.
bool key_is(std::string_view key, std::string_view name) noexcept;

// Parses text (at most max_bytes, nesting at most max_depth) that must be exactly one JSON
// object, optionally surrounded by JSON whitespace (so a trailing "\n" is fine). The value
// lives in `arena`. Errors: too_long, too_deep, bad_json.
result<boost::json::object const*> parse_object(std::string_view text, std::size_t max_bytes,
                                                std::size_t max_depth, boost::json::monotonic_resource& arena,
                                                boost::json::value& doc);

result<std::string> get_string(const boost::json::value& v);
result<std::uint64_t> get_uint(const boost::json::value& v, std::uint64_t max);
result<std::int64_t> get_int64(const boost::json::value& v);
result<bool> get_bool(const boost::json::value& v);
// A PubKey's text (Go quirk: only '0' characters, or null, is the null key).
result<crypto::public_key> get_pk(const boost::json::value& v);
// A Sig's text (same '0' quirk as PubKey: the zero signature).
result<crypto::signature> get_sig(const boost::json::value& v);
// A Go [16]uint8 written as a JSON array of 16 numbers 0..255 (exactly 16: stricter than Go).
result<std::array<std::uint8_t, 16>> get_byte_array16(const boost::json::value& v);

}  // namespace skywire::wire::transport::detail
