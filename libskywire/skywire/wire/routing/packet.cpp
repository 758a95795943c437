#include "skywire/wire/routing/packet.hpp"

#include <cstring>

#include "skywire/base/byte_reader.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::wire::routing {

namespace {

void put_u32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

void put_u64(std::uint8_t* p, std::uint64_t v) noexcept {
  put_u32(p, static_cast<std::uint32_t>(v >> 32));
  put_u32(p + 4, static_cast<std::uint32_t>(v));
}

std::uint64_t get_u64(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// A packet whose payload the caller fills: header written, payload zeroed.
bytes make(packet_type type, std::uint32_t route_id, std::uint16_t payload_size) {
  bytes out(header_size + payload_size);
  write_header({type, route_id, payload_size}, out);
  return out;
}

}  // namespace

std::string_view to_string(packet_type t) noexcept {
  switch (t) {
    case packet_type::data: return "DataPacket";
    case packet_type::close: return "ClosePacket";
    case packet_type::keep_alive: return "KeepAlivePacket";
    case packet_type::handshake: return "Handshake";
    case packet_type::ping: return "Ping";
    case packet_type::pong: return "Pong";
    case packet_type::error: return "Error";
  }
  return "Unknown";
}

result<packet_header> parse_header(byte_view b) noexcept {
  if (b.size() < header_size) return errc::truncated;
  if (b.size() > header_size) return errc::trailing_bytes;
  base::byte_reader r(b);
  packet_header h;
  h.type = static_cast<packet_type>(*r.u8());
  h.route_id = *r.u32be();
  h.payload_size = *r.u16be();
  return h;
}

result<packet_view> parse_packet(byte_view b) noexcept {
  if (b.size() < header_size) return errc::truncated;
  auto h = parse_header(b.first(header_size));
  if (!h) return h.error();
  const std::size_t total = header_size + h->payload_size;
  if (b.size() < total) return errc::truncated;
  if (b.size() > total) return errc::trailing_bytes;
  return packet_view{h->type, h->route_id, b.subspan(header_size)};
}

void write_header(const packet_header& h, mutable_byte_view out) noexcept {
  out[0] = static_cast<std::uint8_t>(h.type);
  put_u32(&out[1], h.route_id);
  out[5] = static_cast<std::uint8_t>(h.payload_size >> 8);
  out[6] = static_cast<std::uint8_t>(h.payload_size);
}

byte_array<header_size> encode_header(const packet_header& h) noexcept {
  byte_array<header_size> out{};
  write_header(h, out);
  return out;
}

result<bytes> encode_packet(packet_type type, std::uint32_t route_id, byte_view payload) {
  if (payload.size() > max_payload_size) return errc::too_long;
  bytes out = make(type, route_id, static_cast<std::uint16_t>(payload.size()));
  if (!payload.empty()) std::memcpy(out.data() + header_size, payload.data(), payload.size());
  return out;
}

result<bytes> encode_data(std::uint32_t route_id, byte_view payload) {
  return encode_packet(packet_type::data, route_id, payload);
}

bytes encode_close(std::uint32_t route_id, std::uint8_t code) {
  bytes out = make(packet_type::close, route_id, 1);
  out[header_size] = code;
  return out;
}

bytes encode_keep_alive(std::uint32_t route_id) { return make(packet_type::keep_alive, route_id, 0); }

bytes encode_handshake(std::uint32_t route_id, bool encrypt) {
  bytes out = make(packet_type::handshake, route_id, 1);
  out[header_size] = encrypt ? 1 : 0;
  return out;
}

bytes encode_ping(std::uint32_t route_id, std::int64_t unix_ms, std::int64_t throughput) {
  bytes out = make(packet_type::ping, route_id, ping_payload_size);
  put_u64(&out[header_size], static_cast<std::uint64_t>(unix_ms));
  put_u64(&out[header_size + 8], static_cast<std::uint64_t>(throughput));
  return out;
}

bytes encode_pong(std::uint32_t route_id, std::int64_t echoed_unix_ms) {
  bytes out = make(packet_type::pong, route_id, ping_payload_size);
  put_u64(&out[header_size], static_cast<std::uint64_t>(echoed_unix_ms));
  return out;
}

result<bytes> encode_error(std::uint32_t route_id, std::string_view text) {
  return encode_packet(packet_type::error, route_id, as_bytes(text));
}

result<std::uint8_t> parse_close(byte_view payload) noexcept {
  if (payload.empty()) return errc::too_short;
  return payload[0];
}

result<bool> parse_handshake(byte_view payload) noexcept {
  if (payload.empty()) return errc::too_short;
  return payload[0] == 1;
}

result<ping_payload> parse_ping(byte_view payload) noexcept {
  if (payload.size() < ping_payload_size) return errc::too_short;
  return ping_payload{static_cast<std::int64_t>(get_u64(payload.data())),
                      static_cast<std::int64_t>(get_u64(payload.data() + 8))};
}

result<ping_payload> parse_pong(byte_view payload) noexcept { return parse_ping(payload); }

}  // namespace skywire::wire::routing
