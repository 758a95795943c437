#pragma once
// Error codes of the wire module (category "skywire.wire"): what the pure codecs of wire/
// (gob subset, dmsg stream objects, JSON entries, discovery documents) report when input is
// malformed, oversized or semantically invalid. Every decoder in wire/ returns these as
// values; none throws on hostile input. Crypto failures (bad key point, bad signature) keep
// their skywire.crypto codes so the caller can tell "garbled" from "forged".
//
// Caller reaction, in general: every code here means "drop this object / close this stream";
// only errc::truncated from a streaming decoder (gob::decoder::next_message) means "wait for
// more bytes", and it is documented at that function.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::wire {

enum class errc {
  truncated = 1,        // input ended before the current message or field was complete
  too_long,             // a length, count or size exceeds the configured limit
  too_deep,             // value or type nesting exceeds the configured depth limit
  too_many_types,       // more type definitions in one stream than the limit allows
  bad_type_id,          // a type id that is out of range (user id < 64, builtin we do not speak)
  duplicate_type,       // a type id defined twice in one stream (Go rejects this too)
  unknown_type,         // a value or definition refers to a type id that was never defined
  bad_type_definition,  // a wireType that is malformed (no kind, two kinds, unknown field)
  unsupported_type,     // a valid gob type outside our subset (interface, complex)
  type_mismatch,        // a value's wire type does not fit the field it is decoded into
  bad_field,            // a struct field number outside the type's field list, or bad delta
  missing_field,        // a required field is absent
  invalid_value,        // a field is present but violates a protocol rule (port 0, ...)
  bad_message,          // a framed message is internally inconsistent (ends mid-value, ...)
  trailing_bytes,       // bytes left after a complete value / message / object
  too_short,            // an object shorter than its fixed prefix (e.g. SignedObject <= 65)
  bad_json,             // text is not valid JSON or does not have the expected shape
  // dmsg discovery entry validation (spec/dmsg.md §7.4/§7.5; the message is Go's cause text):
  disc_no_version,            // "entry has no version"
  disc_no_signature,          // "entry has no signature"
  disc_nil_keys,              // "entry Keys is nil" (static is the null key)
  disc_no_client_or_server,   // "entry has neither client or server field"
  disc_empty_server_address,  // "server address cannot be empty"
  disc_outdated_timestamp,    // "advertised entry has outdated timestamp"
  disc_wrong_sequence,        // "sequence field of new entry is not sequence of old entry + 1"
  disc_wrong_time,            // "advertised entry timestamp is not greater than previous"
  disc_loopback_address,      // "advertising localhost listening address is not allowed in production mode"
  disc_invalid_signature,     // "invalid signature" (HTTP 401; disc::check_post wraps any verify failure)
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::wire

template <>
struct boost::system::is_error_code_enum<skywire::wire::errc> : std::true_type {};
