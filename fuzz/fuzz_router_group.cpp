// Fuzz target: the route group state machine (router/route_group_core.hpp, spec/skywire.md
// §3.5). Two cores, an initiator A and a responder B, run on a manual clock; the input is a
// program of operations: deliver the next output packet of one side to the other (optionally
// with a byte flipped, or cut in two), inject an arbitrary packet into a side, advance the
// clock, write, read, close, fail. Invariants: the output byte count matches the queued
// packets, every output is one whole routing packet with the side's send route id, the receive
// buffer stays within its bounds, a closed core stays closed and accepts no writes, and a core
// never reports open before the negotiation ended.
//
// Input: byte 0 bits 0/1 = A/B offer encryption; then ops (op byte, operands follow).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "skywire/base/clock.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/router/route_group_core.hpp"
#include "skywire/wire/routing/packet.hpp"

using namespace skywire;
using namespace skywire::router;
namespace wr = skywire::wire::routing;

namespace {

// Deterministic "randomness" for the ephemeral keys: reproducible runs.
struct counter_random final : base::random_source {
  std::uint8_t n = 1;
  void fill(mutable_byte_view out) override {
    for (auto& b : out) b = n++;
  }
};

struct reader {
  const std::uint8_t* p;
  std::size_t left;
  bool empty() const { return left == 0; }
  std::uint8_t u8() {
    if (left == 0) return 0;
    --left;
    return *p++;
  }
  byte_view take(std::size_t n) {
    n = n < left ? n : left;
    byte_view v(p, n);
    p += n;
    left -= n;
    return v;
  }
};

void check(const route_group_core& c, std::size_t max_messages, std::size_t max_bytes) {
  if (c.buffered_bytes() > max_bytes) std::abort();
  if (c.closed() && c.writable()) std::abort();
  if (c.phase() == group_phase::open && !c.was_opened()) std::abort();
  (void)max_messages;
}

const crypto::key_pair& key(int i) {
  static const crypto::key_pair a = crypto::deterministic_key_pair(as_bytes(std::string_view("fuzz-a"))).value();
  static const crypto::key_pair b = crypto::deterministic_key_pair(as_bytes(std::string_view("fuzz-b"))).value();
  return i == 0 ? a : b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  reader in{data + 1, size - 1};
  base::manual_clock clock{base::clock::wall_time(std::chrono::seconds(1700000000))};
  counter_random rng;
  group_options o;
  o.max_buffered_messages = 8;
  o.max_buffered_bytes = 4096;
  o.max_output_bytes = 8192;
  const std::uint32_t rid[2] = {5, 9};
  route_group_core a({group_role::initiator, key(0), key(1).pk, (data[0] & 1) != 0, rid[0], o}, clock, rng);
  route_group_core b({group_role::responder, key(1), key(0).pk, (data[0] & 2) != 0, rid[1], o}, clock, rng);
  route_group_core* side[2] = {&a, &b};
  a.start();
  b.start();

  for (int steps = 0; !in.empty() && steps < 4096; ++steps) {
    const std::uint8_t op = in.u8();
    const int s = op & 1;
    route_group_core& me = *side[s];
    route_group_core& peer = *side[1 - s];
    const bool closed_before = me.closed();
    switch ((op >> 1) % 9) {
      case 0:
      case 1: {  // deliver my next output to the peer, maybe tampered or split
        if (!me.has_output()) break;
        const std::size_t before = me.output_bytes();
        bytes pkt = me.pop_output();
        if (me.output_bytes() + pkt.size() != before) std::abort();
        auto p = wr::parse_packet(pkt);
        if (!p || p->route_id != rid[s]) std::abort();
        const std::uint8_t how = in.u8();
        bytes payload(p->payload.begin(), p->payload.end());
        if ((how & 3) == 1 && !payload.empty()) payload[in.u8() % payload.size()] ^= static_cast<std::uint8_t>(1 | how);
        if ((how & 3) == 2 && payload.size() > 1) {
          const std::size_t cut = 1 + in.u8() % (payload.size() - 1);
          peer.on_packet(p->type, byte_view(payload).first(cut));
          peer.on_packet(p->type, byte_view(payload).subspan(cut));
        } else if ((how & 3) != 3) {  // 3: lost on the way
          peer.on_packet(p->type, payload);
        }
        break;
      }
      case 2: {  // an arbitrary packet from the network
        const auto type = static_cast<wr::packet_type>(in.u8() % 7);
        const std::size_t n = in.u8();
        me.on_packet(type, in.take(n));
        break;
      }
      case 3:  // time passes
        clock.advance(std::chrono::milliseconds(in.u8()) * 50);
        a.on_timer();
        b.on_timer();
        break;
      case 4: {  // the app writes
        const std::size_t n = static_cast<std::size_t>(in.u8()) * 17;
        bytes msg(n, static_cast<std::uint8_t>(op));
        const bool was_closed = me.closed();
        auto w = me.write(msg);
        if (was_closed && w) std::abort();
        break;
      }
      case 5:  // the app reads
        if (me.readable()) {
          if (in.u8() & 1) {
            (void)me.take_message();
          } else {
            me.consume(in.u8());
          }
        }
        break;
      case 6: me.close(); break;
      case 7: me.fail(make_error_code(boost::system::errc::connection_reset)); break;
      case 8: me.set_close_error("no listener on port 44, vpn-server offline"); break;
    }
    check(a, o.max_buffered_messages, o.max_buffered_bytes);
    check(b, o.max_buffered_messages, o.max_buffered_bytes);
    if (closed_before && !me.closed()) std::abort();
    (void)a.next_deadline();
    (void)b.next_deadline();
  }
  return 0;
}
