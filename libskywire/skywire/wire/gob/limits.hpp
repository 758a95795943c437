#pragma once
// Hard limits of the gob decoder (wire/gob/decoder.hpp). Every gob length and count comes from
// a peer, so the decoder checks each one against these limits *and* against the bytes still
// in the current message before it allocates anything. Exceeding a limit is errc::too_long
// (sizes, counts), errc::too_deep (nesting) or errc::too_many_types; the stream is then dead.
//
// The defaults fit net/rpc traffic of the Skywire control plane (the largest real message is
// the 504-byte DialRouteGroup reply, spec/skywire.md B.5 (c); route lists of a few hundred
// hops stay far below 64 KiB). dmsg stream objects use the much tighter stream_object_limits()
// below: a Go StreamRequest is 282 bytes.
#include <cstddef>
#include <cstdint>

namespace skywire::wire::gob {

struct limits {
  // Largest single message (length prefix value). Go's own cap is 1 GiB ("tooBig"), far too
  // generous for a peer we do not trust; 1 MiB holds any control-plane message we know of.
  std::size_t max_message_size = std::size_t{1} << 20;

  // Total bytes a decoder accepts over its lifetime (all messages, definitions included).
  // Bounds the memory and CPU one stream can cost; long-lived RPC streams that need more
  // should be re-established by the caller (net/rpc connections are cheap to redial).
  std::uint64_t max_total_input = std::uint64_t{64} << 20;

  // Deepest nesting of a value (struct in slice in struct ...). The decoder recurses once per
  // level, so this bounds stack use; a type that refers to itself hits this limit instead of
  // recursing without end. Real Skywire values nest at most 4 levels.
  std::size_t max_depth = 32;

  // Nodes (scalars, strings, elements, fields) in one decoded value. Every node costs at least
  // one input byte, so this mostly caps the memory of the tree (a node is ~100 bytes in C++
  // for 1 byte of input) on top of max_message_size.
  std::size_t max_elements = 65536;

  // Type definitions per stream. Go defines each type once per stream, and the Skywire RPC
  // surface has a few dozen types, so 256 leaves ample room while bounding the table.
  std::size_t max_types = 256;

  // Fields in one struct definition and bytes in one type or field name: no real Go type
  // comes close; they bound what a single definition can make us store.
  std::size_t max_fields = 256;
  std::size_t max_name_length = 1024;
};

// Limits for one dmsg StreamRequest / StreamResponse (spec/dmsg.md §5.4): a few definitions and
// one small value; anything larger is not a Go peer.
inline limits stream_object_limits() {
  limits l;
  l.max_message_size = 4096;
  l.max_total_input = 8192;
  l.max_depth = 8;
  l.max_elements = 1024;
  l.max_types = 16;
  l.max_fields = 32;
  l.max_name_length = 256;
  return l;
}

}  // namespace skywire::wire::gob
