// yamux session_core (dmsg/yamux) driven by a hostile peer and a scripted application at once.
// Input: a sequence of commands, each an op byte followed by its arguments:
//   0/1  feed N (next byte) raw bytes to the server/client core (the hostile peer)
//   2/3  client/server open_stream        4/5  server/client accept
//   6/7  client/server write N bytes (next byte × 64) on stream #k (next byte)
//   8/9  client/server read up to N bytes on stream #k
//   10   close_stream #k (side = bit 0 of the next byte)   11  reset_stream #k   12 release #k
//   13   advance time by N seconds (next byte) and run both timers
//   14   pump: move queued output between the cores (the honest path)
//   15   drain part of one side's output, discarding it   16  go_away / ping / close
// Both cores are checked against their documented bounds after every command.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "skywire/dmsg/yamux/limits.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"

using namespace skywire;
using namespace skywire::dmsg::yamux;

namespace {

struct side {
  session_core core;
  std::vector<stream_id> ids;  // streams the application holds
};

struct cursor {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t next() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  byte_view take(std::size_t k) {
    k = std::min(k, n);
    byte_view v(p, k);
    p += k;
    n -= k;
    return v;
  }
};

void check(const session_core& c) {
  if (c.output_size() > limits::max_output_bytes + limits::max_control_bytes) std::abort();
  if (c.stream_count() > limits::max_streams) std::abort();
  if (c.backlog_size() > limits::accept_backlog) std::abort();
}

stream_id pick(side& s, std::uint8_t k) { return s.ids.empty() ? k : s.ids[k % s.ids.size()]; }

void pump(side& a, side& b, time_point now) {
  for (int round = 0; round < 4; ++round) {
    auto va = a.core.pending_output();
    bytes ca(va.begin(), va.end());
    a.core.consume_output(va.size());
    auto vb = b.core.pending_output();
    bytes cb(vb.begin(), vb.end());
    b.core.consume_output(vb.size());
    if (ca.empty() && cb.empty()) return;
    (void)b.core.receive(ca, now);
    (void)a.core.receive(cb, now);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  time_point now{};
  side client{session_core(role::client, now), {}};
  side server{session_core(role::server, now), {}};
  static const bytes payload(255 * 64, 0xab);
  byte_array<4096> readbuf{};
  cursor in{data, size};

  while (!in.empty()) {
    const std::uint8_t op = in.next() % 17;
    side& one = (op % 2 == 0) ? client : server;
    switch (op) {
      case 0:
      case 1: {
        side& target = op == 0 ? server : client;
        const std::size_t n = in.next();
        (void)target.core.receive(in.take(n), now);
        break;
      }
      case 2:
      case 3: {
        auto id = one.core.open_stream(now);
        if (id && one.ids.size() < 64) one.ids.push_back(*id);
        break;
      }
      case 4:
      case 5: {
        side& acceptor = op == 4 ? server : client;
        auto id = acceptor.core.accept();
        if (id && acceptor.ids.size() < 64) acceptor.ids.push_back(*id);
        break;
      }
      case 6:
      case 7: {
        const std::size_t n = std::size_t{in.next()} * 64;
        auto r = one.core.write(pick(one, in.next()), byte_view(payload).first(n));
        if (r && *r > n) std::abort();
        break;
      }
      case 8:
      case 9: {
        const std::size_t n = std::min<std::size_t>(std::size_t{in.next()} * 16 + 1, readbuf.size());
        const stream_id id = pick(one, in.next());
        auto st = one.core.status(id);
        if (st && st->buffered > limits::initial_window) std::abort();
        (void)one.core.read(id, mutable_byte_view(readbuf).first(n));
        break;
      }
      case 10:
      case 11:
      case 12: {
        const std::uint8_t b = in.next();
        side& s = (b & 1) ? server : client;
        const stream_id id = pick(s, static_cast<std::uint8_t>(b >> 1));
        if (op == 10) (void)s.core.close_stream(id, now);
        if (op == 11) s.core.reset_stream(id);
        if (op == 12) {
          s.core.release(id, now);
          std::erase(s.ids, id);
        }
        break;
      }
      case 13:
        now += std::chrono::seconds(in.next());
        client.core.on_timer(now);
        server.core.on_timer(now);
        for (const session_core* c : {&client.core, &server.core}) {
          auto d = c->next_deadline();
          if (d && *d <= now && !c->closed()) {
            // Everything due has fired; only a future deadline (or none) may remain.
            std::abort();
          }
        }
        break;
      case 14:
        pump(client, server, now);
        break;
      case 15: {
        const std::uint8_t b = in.next();
        side& s = (b & 1) ? server : client;
        auto v = s.core.pending_output();
        s.core.consume_output(std::min<std::size_t>(v.size(), std::size_t{b} * 97));
        break;
      }
      case 16: {
        const std::uint8_t b = in.next();
        side& s = (b & 1) ? server : client;
        if ((b >> 1) % 3 == 0) s.core.go_away();
        if ((b >> 1) % 3 == 1) (void)s.core.ping(now);
        if ((b >> 1) % 3 == 2) s.core.close();
        break;
      }
      default:
        break;
    }
    (void)client.core.take_events();
    (void)server.core.take_events();
    check(client.core);
    check(server.core);
  }
  return 0;
}
