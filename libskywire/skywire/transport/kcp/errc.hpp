#pragma once
// Error codes of the KCP layer (category "skywire.kcp").
//
// Per-datagram (input() refuses the whole datagram and changes nothing; the session lives on —
// a spoofed datagram must not be able to kill it): too_short, too_long, truncated_segment,
// wrong_conv, bad_command, bad_segment.
// Per-call: message_too_large, send_queue_full (wait for acks and retry).
// Session-fatal: dead_link (a segment was retransmitted too often or for too long), closed.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::transport::kcp {

enum class errc {
  too_short = 1,      // datagram shorter than one 24-byte segment header (e.g. "holepunch")
  too_long,           // datagram longer than limits::max_datagram
  truncated_segment,  // a segment's len runs past the end of the datagram
  wrong_conv,         // a segment's conv is not this session's
  bad_command,        // cmd not in 81..84
  bad_segment,        // absurd fields: data on a non-PUSH, frg beyond the receive window,
                      // una / ACK of a segment never sent
  message_too_large,  // send(): more than limits::max_send_fragments segments
  send_queue_full,    // send(): limits::max_send_segments segments are waiting
  dead_link,          // a segment stayed unacknowledged past the dead-link bound
  closed,             // the session was closed
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::transport::kcp

template <>
struct boost::system::is_error_code_enum<skywire::transport::kcp::errc> : std::true_type {};
