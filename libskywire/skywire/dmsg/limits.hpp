#pragma once
// Timings and bounds of the dmsg session/stream layer (spec/dmsg.md §3.2, §5.1, §5.8, §6).
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace skywire::dmsg::limits {

// Whole XK session handshake, both sides (Go: session_common.go).
inline constexpr std::chrono::seconds session_handshake_timeout{5};
// Request -> response of a stream, on the dialer, the server and the responder.
inline constexpr std::chrono::seconds stream_handshake_timeout{20};
// A client waits this long after handshake message 3 before its first yamux frame, so the
// frame cannot land in the server's read of message 3 (the extra-bytes rule, §3.2).
inline constexpr std::chrono::milliseconds first_frame_delay{150};
// Streams of one listening port being handshaken or waiting in accept() (Go buffers 20 accepted
// streams, AcceptBufferSize, but handshakes in parallel goroutines without a bound; see
// listener.hpp). Each costs one stream's state, a few KiB.
inline constexpr std::size_t listener_backlog = 256;
// Ephemeral dialer ports: 49153..65535, then wrap (§5.1).
inline constexpr std::uint16_t first_ephemeral_port = 49153;
// Session object frames: Go's reader accepts any u16 length.
inline constexpr std::size_t max_object_frame_body = 65535;
// Server: bytes buffered per splice direction, once a stream has shown it moves bulk data; it
// starts at splice_buffer_initial (server_relay.cpp).
inline constexpr std::size_t splice_buffer = 32 * 1024;
inline constexpr std::size_t splice_buffer_initial = 2 * 1024;
// Server: per-IP session limit (Go vendored --limit-ip) and total sessions.
inline constexpr std::size_t default_sessions_per_ip = 15;
inline constexpr std::size_t default_max_sessions = 2048;
// Server replay guard: a request whose timestamp is more than this below the newest one seen
// on the same session is refused. Relative to the client's own clock, so clock skew between
// hosts does not matter; concurrent dials of one client are well inside it.
inline constexpr std::chrono::seconds request_window{60};
// Server replay guard: request hashes remembered per session (oldest evicted first; the
// eviction raises the timestamp floor so an evicted request cannot come back).
inline constexpr std::size_t request_cache = 1024;
// Tasks one server or client may run at once (accept loops, stream handshakes, splices).
inline constexpr std::size_t max_tasks = 1 << 16;

}  // namespace skywire::dmsg::limits
