#pragma once
// Bounded, generic gob decoder (spec/skywire.md A.2, spec/dmsg.md §5.4).
//
// A decoder is the receiving end of one gob stream (one net/rpc connection direction, or one
// dmsg object). It reads messages `uint(len) ‖ int(id) ‖ body`: a negative id defines user
// type -id (body = wireType), a positive id carries a value of that type. Definitions are
// registered by id, may refer to types defined later (Go sends outer types first), and are
// resolved when a value needs them. Values come out as a generic gob::value tree, so the peer's
// id numbering and field order do not matter; callers then validate the tree into their own
// types (see wire/dmsg/stream_objects.hpp).
//
// Totality: every length and count is checked against the bytes left in the current message
// and against gob::limits before anything is allocated; recursion is bounded by
// limits::max_depth; nothing throws. After any error other than errc::truncated from
// next_message the decoder is dead and keeps returning that error (the stream is desynced).
//
// Errors (all mean "drop the stream" unless noted):
//   truncated        next_message: `in` does not hold a whole message yet; nothing consumed,
//                    state unchanged: call again with more bytes.
//   too_long         a message, string, count or the total input exceeds limits.
//   too_deep         value nesting exceeds limits::max_depth.
//   too_many_types   more definitions than limits::max_types.
//   bad_type_id      a definition for an id < 64, or a reference to an id that cannot exist.
//   duplicate_type   the same id defined twice (Go rejects it too).
//   bad_type_definition  wireType malformed: no kind, two kinds, unknown field, negative len.
//   unknown_type     a value needs a type id never defined on this stream.
//   unsupported_type interface or complex values (outside our subset).
//   type_mismatch    array count differs from the declared length.
//   bad_field        a struct field number beyond the type's fields.
//   bad_message      a message body ends mid-value, empty message, bad singleton marker,
//                    uint longer than 8 bytes.
//   trailing_bytes   bytes left in a message after its definition or value.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/gob/limits.hpp"
#include "skywire/wire/gob/types.hpp"
#include "skywire/wire/gob/value.hpp"

namespace skywire::wire::gob {

// A type as the peer defined it (ids are the peer's).
struct wire_type {
  type_kind kind = type_kind::structure;  // never builtin
  std::string name;                        // informational
  std::vector<std::pair<std::string, type_id>> fields;  // structure
  type_id key = 0;                         // map
  type_id elem = 0;                        // slice, array, map
  std::int64_t length = 0;                 // array
};

class decoder {
 public:
  explicit decoder(limits l = {}) : limits_(l) {}

  struct message {
    std::size_t consumed = 0;    // bytes of `in` this message used
    std::optional<value> v;      // set for a value message, empty for a definition
  };

  // Decodes the first message in `in`.
  result<message> next_message(byte_view in);

  struct decoded {
    value v;
    std::size_t consumed = 0;
  };
  // Decodes messages until one value is complete (definitions are registered on the way).
  // For a buffer known to be complete: errc::truncated here may leave definitions registered.
  result<decoded> next_value(byte_view in);

  const wire_type* find_type(type_id id) const;
  std::size_t type_count() const noexcept { return types_.size(); }

 private:
  result<message> next_message_impl(byte_view in);

  limits limits_;
  std::unordered_map<type_id, wire_type> types_;
  std::uint64_t total_ = 0;
  error_code failed_;
};

// A complete buffer holding type definitions followed by exactly one value and nothing more
// (a dmsg object, spec/dmsg.md §5.4). errc::trailing_bytes if anything follows the value.
result<value> decode_single(byte_view in, const limits& l = {});

}  // namespace skywire::wire::gob
