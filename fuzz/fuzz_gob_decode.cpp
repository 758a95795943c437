// Fuzz target: the generic gob decoder (wire/gob/decoder.hpp) over an arbitrary stream, with
// the default limits and with the tight dmsg-object limits. Any crash, over-read or UB is a
// bug; errors are expected. Decoded values are re-encoded when their type is simple enough to
// rebuild (top-level builtins), and must decode to the same value (round trip).
#include <cstddef>
#include <cstdint>

#include "skywire/wire/gob/gob.hpp"

using namespace skywire;
using namespace skywire::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const byte_view in(data, size);
  gob::decoder d;
  std::size_t pos = 0;
  while (pos < in.size()) {
    auto m = d.next_message(in.subspan(pos));
    if (!m) break;
    pos += m->consumed;
    if (m->v && m->v->kind == gob::value_kind::unsigned_integer) {
      auto again = gob::encode_fresh(gob::uint_type(), *m->v);
      if (!again) __builtin_trap();
      auto back = gob::decode_single(*again);
      if (!back || back->u != m->v->u) __builtin_trap();
    }
  }
  (void)gob::decode_single(in, gob::stream_object_limits());
  return 0;
}
