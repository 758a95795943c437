#pragma once
// Error codes of the yamux session layer (category "skywire.yamux").
//
// Session-fatal (the session is dead once one is reported): bad_version, bad_type,
// window_exceeded, duplicate_stream, bad_stream_id (our protocol errors: GoAway(1) was queued
// for the peer), peer_protocol_error / peer_internal_error / peer_go_away (the peer sent
// GoAway 1, 2 or an unknown code), keepalive_timeout, open_timeout, write_timeout,
// output_overflow, session_closed (closed locally).
// Per-call: remote_go_away (peer said GoAway(0): no new streams), too_many_streams,
// streams_exhausted, unknown_stream, stream_closed (write after our FIN), stream_reset.
// End of stream on read is net::errc::closed (the net::stream contract), not one of these.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::dmsg::yamux {

enum class errc {
  bad_version = 1,      // frame header version is not 0
  bad_type,             // frame type is not 0..3
  window_exceeded,      // peer sent more data than the receive window it was granted
  duplicate_stream,     // peer opened (SYN) a stream id that is in use
  bad_stream_id,        // peer opened stream 0 or an id of our parity
  peer_protocol_error,  // peer sent GoAway(1)
  peer_internal_error,  // peer sent GoAway(2)
  peer_go_away,         // peer sent GoAway with an unknown code
  keepalive_timeout,    // a keepalive ping was not answered in time
  open_timeout,         // a stream we opened was not ACKed within the open timeout
  write_timeout,        // one socket write took longer than the write timeout
  output_overflow,      // the peer does not read while making us queue control frames
  session_closed,       // the session was closed (locally, or after one of the above)
  remote_go_away,       // the peer sent GoAway(0): it accepts no new streams
  too_many_streams,     // limits::max_streams streams are alive
  streams_exhausted,    // the 32-bit stream id space is used up
  unknown_stream,       // no such stream (never opened, or released)
  stream_closed,        // write after close() (our FIN was sent)
  stream_reset,         // the stream was reset (RST from either side, or close timeout)
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::dmsg::yamux

template <>
struct boost::system::is_error_code_enum<skywire::dmsg::yamux::errc> : std::true_type {};
