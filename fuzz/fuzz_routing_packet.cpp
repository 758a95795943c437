// Fuzz target: the routing packet codec and the transport stream splitter (spec/skywire.md
// §3.1, §1.7) on arbitrary bytes. Input: u8 chunk size ‖ stream bytes. The bytes are parsed as
// one packet (must re-encode to the same bytes when it parses), and fed to packet_reader in
// chunks of the given size (0 → 1): every packet it yields must re-encode to exactly the bytes
// it consumed, in order, the buffer must stay bounded and the leftover must be a strict prefix
// of one packet. Typed payload decoders must be total.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/routing/packet_reader.hpp"

using namespace skywire;
using namespace skywire::wire::routing;

namespace {

void check_payloads(const packet_view& p) {
  (void)parse_close(p.payload);
  (void)parse_handshake(p.payload);
  (void)parse_ping(p.payload);
  (void)parse_pong(p.payload);
  (void)to_string(p.type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = data[0] == 0 ? 1 : data[0];
  const byte_view in(data + 1, size - 1);

  if (auto whole = parse_packet(in)) {
    check_payloads(*whole);
    auto again = encode_packet(whole->type, whole->route_id, whole->payload);
    if (!again || again->size() != in.size() || std::memcmp(again->data(), in.data(), in.size()) != 0) std::abort();
  }
  if (in.size() >= header_size) {
    auto h = parse_header(in.first(header_size));
    if (!h) std::abort();
    auto enc = encode_header(*h);
    if (std::memcmp(enc.data(), in.data(), header_size) != 0) std::abort();
  }

  packet_reader rd;
  std::size_t fed = 0;
  std::size_t consumed = 0;
  auto drain = [&] {
    while (auto p = rd.next()) {
      check_payloads(*p);
      auto enc = encode_packet(p->type, p->route_id, p->payload);
      if (!enc || consumed + enc->size() > fed) std::abort();
      if (std::memcmp(enc->data(), in.data() + consumed, enc->size()) != 0) std::abort();
      consumed += enc->size();
    }
  };
  while (fed < in.size()) {
    drain();
    auto space = rd.prepare();
    if (space.empty() || rd.capacity() > packet_reader::max_buffer) std::abort();
    std::size_t n = chunk < space.size() ? chunk : space.size();
    if (n > in.size() - fed) n = in.size() - fed;
    std::memcpy(space.data(), in.data() + fed, n);
    rd.commit(n);
    fed += n;
  }
  drain();
  if (consumed + rd.buffered() != in.size()) std::abort();
  return 0;
}
