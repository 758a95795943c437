#pragma once
// Limits and timings of our KCP (spec/skywire.md §1.4 "KCP notes", §3.8). The protocol
// constants are ikcp's / kcp-go v5's defaults, which a Go peer assumes without negotiation (mtu
// and the window only travel implicitly: a segment's length and its `wnd` field). The local
// bounds (queues, segment counts, the dead-link time) are ours: kcp-go has none, and a hostile
// or stalled peer must not make us grow without bound.
//
// Memory bound of one session, everything included (max_segment_data = 1476 bytes):
//   receive: rcv_buf ≤ rcv_wnd segments (only sn in [rcv_nxt, rcv_nxt + rcv_wnd) is kept) and
//            rcv_queue ≤ rcv_wnd segments (ikcp moves in order only while it has room), so
//            ≤ 2 × rcv_wnd × max_segment_data (≈ 378 KiB at rcv_wnd 128).
//   send:    snd_queue + snd_buf ≤ max_send_segments × mss (≈ 352 KiB at 256 × 1376).
//   acks:    ≤ max_pending_acks (8 bytes each) between two flushes.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace skywire::transport::kcp::limits {

// Segment header: conv u32 ‖ cmd u8 ‖ frg u8 ‖ wnd u16 ‖ ts u32 ‖ sn u32 ‖ una u32 ‖ len u32,
// all little-endian (ikcp's IKCP_OVERHEAD). Shorter datagrams (the 9-byte "holepunch") are not
// KCP and are ignored, as kcp-go does.
inline constexpr std::size_t overhead = 24;

// kcp-go's default MTU (1400) and so its mss = 1376: the largest payload one Go Write puts in a
// segment. We send with the same MTU, so our datagrams fit any path a Go peer's do.
inline constexpr std::uint32_t default_mtu = 1400;
inline constexpr std::uint32_t default_mss = default_mtu - overhead;  // 1376

// The largest datagram we accept: kcp-go reads into a 1500-byte buffer (its mtuLimit) and
// refuses SetMtu above it, so no Go peer sends more. A larger one is refused whole.
inline constexpr std::size_t max_datagram = 1500;
inline constexpr std::size_t max_segment_data = max_datagram - overhead;

// Windows in segments. kcp-go's defaults are 32/32; we advertise more. That stays compatible:
// the sender uses min(its snd_wnd, our advertised wnd), so a Go peer still sends ≤ 32 at a time,
// and our sender is held to the window a Go receiver advertises.
inline constexpr std::uint32_t default_snd_wnd = 128;
inline constexpr std::uint32_t default_rcv_wnd = 128;
inline constexpr std::uint32_t max_wnd = 4096;  // config sanity bound

// A message may have at most this many fragments (frg = count-1 … 0). kcp-go never fragments
// (each Write becomes independent ≤ mss messages); we refuse to send more than a Go receiver
// with its 32-segment window can ever reassemble, and refuse to receive messages whose frg
// cannot fit our receive window (ikcp would stall on them forever).
inline constexpr std::uint32_t max_send_fragments = 16;

// Segments waiting in snd_queue + snd_buf; send() beyond it is errc::send_queue_full (the Asio
// adaptor waits for acks instead).
inline constexpr std::size_t max_send_segments = 256;

// ACKs collected between flushes. Each PUSH in the receive window queues one; a peer flooding
// duplicates past this loses the extra ACKs (it retransmits, the next flush acks).
inline constexpr std::size_t max_pending_acks = 1024;

// ikcp timings (milliseconds on the wire clock): initial / minimum / maximum RTO, flush interval
// (kcp-go: 100 ms; ours drives retransmission checks more finely — purely local), window probe.
inline constexpr std::uint32_t rto_default = 200;
inline constexpr std::uint32_t rto_min = 100;
inline constexpr std::uint32_t rto_max = 60000;
inline constexpr std::chrono::milliseconds default_interval{20};
inline constexpr std::uint32_t probe_init = 7000;
inline constexpr std::uint32_t probe_limit = 120000;
inline constexpr std::uint32_t ssthresh_init = 2;
inline constexpr std::uint32_t ssthresh_min = 2;

// Dead link: ikcp declares the link dead when one segment was transmitted dead_link (20) times.
// kcp-go backs the RTO off linearly, so 20 transmissions can take minutes; we also bound the
// time: a segment unacknowledged for dead_timeout since its first transmission kills the
// session. 30 s matches the stcp liveness bound (TCP_USER_TIMEOUT), so every transport type
// notices a vanished peer with unacknowledged data within about the same time.
inline constexpr std::uint32_t dead_link = 20;
inline constexpr std::chrono::seconds dead_timeout{30};

}  // namespace skywire::transport::kcp::limits
