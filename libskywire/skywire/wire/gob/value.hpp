#pragma once
// gob::value: a generic tree holding one gob value. The decoder produces it from any stream
// (so a peer's type ids and field order do not matter to us), and the encoder consumes it
// together with a type_def. One node type for everything keeps the decoder small and its
// memory easy to bound (limits::max_elements nodes per value).
//
//   kind              payload
//   absent            none: a struct field that is Go's zero value (the encoder omits it)
//   boolean           b
//   integer           i                 (every Go signed int; gob id 2)
//   unsigned_integer  u                 (every Go unsigned int; gob id 3)
//   floating          u = IEEE-754 bits (gob id 4; as_double() converts)
//   string            data (raw bytes, gob does not check UTF-8)
//   byte_string       data ([]byte)
//   marshaled         data + marshaler kind (GobEncoder/BinaryMarshaler/TextMarshaler blob)
//   list              items (slice or array elements)
//   map               items = key0, value0, key1, value1, ...
//   structure         items + names (parallel): the fields present, in wire order
//
// A decoded struct holds only the fields the sender sent; an omitted field means Go's zero
// value, so readers use field(name) and treat nullptr as zero. `type` is the wire type id the
// node was decoded as (0 when built by hand).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skywire/base/bytes.hpp"
#include "skywire/wire/gob/types.hpp"

namespace skywire::wire::gob {

enum class value_kind : std::uint8_t {
  absent,
  boolean,
  integer,
  unsigned_integer,
  floating,
  string,
  byte_string,
  marshaled,
  list,
  map,
  structure,
};

struct value {
  value_kind kind = value_kind::absent;
  type_id type = 0;
  type_kind marshaler = type_kind::builtin;  // marshaled: which marshaler interface
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  bytes data;
  std::vector<value> items;
  std::vector<std::string> names;

  // The struct field called name, or nullptr if absent (or this is not a struct).
  const value* field(std::string_view name) const noexcept;
  std::string_view text() const noexcept { return as_chars(data); }
  double as_double() const noexcept;

  friend bool operator==(const value&, const value&) = default;
};

value make_bool(bool v);
value make_int(std::int64_t v);
value make_uint(std::uint64_t v);
value make_float(double v);
value make_string(std::string_view v);
value make_bytes(byte_view v);
value make_marshaled(type_kind kind, byte_view v);
value make_list(std::vector<value> items);
value make_map(std::vector<std::pair<value, value>> entries);
value make_struct(std::vector<std::pair<std::string, value>> fields);

}  // namespace skywire::wire::gob
