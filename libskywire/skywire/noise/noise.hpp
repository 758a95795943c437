#pragma once
// skywire::noise — the Noise protocol as dmsg and skywire speak it (spec/dmsg.md §3,
// spec/skywire.md §1.3): Noise_XK / Noise_KK over secp256k1 (DHLEN 33), ChaCha20-Poly1305,
// SHA-256, with dmsg's key-assignment quirk and its explicit-nonce transport frames.
//
//   handshake_state.hpp  sans-I/O XK/KK handshake; split() -> transport_keys{send, recv}.
//   frame.hpp            frame_sealer / frame_opener: u16 L ‖ u64 N ‖ AEAD(plaintext).
//   replay_window.hpp    sliding replay filter for out-of-order session objects.
//   frame_splitter.hpp   sans-I/O cutting of a byte stream into u16-length-prefixed frames.
//   noise_stream.hpp     Asio adaptor: async_handshake, noise_stream<Stream> read/write.
//   limits.hpp           every size and time limit, with the reason for it.
//   errc.hpp             error codes (category "skywire.noise"); all fatal for the connection.
//
// Depends on base and crypto (and Boost.Asio for noise_stream.hpp). The core types are plain
// values with no executor affinity; noise_stream lives on the executor of its coroutines.
#include "skywire/noise/errc.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/frame_splitter.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "skywire/noise/limits.hpp"
#include "skywire/noise/noise_stream.hpp"
#include "skywire/noise/replay_window.hpp"
