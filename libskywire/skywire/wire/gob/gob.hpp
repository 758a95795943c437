#pragma once
// wire/gob: the subset of Go's encoding/gob that Skywire speaks — dmsg stream objects
// (spec/dmsg.md §5.4) and net/rpc calls between visors, setup nodes and apps (spec/skywire.md
// Appendix A, byte-exact examples in B.5). Pure codecs: no I/O, no clocks, no global state.
//
// The format in one paragraph. A gob stream is a sequence of messages
// `uint(len) ‖ int(typeId) ‖ body`. A negative id -t *defines* type t (body: a wireType
// struct naming the kind — struct, slice, array, map, or a marshaler — and the ids of its
// components); a positive id carries a value of that type. Builtins have fixed ids (bool 1,
// int 2, uint 3, float 4, []byte 5, string 6); user ids are >= 64 and are chosen by the
// sender (a Go process numbers types 65, 66, … in first-use order, process-wide). A struct
// value is a list of (field-number delta, value) pairs ending in 0, and Go leaves out fields
// holding zero values. Every integer uses gob's compact uint / zig-zag int encodings
// (primitives.hpp).
//
// Parts:
//   primitives.hpp  uint/int/float/bytes encodings.
//   types.hpp       type_def / schema: the Go types we send; type_ids: Go's id numbering.
//   value.hpp       gob::value: generic value tree (decoder output, encoder input).
//   encoder.hpp     encoder (one per stream; definitions sent once) and encode_fresh().
//   decoder.hpp     decoder (one per stream; bounded; errors are values) and decode_single().
//   limits.hpp      every decoder limit, with the reason for its default.
//
// Ownership: a schema owns its type_defs and must outlive encoders using them; a type_ids
// table must outlive its encoders; decoders own everything they return. Objects are not
// thread-safe; use one per stream on one executor.
//
// Errors: wire::errc (category "skywire.wire", wire/errc.hpp); each function documents which
// codes it returns. Any decode error except errc::truncated from decoder::next_message means
// the stream is corrupt or hostile: close it.
//
// Deliberate differences from Go: our decoder rejects interface and complex values
// (errc::unsupported_type; no Skywire message uses them), caps sizes far below Go's 1 GiB
// (limits.hpp), and, unlike Go, rejects a wireType with no or several kinds up front. Go
// accepts non-minimal uint encodings and so do we. Our encoder never omits an all-zero array
// field (Go's encoder does not either; the reference script gob.py assumes it would).
#include "skywire/wire/errc.hpp"
#include "skywire/wire/gob/decoder.hpp"
#include "skywire/wire/gob/encoder.hpp"
#include "skywire/wire/gob/limits.hpp"
#include "skywire/wire/gob/primitives.hpp"
#include "skywire/wire/gob/types.hpp"
#include "skywire/wire/gob/value.hpp"
