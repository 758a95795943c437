#pragma once
// Exact reads and session-object frames over a yamux stream (spec/dmsg.md §5.2): a SignedObject
// travels as ONE transport frame sealed with the session keys, u16 L ‖ u64 N ‖ AEAD(object).
//
//   read_exact(st, out)               fills out or fails (net::errc::closed at EOF)
//   read_object(st, opener)           one frame (L ≤ 65535), opened with the session opener
//   write_object(st, sealer, object)  seals and writes one frame
//
// Executor: the yamux session's. Errors: yamux/net errors of the stream, noise::errc of the
// opener/sealer (decrypt_failed, replayed_nonce, frame_too_short ...). No time bound here: the
// callers wrap the whole exchange in limits::stream_handshake_timeout.
#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/yamux/stream.hpp"
#include "skywire/noise/frame.hpp"

namespace skywire::dmsg {

boost::asio::awaitable<result<void>> read_exact(yamux::stream& st, mutable_byte_view out);
// The raw frame body (u64 N ‖ ciphertext ‖ tag), bounded by max_body.
boost::asio::awaitable<result<bytes>> read_frame_body(yamux::stream& st, std::size_t max_body);
boost::asio::awaitable<result<bytes>> read_object(yamux::stream& st, noise::frame_opener& opener);
boost::asio::awaitable<result<void>> write_object(yamux::stream& st, noise::frame_sealer& sealer,
                                                  byte_view object);

}  // namespace skywire::dmsg
