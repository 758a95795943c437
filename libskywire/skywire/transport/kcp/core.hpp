#pragma once
// core: one KCP conversation as a sans-I/O state machine (ikcp semantics, message mode), written
// from the ikcp/kcp-go v5 behaviour that Go's sudph uses (spec/skywire.md §1.4 "KCP notes").
// No sockets, no clocks: datagrams and the time go in, datagrams come out.
//
//   core k(conv, now);
//   k.send(message);                 // queue one message (fragmented by frg if > mss)
//   k.flush(now, out);               // append the datagrams to send now to `out`
//   k.input(datagram, now);          // a received datagram (all-or-nothing, see segment.hpp)
//   while (auto m = k.recv()) ...;   // complete messages, in order, exactly once
//   k.next_wakeup()                  // when flush() has retransmissions/probes due (nullopt: idle)
//
// Behaviour (ikcp): PUSH segments are numbered (sn) and retransmitted until ACKed (RTO from the
// measured RTT, backed off linearly like kcp-go, plus fast retransmit after `fast_resend`
// skipped ACKs when enabled); `una` acknowledges everything before it; the sender keeps at
// most min(snd_wnd, peer's advertised wnd[, congestion window]) segments in flight; a receiver
// advertises its free queue slots in `wnd` and a zero window is probed (WASK → WINS). Message
// mode (ikcp stream = 0): each send() is one message and each recv() returns exactly one — the
// boundary Go's Read relies on (get_nonce, the AR's JSON, heartbeat/delBind).
//
// Differences from ikcp, all local: ACKs go out on the flush that follows input (the adaptor
// flushes right after each burst of input — kcp-go's ackNoDelay, with the burst's ACKs sharing
// datagrams), not up to one interval later; every queue
// is bounded (limits.hpp); datagrams are validated whole before any effect; absurd segments are
// refused (data on ACK/WASK/WINS, frg that cannot fit our receive window, una/ACK beyond what
// we sent); the dead link has a time bound as well as a retransmission count.
//
// Time: `now` is any steady time point; the wire `ts` is milliseconds since construction,
// truncated to u32 (wrap-safe comparisons, as ikcp). Calls must pass non-decreasing `now`.
//
// Failure: dead (errc::dead_link) or close()d (errc::closed) is final: flush() emits nothing,
// send() fails, input() is ignored; recv() still returns messages already complete.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/transport/kcp/limits.hpp"
#include "skywire/transport/kcp/segment.hpp"

namespace skywire::transport::kcp {

using time_point = std::chrono::steady_clock::time_point;

// Local policy. Defaults interoperate with kcp-go v5's defaults (mtu 1400, wnd 32/32,
// nodelay off, no FEC/crypto) and with ourselves.
struct config {
  std::uint32_t mtu = limits::default_mtu;  // datagrams we emit are at most this long
  std::uint32_t snd_wnd = limits::default_snd_wnd;
  std::uint32_t rcv_wnd = limits::default_rcv_wnd;
  std::chrono::milliseconds interval = limits::default_interval;  // retransmission check granularity
  bool nodelay = false;         // ikcp nodelay: smaller minimum RTO, gentler backoff
  std::uint32_t fast_resend = 0;  // 0: off (kcp-go default); n: resend after n skipped ACKs
  bool no_congestion_window = false;  // ikcp nocwnd
  std::uint32_t dead_link = limits::dead_link;
  std::chrono::milliseconds dead_timeout = limits::dead_timeout;
  std::size_t max_send_segments = limits::max_send_segments;
};

class core {
 public:
  core(std::uint32_t conv, time_point now, const config& cfg = {});

  std::uint32_t conv() const noexcept { return conv_; }
  std::uint32_t mss() const noexcept { return mss_; }

  // --- input -----------------------------------------------------------------------------
  // One received datagram. An error refuses the datagram only (see errc.hpp); it is ignored
  // (success) once the core is dead or closed.
  result<void> input(byte_view datagram, time_point now);

  // The next complete message, or nullopt. Never returns part of a message.
  std::optional<bytes> recv();
  // Size of the next complete message, if any.
  std::optional<std::size_t> peek_size() const noexcept;

