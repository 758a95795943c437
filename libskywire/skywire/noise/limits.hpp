#pragma once
// Size limits of the noise module, all from the Go implementation we must interoperate with
// (spec/dmsg.md §3.2, §3.5; spec/skywire.md §1.3). Every length that comes off the network is
// checked against one of these before anything is allocated or read.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace skywire::noise::limits {

// Public keys (e, s) on the wire are 33-byte compressed secp256k1 points (Noise DHLEN = 33).
inline constexpr std::size_t dh_len = 33;
inline constexpr std::size_t tag_len = 16;
// Transport frame body = u64 BE nonce ‖ ciphertext ‖ tag.
inline constexpr std::size_t nonce_len = 8;
inline constexpr std::size_t frame_overhead = nonce_len + tag_len;  // 24
inline constexpr std::size_t length_prefix_len = 2;                 // u16 BE

// Go's noise.ReadWriter rejects a length prefix above 4094, so a whole frame is at most 4096
// bytes on the wire. This bounds handshake frames and stream/transport data frames.
inline constexpr std::size_t max_frame_body = 4094;
// 4094 - 24: the largest plaintext one data frame carries; writers split larger writes.
inline constexpr std::size_t max_data_plaintext = max_frame_body - frame_overhead;  // 4070

// dmsg session objects (StreamRequest/StreamResponse over the XK session keys) are read by
// Go's DecryptWithNonceMap path, which accepts any u16 length.
inline constexpr std::size_t max_object_frame_body = 65535;
inline constexpr std::size_t max_object_plaintext = max_object_frame_body - frame_overhead;

// Exact handshake message lengths (all payloads are empty, so each ends with a 16-byte tag).
inline constexpr std::size_t msg_e_len = dh_len + tag_len;             // 49: XK 1/2, KK 1/2
inline constexpr std::size_t msg_s_len = dh_len + tag_len + tag_len;   // 65: XK 3

// Largest nonce a sealer will use. Noise reserves 2^64-1; the counter is pre-incremented
// from 0, so nonces 1 .. 2^64-2 are used and the 2^64-1st seal fails with nonce_exhausted.
inline constexpr std::uint64_t max_nonce = UINT64_MAX - 1;

// Sliding replay window for session objects (WireGuard's replay.Filter layout): a ring of
// 64-bit blocks; a nonce more than replay_window_size below the highest accepted is refused.
// 2048 bits is far more reordering than concurrent dmsg dials produce (objects are small and
// a session carries few in flight) while keeping the filter at 256 bytes per session.
inline constexpr std::size_t replay_ring_blocks = 32;
inline constexpr std::size_t replay_window_size = (replay_ring_blocks - 1) * 64;  // 1984

// Whole-handshake deadline, as Go's dmsg session and skywire transport handshakes use.
inline constexpr std::chrono::seconds handshake_timeout{5};

// noise_stream::write seals at most this many frames (~64 KiB) before one socket write, so a
// large write needs a bounded buffer and still makes few system calls.
inline constexpr std::size_t write_batch_frames = 16;

}  // namespace skywire::noise::limits
