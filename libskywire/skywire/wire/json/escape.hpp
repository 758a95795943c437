#pragma once
// Go-exact JSON string encoding (spec/skywire.md §0.2, spec/dmsg.md §7.3). Where a signature
// covers JSON, the verifier re-encodes the decoded values with its own encoder, so our bytes
// must be exactly Go's. Two encoders exist in the Go code we talk to:
//
// go_json: Go's encoding/json (json.Marshal, json.Encoder). Escapes `"` `\` as \" \\,
//   \n \r \t as such, other bytes < 0x20 as \u00xx (lowercase hex), `<` `>` `&` as \u003c
//   \u003e \u0026 unless HTML escaping is off (Encoder.SetEscapeHTML(false)), U+2028/U+2029
//   as \u2028/\u2029 always; invalid UTF-8 is replaced by \ufffd one byte at a time, exactly as
//   utf8.DecodeRuneInString steps (a valid U+FFFD is copied raw). The Go version matters: from
//   Go 1.22 on, \b and \f are written as `\b` `\f`; before, as \u0008 \u000c. Skywire v1.3.20
//   and its dmsg were built with Go 1.21, so go_json_style::go1_21 is the default (verified
//   against go1.21.13 and go1.26 by tests/interop/goref, vectors in
//   tests/vectors/go-json-vectors.json).
// jsoniter_fastest: github.com/json-iterator/go v1.1.12 ConfigFastest, what dmsg's discovery
//   (pkg/disc and the discovery API) signs and verifies with: `"` `\` \n \r \t as above, other
//   bytes < 0x20 as \u00xx; everything else, including `<>&`, DEL, U+2028 and any byte >= 0x80
//   (valid UTF-8 or not), is copied raw.
//
// These functions only append to a std::string; they cannot fail.
#include <string>
#include <string_view>

namespace skywire::wire::json {

enum class go_json_style {
  go1_21,       // \u0008 \u000c (Go <= 1.21; what Skywire v1.3.20 was built with)
  go1_22_plus,  // \b \f (Go >= 1.22)
};

struct go_json_options {
  bool escape_html = true;  // json.Marshal and json.NewEncoder default
  go_json_style style = go_json_style::go1_21;
};

// Appends s as a quoted JSON string, the way encoding/json writes a Go string.
void append_go_json_string(std::string& out, std::string_view s, const go_json_options& opt = {});

// Appends s as a quoted JSON string, the way jsoniter ConfigFastest writes a Go string.
void append_jsoniter_fastest_string(std::string& out, std::string_view s);

// s with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD (as Go's
// strings.ToValidUTF8 with "\uFFFD" per bad byte). ConfigFastest copies invalid bytes into its
// output, which makes the document invalid JSON; text that echoes peer input (error messages)
// goes through this first, so our replies always parse.
std::string to_valid_utf8(std::string_view s);

}  // namespace skywire::wire::json