  // --- output ----------------------------------------------------------------------------
  // Queues one message (may be empty). Errors: message_too_large, send_queue_full, dead_link,
  // closed. Nothing goes out until flush().
  result<void> send(byte_view message);

  // Emits what is due at `now` (ACKs, window probe/tell, new segments within the window,
  // retransmissions) as datagrams of at most mtu bytes, appended to `out`.
  void flush(time_point now, std::vector<bytes>& out);

  // When flush() next has something to do: now-ish if ACKs/new data/probes are pending, the
  // earliest retransmission time, the zero-window probe time; nullopt when idle.
  std::optional<time_point> next_wakeup() const;

  // Segments queued or in flight (ikcp waitsnd); room for send() while below max_send_segments.
  std::size_t waiting_send() const noexcept { return snd_queue_.size() + snd_buf_.size(); }
  // send() of a message of `size` bytes would not fail with send_queue_full.
  bool can_send(std::size_t size = 0) const noexcept {
    return !error_ && waiting_send() + segments_for(size) <= cfg_.max_send_segments;
  }
  // Segments a message of `size` bytes takes (an empty message takes one).
  std::size_t segments_for(std::size_t size) const noexcept { return size <= mss_ ? 1 : (size + mss_ - 1) / mss_; }
  // Everything sent was acknowledged.
  bool all_acked() const noexcept { return waiting_send() == 0; }

  // --- state -----------------------------------------------------------------------------
  void close() noexcept;
  bool dead() const noexcept { return static_cast<bool>(error_); }
  error_code error() const noexcept { return error_; }

  // Counters for tests, the fuzzer and diagnostics.
  std::uint64_t retransmissions() const noexcept { return xmit_total_; }
  // Received segments held (rcv_buf + rcv_queue): ≤ 2 × rcv_wnd.
  std::size_t receive_segments() const noexcept { return rcv_buf_.size() + rcv_queue_.size(); }
  std::size_t pending_acks() const noexcept { return acklist_.size(); }
  std::uint32_t receive_window() const noexcept { return cfg_.rcv_wnd; }

 private:
  struct seg {
    segment_header h;
    std::uint32_t resendts = 0;
    std::uint32_t rto = 0;
    std::uint32_t fastack = 0;
    std::uint32_t xmit = 0;
    std::uint32_t first_sent = 0;
    bytes data;
  };

  std::uint32_t ms(time_point now) const noexcept;
  std::uint16_t wnd_unused() const noexcept;
  void update_ack(std::int32_t rtt) noexcept;
  void shrink_buf() noexcept;
  void parse_ack(std::uint32_t sn) noexcept;
  void parse_una(std::uint32_t una) noexcept;
  void parse_fastack(std::uint32_t sn, std::uint32_t ts) noexcept;
  void parse_data(const segment_view& s);
  void move_ready() noexcept;

  config cfg_;
  std::uint32_t conv_;
  std::uint32_t mss_;
  time_point epoch_;
  std::uint32_t current_ = 0;

  std::uint32_t snd_una_ = 0, snd_nxt_ = 0, rcv_nxt_ = 0;
  std::uint32_t ssthresh_ = limits::ssthresh_init;
  std::int32_t rx_rttval_ = 0, rx_srtt_ = 0;
  std::uint32_t rx_rto_ = limits::rto_default, rx_minrto_ = limits::rto_min;
  std::uint32_t rmt_wnd_;
  std::uint32_t cwnd_ = 0, incr_ = 0;
  std::uint32_t probe_ = 0, ts_probe_ = 0, probe_wait_ = 0;
  std::uint64_t xmit_total_ = 0;

  std::deque<seg> snd_queue_, snd_buf_, rcv_queue_;
  std::deque<seg> rcv_buf_;  // sorted by sn
  std::vector<std::pair<std::uint32_t, std::uint32_t>> acklist_;  // (sn, ts)
  std::vector<segment_view> scratch_;
  error_code error_;
};

}  // namespace skywire::transport::kcp
