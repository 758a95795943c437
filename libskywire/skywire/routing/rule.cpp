#include "skywire/routing/rule.hpp"

#include <cstring>
#include <limits>

#include "skywire/base/byte_reader.hpp"
#include "skywire/base/byte_writer.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::routing {

namespace {

constexpr std::size_t uuid_size = 16;
// Go allocates a public key's size (33) for the 16-byte transport id: 17 bytes of padding.
constexpr std::size_t next_hop_size = 4 + crypto::public_key::size;
// What Go's readers need: the bytes up to the end of the transport id.
constexpr std::size_t forward_rule_min = rule_header_size + descriptor_size + 4 + uuid_size;  // 103
constexpr std::size_t intermediary_rule_min = rule_header_size + 4 + uuid_size;             // 33

static_assert(consume_rule_size == rule_header_size + descriptor_size);
static_assert(forward_rule_size == rule_header_size + descriptor_size + next_hop_size);
static_assert(intermediary_rule_size == rule_header_size + next_hop_size);

// Go's setKeepAlive stores a negative duration as 0.
std::chrono::nanoseconds clamp(std::chrono::nanoseconds d) noexcept {
  return d.count() < 0 ? std::chrono::nanoseconds{0} : d;
}

void write_next_hop(base::byte_writer& w, route_id next, const wire::transport::uuid& tp) {
  w.u32be(next);
  w.append(tp.bytes);
  const byte_array<next_hop_size - 4 - uuid_size> padding{};
  w.append(padding);
}

}  // namespace

std::string_view to_string(rule_type t) noexcept {
  switch (t) {
    case rule_type::consume: return "Consume";
    case rule_type::forward: return "Forward";
    case rule_type::intermediary: return "IntermediaryForward";
  }
  return "Unknown";
}

rule rule::make_consume(std::chrono::nanoseconds keep_alive, route_id key, const route_descriptor& d) {
  rule r;
  r.type = rule_type::consume;
  r.keep_alive = clamp(keep_alive);
  r.key_route_id = key;
  r.descriptor = d;
  return r;
}

rule rule::make_forward(std::chrono::nanoseconds keep_alive, route_id key, route_id next,
                        const wire::transport::uuid& next_tp, const route_descriptor& d) {
  rule r;
  r.type = rule_type::forward;
  r.keep_alive = clamp(keep_alive);
  r.key_route_id = key;
  r.descriptor = d;
  r.next_route_id = next;
  r.next_transport_id = next_tp;
  return r;
}

rule rule::make_intermediary(std::chrono::nanoseconds keep_alive, route_id key, route_id next,
                             const wire::transport::uuid& next_tp) {
  rule r;
  r.type = rule_type::intermediary;
  r.keep_alive = clamp(keep_alive);
  r.key_route_id = key;
  r.next_route_id = next;
  r.next_transport_id = next_tp;
  return r;
}

bytes rule::encode() const {
  base::byte_writer w(forward_rule_size);
  w.u64be(static_cast<std::uint64_t>(clamp(keep_alive).count()));
  w.u8(static_cast<std::uint8_t>(type));
  w.u32be(key_route_id);
  switch (type) {
    case rule_type::consume:
      w.append(descriptor.encode());
      break;
    case rule_type::forward:
      w.append(descriptor.encode());
      write_next_hop(w, next_route_id, next_transport_id);
      break;
    case rule_type::intermediary:
      write_next_hop(w, next_route_id, next_transport_id);
      break;
  }
  return std::move(w).take();
}

result<rule> rule::parse(byte_view b) {
  if (b.size() < rule_header_size) return wire::errc::truncated;
  base::byte_reader r(b);
  const std::uint64_t keep_alive = *r.u64be();
  const std::uint8_t type = *r.u8();
  const route_id key = *r.u32be();
  if (type > static_cast<std::uint8_t>(rule_type::intermediary)) return errc::bad_rule_type;

  std::size_t min = consume_rule_size;
  std::size_t max = consume_rule_size;
  switch (static_cast<rule_type>(type)) {
    case rule_type::consume: break;
    case rule_type::forward: min = forward_rule_min, max = forward_rule_size; break;
    case rule_type::intermediary: min = intermediary_rule_min, max = intermediary_rule_size; break;
  }
  if (b.size() < min) return wire::errc::truncated;
  if (b.size() > max) return wire::errc::trailing_bytes;

  rule out;
  out.type = static_cast<rule_type>(type);
  // Go reads the u64 as a signed time.Duration; a negative one is stored as 0 (clamp).
  out.keep_alive = keep_alive > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                       ? std::chrono::nanoseconds{0}
                       : std::chrono::nanoseconds{static_cast<std::int64_t>(keep_alive)};
  out.key_route_id = key;
  if (out.type != rule_type::intermediary) {
    auto d = route_descriptor::parse(*r.take(descriptor_size));
    if (!d) return d.error();
    out.descriptor = *d;
  }
  if (out.type != rule_type::consume) {
    out.next_route_id = *r.u32be();
    std::memcpy(out.next_transport_id.bytes.data(), r.take(uuid_size)->data(), uuid_size);
    // The rest is Go's padding: never read, whatever it holds.
  }
  return out;
}

}  // namespace skywire::routing
