#pragma once
// Routing packets (spec/skywire.md §3.1): the only thing a transport carries after settlement.
//
//   offset 0  u8   type        (packet_type; other values are valid bytes, see below)
//   offset 1  u32  route ID    (big-endian)
//   offset 5  u16  payload size (big-endian; so a payload is at most 65535 bytes)
//   offset 7  …    payload
//
//   auto hdr = parse_header(seven_bytes);            // never fails on 7 bytes
//   if (!is_known(hdr->type)) { /* log, drop */ }
//   auto pkt = encode_data(rid, payload);            // result<bytes>: too_long past 65535
//   bytes ka = encode_keep_alive(rid);               // 02 rrrrrrrr 0000
//
// Payload sizes of the typed packets are fixed by Go's writers and readers: Close 1 byte (the
// close code), KeepAlive empty, Handshake 1 byte (1 = wants encryption), Ping 16 bytes
// (i64 unix ms ‖ i64 throughput bytes/s), Pong 16 bytes (echoed i64 ‖ 8 zero bytes), Error
// UTF-8 text, Data opaque. Our encoders always write exactly these sizes: Go's router reads
// payload[0] / 16 bytes without checking the length and a short packet crashes a Go visor.
// Our payload decoders (parse_close, parse_handshake, parse_ping, parse_pong) require at least
// those sizes and ignore extra bytes, as Go's readers do, so they never refuse a Go packet.
//
// Unknown types: parse_header / parse_packet accept any type byte (Go's router logs and drops
// packets of other types; it does not fail the transport), so the layer above decides;
// is_known() tells them apart.
//
// Errors (wire::errc): truncated (fewer bytes than the header / the declared payload),
// trailing_bytes (more than the header / the packet), too_long (a payload over 65535 bytes to
// encode), too_short (a typed payload shorter than its fixed size). Pure functions, no I/O, no
// allocation beyond the returned buffers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"

namespace skywire::wire::routing {

enum class packet_type : std::uint8_t {
  data = 0,
  close = 1,
  keep_alive = 2,
  handshake = 3,
  ping = 4,
  pong = 5,
  error = 6,
};

inline constexpr std::size_t header_size = 7;
inline constexpr std::size_t max_payload_size = 65535;
inline constexpr std::size_t max_packet_size = header_size + max_payload_size;
inline constexpr std::size_t ping_payload_size = 16;

// Go's routing.CloseCode; CloseRequested is the only one Go sends.
inline constexpr std::uint8_t close_requested = 0;

constexpr bool is_known(packet_type t) noexcept { return static_cast<std::uint8_t>(t) <= 6; }

// Go's String() names ("DataPacket", "ClosePacket", …; "Unknown(<n>)" otherwise), for logs.
std::string_view to_string(packet_type t) noexcept;

struct packet_header {
  packet_type type = packet_type::data;
  std::uint32_t route_id = 0;
  std::uint16_t payload_size = 0;
  friend bool operator==(const packet_header&, const packet_header&) = default;
};

// A whole packet; the payload views the input it was parsed from.
struct packet_view {
  packet_type type = packet_type::data;
  std::uint32_t route_id = 0;
  byte_view payload;
};

// Exactly header_size bytes.
result<packet_header> parse_header(byte_view b) noexcept;
// Exactly one packet: header plus payload_size bytes.
result<packet_view> parse_packet(byte_view b) noexcept;

// Writes the 7 header bytes into out[0..7). out must hold at least header_size bytes.
void write_header(const packet_header& h, mutable_byte_view out) noexcept;
byte_array<header_size> encode_header(const packet_header& h) noexcept;

// Any type with any payload (the payload must fit in u16).
result<bytes> encode_packet(packet_type type, std::uint32_t route_id, byte_view payload);

result<bytes> encode_data(std::uint32_t route_id, byte_view payload);
bytes encode_close(std::uint32_t route_id, std::uint8_t code = close_requested);
bytes encode_keep_alive(std::uint32_t route_id);
bytes encode_handshake(std::uint32_t route_id, bool encrypt);
bytes encode_ping(std::uint32_t route_id, std::int64_t unix_ms, std::int64_t throughput);
bytes encode_pong(std::uint32_t route_id, std::int64_t echoed_unix_ms);
result<bytes> encode_error(std::uint32_t route_id, std::string_view text);

// Typed payloads (of a packet of that type; the type itself is not checked here).
struct ping_payload {
  std::int64_t unix_ms = 0;
  std::int64_t throughput = 0;  // Pong: always 0 on the wire
  friend bool operator==(const ping_payload&, const ping_payload&) = default;
};

result<std::uint8_t> parse_close(byte_view payload) noexcept;  // the close code
result<bool> parse_handshake(byte_view payload) noexcept;      // true: payload[0] == 1
result<ping_payload> parse_ping(byte_view payload) noexcept;
result<ping_payload> parse_pong(byte_view payload) noexcept;

}  // namespace skywire::wire::routing
