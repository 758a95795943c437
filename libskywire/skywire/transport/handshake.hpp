#pragma once
// The raw-connection handshake of stcp / stcpr / sudph (spec/skywire.md §1.2), run on a fresh
// carrier stream before encryption. Dialer = initiator.
//
//   initiator: write "get_nonce" → read Frame1 → write signed Frame2 → read Frame3
//   responder: read 9 bytes → write Frame1 (fresh random nonce) → read Frame2 → check nonce,
//              signature (over the canonical re-encoding), listening port → write Frame3
//
// Lock-step: each frame is written with its "\n" in one write, and each line is read up to and
// including its "\n" and no further (detail/stream_io.hpp), so the Noise handshake that follows
// starts on a clean stream. The whole exchange runs under one deadline (Go: 10 s); on expiry the
// result is net::errc::timeout and the stream state is undefined (close it).
//
// Frame0: the responder reads exactly 9 bytes (Go needs them in one Read; split ones are accepted
// here), the initiator sends them in one write.
// Failure behaviour matches Go's responder: only a failed port check sends Frame3 with
// OK:false ("not listening on given port"); a wrong Frame0, an undecodable Frame2, a wrong nonce
// or a bad signature end the exchange silently — the caller closes the stream. The responder
// does not check DstAddr.public_key (Noise KK fails if it is wrong).
//
// Errors: transport::errc (bad_frame0, frame_too_long, unexpected_nonce, not_listening,
// handshake_rejected), wire::errc / crypto::errc (undecodable frames, bad signature),
// net::errc::closed / timeout and carrier errors.
#include <chrono>
#include <cstdint>
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/wire/transport/handshake_frames.hpp"

namespace skywire::transport {

inline constexpr std::chrono::seconds raw_handshake_timeout{10};

struct handshake_addrs {
  wire::transport::skywire_addr local;
  wire::transport::skywire_addr remote;
};

// Initiator. local_port is the dialer's ephemeral skywire port (SrcAddr), remote the responder's
// pk and the port dialed (DstAddr; normally transport_port).
boost::asio::awaitable<result<handshake_addrs>> initiate_handshake(
    net::stream& s, const crypto::key_pair& local, std::uint16_t local_port,
    wire::transport::skywire_addr remote,
    std::chrono::steady_clock::duration timeout = raw_handshake_timeout);

// Which skywire ports this side listens on (the responder's port check).
using port_predicate = std::function<bool(std::uint16_t)>;

// Responder. The local address is Frame2's DstAddr (as in Go, its pk is not checked here), the
// remote one Frame2's SrcAddr. rng supplies the nonce.
boost::asio::awaitable<result<handshake_addrs>> respond_handshake(
    net::stream& s, base::random_source& rng, const port_predicate& is_listening,
    std::chrono::steady_clock::duration timeout = raw_handshake_timeout);

}  // namespace skywire::transport
