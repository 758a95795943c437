#pragma once
// Decoding a dmsg discovery entry from JSON text (a POST/DELETE body or a GET response),
// strict where strictness cannot reject a Go-made entry, Go-compatible where a Go peer may
// legitimately differ from our canonical form. Parsing is Boost.JSON; this file only maps the
// document onto disc::entry.
//
// Accepted like Go (json-iterator ConfigFastest, what the discovery decodes with):
//   - object keys match field names case-insensitively (ASCII folding only; Go's encoding/json
//     would also fold U+212A KELVIN SIGN and U+017F LONG S, which no real peer sends);
//   - unknown keys are ignored (and so, as in Go, drop out of the signed payload);
//   - `null` for any field leaves it at its zero value (client/server null = absent);
//   - pk hex in either case; a pk string made only of '0' (or "", or null) is the null key;
//   - when a key appears twice, the later one wins.
// Stricter than Go (documented deviations, all on input no Go encoder produces):
//   - the body must be exactly one JSON object: trailing bytes are rejected (Go's streaming
//     decoder ignores what follows the first value);
//   - invalid UTF-8 in strings is rejected (Go would replace it with U+FFFD);
//   - numbers must be integers that fit the field (uint64 sequence, int64 timestamp and
//     availableSessions); Go also rejects fractions/exponents, and on 32-bit Go `int` is 32-bit;
//   - input size and nesting depth are bounded (parse_limits), including inside unknown keys.
//
// Errors (skywire.wire unless noted): too_long (input above max_bytes), too_deep (nesting),
// bad_json (not JSON, not an object, invalid UTF-8, trailing bytes), type_mismatch (a known
// field has the wrong JSON type or an out-of-range number), crypto::errc::bad_public_key /
// base::errc::bad_hex (static or a delegated server is not a valid key).
#include <cstddef>
#include <string_view>

#include "skywire/base/result.hpp"
#include "skywire/wire/disc/entry.hpp"

namespace skywire::wire::disc {

struct parse_limits {
  std::size_t max_bytes = 64 * 1024;  // a real entry is < 1 KiB; 64 KiB allows ~900 delegates
  std::size_t max_depth = 16;         // an entry nests 3 deep
};

result<entry> parse_entry(std::string_view json_text, const parse_limits& limits = {});

}  // namespace skywire::wire::disc
