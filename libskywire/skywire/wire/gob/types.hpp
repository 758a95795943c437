#pragma once
// The gob type model used by the encoder (wire/gob/encoder.hpp) and the wire-level type
// descriptions the decoder registers (wire/gob/decoder.hpp).
//
// type_def describes one Go type the way gob sends it: a builtin (bool, int, uint, float,
// []byte, string), a struct with named fields, a slice, an array, a map, or a type with its
// own marshaller (GobEncoder, BinaryMarshaler, TextMarshaler: sent as an opaque byte string).
// A schema owns user type_defs at stable addresses, so definitions may refer to each other
// (and to themselves) by pointer; a schema must outlive every encoder that uses its types.
// Builtin type_defs are immutable constants returned by the *_type() functions.
//
// type_ids assigns wire ids the way a Go process does (encoding/gob type.go): ids start at 65
// (configurable, because in Go they are process-global and so depend on what else the process
// encoded) and are handed out in first-use order; a struct or marshaler type gets its id before
// its components, a slice, array or map after its components. pin() fixes an id by hand, to
// reproduce a particular Go process's numbering.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace skywire::wire::gob {

using type_id = std::int64_t;

// Builtin type ids (Go encoding/gob type.go).
inline constexpr type_id bool_id = 1;
inline constexpr type_id int_id = 2;
inline constexpr type_id uint_id = 3;
inline constexpr type_id float_id = 4;
inline constexpr type_id bytes_id = 5;
inline constexpr type_id string_id = 6;
inline constexpr type_id complex_id = 7;
inline constexpr type_id interface_id = 8;
// Lowest id a peer may define (Go's firstUserId); Go processes start handing out at 65.
inline constexpr type_id first_user_id = 64;
inline constexpr type_id default_first_id = 65;

enum class type_kind : std::uint8_t {
  builtin,
  structure,
  slice,
  array,
  map,
  gob_encoder,        // wireType.GobEncoderT (e.g. time.Time)
  binary_marshaler,   // wireType.BinaryMarshalerT (cipher.PubKey, uuid.UUID)
  text_marshaler,     // wireType.TextMarshalerT
};

bool is_marshaler(type_kind k) noexcept;

struct type_def;

struct field_def {
  std::string name;
  const type_def* type = nullptr;
};

struct type_def {
  type_kind kind = type_kind::builtin;
  std::string name;               // CommonType.Name as Go sends it (may be empty)
  type_id builtin_id = 0;         // builtin only
  std::vector<field_def> fields;  // structure, in Go declaration order
  const type_def* key = nullptr;  // map
  const type_def* elem = nullptr; // slice, array, map
  std::int64_t length = 0;        // array
};

const type_def& bool_type();
const type_def& int_type();     // every Go signed integer type
const type_def& uint_type();    // every Go unsigned integer type (uint8..uint64)
const type_def& float_type();
const type_def& bytes_type();   // []byte
const type_def& string_type();

class schema {
 public:
  schema() = default;
  schema(const schema&) = delete;
  schema& operator=(const schema&) = delete;

  // Returns a mutable definition so recursive structs can add fields after creation.
  type_def& add_struct(std::string name, std::vector<field_def> fields = {});
  const type_def& add_slice(std::string name, const type_def& elem);
  const type_def& add_array(std::string name, const type_def& elem, std::int64_t length);
  const type_def& add_map(std::string name, const type_def& key, const type_def& elem);
  const type_def& add_marshaler(type_kind kind, std::string name);  // one of the marshalers
  const type_def& add_binary_marshaler(std::string name) {
    return add_marshaler(type_kind::binary_marshaler, std::move(name));
  }
  const type_def& add_gob_encoder(std::string name) {
    return add_marshaler(type_kind::gob_encoder, std::move(name));
  }

 private:
  std::deque<type_def> defs_;  // deque: addresses stay valid as types are added
};

class type_ids {
 public:
  explicit type_ids(type_id first = default_first_id) : next_(first) {}

  // The wire id of t, assigning ids to t and its components in Go's order if needed.
  type_id assign(const type_def& t);
  // Fixes t's id (before first use). Requires: id >= first_user_id, not already used.
  void pin(const type_def& t, type_id id);
  std::optional<type_id> find(const type_def& t) const;

 private:
  type_id take_next();

  std::unordered_map<const type_def*, type_id> ids_;
  std::unordered_set<type_id> used_;
  std::unordered_set<const type_def*> building_;
  type_id next_;
};

}  // namespace skywire::wire::gob
