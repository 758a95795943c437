#pragma once
// Limits and timings of the yamux session layer (spec/dmsg.md §4.2). The protocol constants are
// hashicorp/yamux v0.1.1's DefaultConfig(), which both Go dmsg ends use and which a peer assumes
// without negotiation (the initial window in particular is implicit in the protocol). The local
// bounds (stream count, output queue) are ours: Go has none, and we must not grow without bound
// on a hostile or stalled peer.
//
// Memory bound of one session, everything included:
//   inbound:  max_streams × initial_window (each stream's receive buffer holds at most the credit
//             we granted, and a peer sending past it is a protocol error) + one 12-byte partial
//             header. Data frames are never buffered whole: their payload is copied straight
//             into the stream buffer (or discarded) as it arrives, so input is never queued.
//   outbound: max_output_bytes of queued frames + max_control_bytes of control frames (pongs,
//             window updates, RST/FIN, GoAway) that may be queued even when data is blocked.
//   events:   at most one per frame of the last receive() call; the caller drains them after
//             each call (the Asio adaptor reads at most read_chunk bytes per call).
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace skywire::dmsg::yamux::limits {

// Frame header: version(1) type(1) flags(u16) stream id(u32) length(u32).
inline constexpr std::size_t header_len = 12;
inline constexpr std::uint8_t protocol_version = 0;

// Per-stream receive window, both directions. Go's MaxStreamWindowSize equals the initial
// window, so a receiver never grants more than this: it is also the per-stream buffer bound and
// the largest Data frame a peer may send (a longer one is a protocol error before buffering).
inline constexpr std::uint32_t initial_window = 256 * 1024;
// Credit is returned only once at least half the window can be granted (Go's sendWindowUpdate),
// so a slowly read stream produces one WindowUpdate per 128 KiB, not one per read.
inline constexpr std::uint32_t window_update_threshold = initial_window / 2;

// Streams waiting for accept(); beyond this an incoming SYN is answered with RST (Go: 256).
inline constexpr std::size_t accept_backlog = 256;
// Streams alive in one session at once (open, in the backlog, or closed but not yet released by
// the application). Beyond it incoming SYNs get RST and open_stream() fails. Go has no limit; a
// dmsg session carries one yamux stream per dmsg stream, so 4096 is generous, and it bounds the
// inbound buffers at 4096 × 256 KiB in the worst case (a peer that fills every window while the
// application reads nothing).
inline constexpr std::size_t max_streams = 4096;

// Largest Data frame we emit. Go accepts any length within the window; smaller frames keep
// streams sharing the connection fairly.
inline constexpr std::size_t max_data_frame = 64 * 1024;
// Outbound queue: data writes are accepted only while this much (or less) is queued, so a
// writer blocks instead of buffering without bound when the TCP peer reads slowly.
inline constexpr std::size_t max_output_bytes = 1024 * 1024;
// Extra room for control frames beyond max_output_bytes. A peer that keeps pinging (or opening
// streams we must refuse) while never reading our replies exceeds it and the session fails
// with errc::output_overflow.
inline constexpr std::size_t max_control_bytes = 64 * 1024;

// The Asio adaptor reads the socket in chunks of this size, and writes at most write_chunk
// bytes per socket write, so the write timeout below bounds one ≤ 64 KiB write (as Go's bounds
// one frame) rather than the whole output queue: a slow but live link is not cut.
inline constexpr std::size_t read_chunk = 64 * 1024;
// An idle session reads into this small buffer instead: memory per idle session is what a
// relay server with tens of thousands of sessions pays for. A read that fills it switches the
// session to read_chunk until reads are small again.
inline constexpr std::size_t idle_read_chunk = 2 * 1024;
inline constexpr std::size_t write_chunk = 64 * 1024;

// Timings (yamux DefaultConfig): keepalive ping period, how long a ping may stay unanswered,
// how long an opened stream may stay un-ACKed before the session is closed, how long a FIN may
// stay unanswered before the stream is reset, and how long one blocked socket write may take.
inline constexpr std::chrono::seconds keepalive_interval{30};
inline constexpr std::chrono::seconds ping_timeout{10};
inline constexpr std::chrono::seconds stream_open_timeout{75};
inline constexpr std::chrono::minutes stream_close_timeout{5};
inline constexpr std::chrono::seconds write_timeout{10};

}  // namespace skywire::dmsg::yamux::limits
