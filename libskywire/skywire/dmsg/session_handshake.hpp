#pragma once
// The dmsg session handshake over a connected TCP socket (spec/dmsg.md §3.2): Noise XK, client =
// initiator (knows the server's static key), server = responder (learns the client's key from
// message 3). Each message is u16 length ‖ message; the whole handshake is bounded by
// limits::session_handshake_timeout.
//
// Extra-bytes rule: the responder refuses (errc::extra_bytes) a session whose socket holds
// bytes right after message 3, as Go does; the initiator sends nothing after message 3 (the
// client delays its first yamux frame, see limits::first_frame_delay).
//
// Errors: noise::errc (timed_out, decrypt_failed, bad_message_length, ...), socket errors,
// errc::extra_bytes. On error the socket is closed.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "skywire/base/result.hpp"
#include "skywire/base/random.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/handshake_state.hpp"

namespace skywire::dmsg {

struct session_keys {
  boost::asio::ip::tcp::socket socket;
  crypto::public_key remote;
  noise::frame_sealer sealer;  // session objects we send
  noise::frame_opener opener;  // session objects we receive (window replay mode)
};

boost::asio::awaitable<result<session_keys>> client_session_handshake(
    boost::asio::ip::tcp::socket socket, const crypto::key_pair& local, const crypto::public_key& server,
    base::random_source& rng);

boost::asio::awaitable<result<session_keys>> server_session_handshake(boost::asio::ip::tcp::socket socket,
                                                                     const crypto::key_pair& local,
                                                                     base::random_source& rng);

}  // namespace skywire::dmsg
