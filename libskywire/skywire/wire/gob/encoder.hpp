#pragma once
// gob encoder that reproduces Go's encoding/gob bytes for the subset in types.hpp
// (spec/skywire.md A.2, spec/dmsg.md §5.4).
//
// An encoder is one gob *stream*: it remembers which type definitions it has sent, and sends
// each once, right before the first value that needs it (outer type first, then components
// depth-first in field order, exactly like Go's Encoder.sendType). Type ids come from a
// type_ids table that plays the role of Go's process-global id table:
//   * dmsg style (a fresh Go Encoder per object, pkg/dmsg/util.go): encode_fresh(), or a new
//     type_ids + encoder per object; ids start at 65 in each object.
//   * net/rpc style (one Encoder per connection direction): keep one encoder for the
//     connection; share one type_ids across connections if the numbering should look like
//     one Go process (not required: receivers map ids from the definitions).
//
// Values follow Go's zero rules: inside a struct, fields that are Go zero values (false, 0,
// "", empty slice/map, value_kind::absent, a marshaled blob whose bytes are all zero, e.g. a
// null PubKey or nil UUID) are omitted; arrays and nested structs are always sent (Go sends a
// struct-typed field even when all of it is zero); top-level values and elements are always
// sent. For marshaled types whose zero value does not marshal to zero bytes (time.Time), pass
// value_kind::absent for the zero value.
//
// Struct values are matched to the type's fields by name; unknown names are a bug in the
// caller and fail with errc::bad_field. Errors: errc::type_mismatch (value kind does not fit
// the type, or array length differs), errc::bad_field. On error nothing is appended and the
// set of sent definitions is unchanged (ids the type_ids table assigned stay assigned, as in
// Go, where registering a type numbers it whether or not the encode succeeds).
#include <unordered_set>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/gob/types.hpp"
#include "skywire/wire/gob/value.hpp"

namespace skywire::wire::gob {

class encoder {
 public:
  // Requires: ids and every type_def passed to encode() outlive the encoder.
  explicit encoder(type_ids& ids) : ids_(ids) {}

  // Appends to out the definitions of t's types not yet sent on this stream, then one value
  // message carrying v.
  result<void> encode(const type_def& t, const value& v, bytes& out);

 private:
  void send_type(const type_def& t, bytes& out, std::unordered_set<type_id>& sent);

  type_ids& ids_;
  std::unordered_set<type_id> sent_;
};

// One self-contained gob stream (definitions + one value), as a fresh Go process's fresh
// Encoder would write it when first_id = 65.
result<bytes> encode_fresh(const type_def& t, const value& v, type_id first_id = default_first_id);

}  // namespace skywire::wire::gob
