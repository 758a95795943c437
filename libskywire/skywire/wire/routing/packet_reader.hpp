#pragma once
// packet_reader: splits the byte stream of a transport (spec/skywire.md §1.7: concatenated
// routing packets, no other framing) into packets. Sans-I/O: the caller reads into prepare(),
// reports the count with commit(), then takes complete packets with next().
//
//   wire::routing::packet_reader rd;
//   for (;;) {
//     while (auto p = rd.next()) handle(*p);          // p->payload views rd's buffer
//     auto n = co_await stream.read_some(rd.prepare());
//     if (!n) break;
//     rd.commit(*n);
//   }
//
// Why a buffer rather than Go's readFull(7) + readFull(size): one read_some can then deliver
// many small packets (an encrypted stream returns up to one 4070-byte Noise frame per call),
// and the payload is never copied before the handler sees it.
//
// Bounds: the buffer holds at most one maximal packet (7 + 65535 bytes) plus one read chunk;
// it starts at min_buffer and grows only when a declared packet needs it, so a hostile header
// costs at most ~80 KiB per transport. Every type byte is accepted (see packet.hpp).
//
// Lifetime: a packet_view from next() is valid until the next call of prepare() or next().
// Not thread-safe; no errors (every byte sequence is a valid prefix of a packet stream).
#include <cstddef>
#include <optional>

#include "skywire/base/bytes.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::wire::routing {

class packet_reader {
 public:
  static constexpr std::size_t min_buffer = 8192;
  static constexpr std::size_t max_buffer = max_packet_size + min_buffer;

  // Free space to read into (never empty). Moves buffered bytes to the front when needed.
  mutable_byte_view prepare();
  // n bytes were written to the front of the last prepare() span.
  void commit(std::size_t n) noexcept;
  // The next complete packet, or nullopt when more bytes are needed.
  std::optional<packet_view> next() noexcept;

  // Bytes buffered but not yet returned as packets (a partial packet).
  std::size_t buffered() const noexcept { return end_ - begin_; }
  std::size_t capacity() const noexcept { return buf_.size(); }

 private:
  bytes buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace skywire::wire::routing
