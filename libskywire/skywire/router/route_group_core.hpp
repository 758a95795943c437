#pragma once
// route_group_core: the sans-I/O end of a route (spec/skywire.md §3.5; Go: pkg/router/
// route_group.go and the establishment half of router.go's saveRouteGroupRules). Packets for
// the route's consume rule go in through on_packet(), the time through the injected clock and
// on_timer(), application messages through write(); packets to send come out of
// pop_output() (each a whole routing packet with the route id of the forward rule,
// fwd.nextRouteID), received messages out of the receive buffer. route_group.hpp drives it over
// the transport manager; the unit tests and fuzz_router_group drive it directly.
//
//   route_group_core c({.role = group_role::initiator, .local = keys, .remote = peer,
//                       .send_route_id = fwd.next_route_id}, clock, rng);
//   c.start();                                   // initiator: Handshake(1) is in the output
//   c.on_packet(packet_type::handshake, {0x01}); // the peer's answer: encrypt → Noise msg 1 out
//   …                                            // phase() == open once Noise is done
//   c.write(msg);                                // one message → one Data packet
//   while (c.has_output()) send(c.pop_output());
//
// Establishment (§3.5), both roles:
//   negotiating  the initiator sends Handshake(offer) at start(); each side then waits up to
//                handshake_wait (2 s) for the first Handshake or Data packet of the peer and
//                decides: encrypt = own offer && (that packet is a Handshake with payload ≠ 0).
//                A Data packet first (an old peer) or the timeout mean no encryption; the Data
//                packet is delivered. The responder then sends its own Handshake(offer) (Go's
//                responder always offers 1; ours offers what router_config::encrypt says).
//                Taking the own offer into the decision is what lets a side that does not want
//                encryption (offer 0) agree with either kind of peer.
//   noise        if encrypting: Noise KK (initiator = the dialler, static keys = visor keys)
//                with every handshake message in one Data packet (u16 length ‖ 49 bytes),
//                bounded by noise_timeout (5 s).
//   open         established. Encrypted: each write() is one Noise frame (u16 L ‖ u64 N ‖
//                AEAD) in one Data packet, at most 4070 plaintext bytes; received Data payloads
//                go through a frame splitter (Go's reader treats the route as a byte stream, so
//                a frame split over packets is accepted too), nonces strictly increasing, empty
//                frames skipped. Unencrypted: one write = one Data payload, ≤ 65535 bytes;
//                empty Data payloads are ignored (Go's reader would report EOF on them).
//                Service packets: Ping(now ms, throughput) every ping_interval, KeepAlive when
//                no Data was written for keep_alive_interval (Go's lastSent rule), a Pong for
//                every Ping, latency from each Pong (measured on the steady clock when the Pong
//                echoes one of our last max_outstanding_pings timestamps, from the wall clock
//                otherwise), upload speed = the throughput the peer reports.
//   closing      close(): Error(text) first if set_close_error() gave one, then Close(0); the
//                peer's Close (or close_wait, 2 s) ends it.
//   closed       a peer Close (answered with our Close), fail(), a dead route (nothing received
//                for dead_after — the rule keep-alive), a Noise failure or timeout.
// An Error packet sets peer_error_text(); a later Close then ends the group with
// errc::peer_error instead of an orderly end.
//
// Receive buffer: bounded by max_buffered_messages and max_buffered_bytes. Above half of either
// (buffer_high) the router pauses the transport that delivered the message, and lets it read
// again at a quarter (buffer_low): a slow reader slows the sender down instead of losing data,
// as Go's blocking delivery does, but only that transport stops, not the visor. A message that
// still does not fit (several transports feeding one group) is dropped and counted
// (stats().messages_dropped).
//
// Output: unbounded for what the protocol requires (Handshake, Noise, Error, Close); Data only
// when writable() (the I/O layer makes writers wait), Ping/Pong/KeepAlive skipped while the
// output holds max_output_bytes or more. So a peer flooding Pings cannot grow it.
//
// Errors (error(), once closed abnormally): noise::errc (handshake, decrypt, replay, timeout),
// errc::route_dead, errc::peer_error, or what fail() was given. write(): errc::group_closed
// after close(), error() after an abnormal end, net::errc::closed after an orderly one,
// errc::message_too_long, errc::not_established before the group is open.
//
// Not thread-safe; no I/O, no allocation beyond the buffers named above.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/frame_splitter.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "skywire/router/limits.hpp"
#include "skywire/routing/route_descriptor.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::router {

enum class group_role : std::uint8_t { initiator, responder };

enum class group_phase : std::uint8_t { negotiating, noise, open, closing, closed };

std::string_view to_string(group_phase p) noexcept;

struct group_timing {
  std::chrono::nanoseconds handshake_wait = limits::handshake_wait;
  std::chrono::nanoseconds noise_timeout = limits::noise_timeout;
  std::chrono::nanoseconds keep_alive_interval = limits::keep_alive_interval;
  std::chrono::nanoseconds ping_interval = limits::ping_interval;
  std::chrono::nanoseconds close_wait = limits::close_wait;
  // Nothing received for this long once open: the route is dead (the rule keep-alive).
  std::chrono::nanoseconds dead_after = limits::route_keep_alive;
};

// Times and bounds (default-constructible, unlike group_params with its keys).
struct group_options {
  group_timing timing{};
  std::size_t max_buffered_bytes = limits::max_buffered_bytes;
  std::size_t max_buffered_messages = limits::max_buffered_messages;
  std::size_t max_output_bytes = limits::max_output_bytes;
};

struct group_params {
  group_role role = group_role::initiator;
  crypto::key_pair local;     // the visor's keys (Noise static)
  crypto::public_key remote;  // the peer visor (Noise static)
  bool offer_encryption = true;
  routing::route_id send_route_id = 0;  // the forward rule's next route id
  group_options options{};
};

struct group_stats {
  std::optional<std::chrono::microseconds> latency;  // from the last Pong
  std::uint64_t upload_speed = 0;    // bytes/s the peer reported receiving (its Pings)
  std::uint64_t download_speed = 0;  // bytes/s we received, as measured at our last Ping
  std::uint64_t bytes_sent = 0;      // Data packets written (header + payload), as Go counts
  std::uint64_t bytes_received = 0;  // Data packets received (header + payload)
  std::uint64_t messages_dropped = 0;  // receive buffer full
  std::uint64_t pings_sent = 0;
  std::uint64_t pongs_received = 0;
};

class route_group_core {
 public:
  // clock and rng must outlive the core.
  route_group_core(group_params p, const base::clock& clock, base::random_source& rng);
  route_group_core(const route_group_core&) = delete;
  route_group_core& operator=(const route_group_core&) = delete;

  // Starts negotiating (the initiator's Handshake goes out). Once.
  void start();
  // A packet that arrived for this route's consume rule. Typed payloads must have their full
  // size (the router drops shorter ones before they get here; here they are ignored).
  void on_packet(wire::routing::packet_type type, byte_view payload);
  // Handles every deadline that is due now.
  void on_timer();
  // One message in one Data packet. Requires phase() == open.
  result<void> write(byte_view message);
  // Starts an orderly close (see closing above). Idempotent.
  void close();
  // Ends the group now with `why` (a Close goes out best effort). Idempotent once closed.
  void fail(error_code why);
  // Text sent in an Error packet before our Close (the no-listener case). Bounded.
  void set_close_error(std::string_view text);

  // --- output -------------------------------------------------------------------------------
  bool has_output() const noexcept { return !output_.empty(); }
  std::size_t output_bytes() const noexcept { return output_bytes_; }
  bytes pop_output();
  // Open, and the output below max_output_bytes.
  bool writable() const noexcept;

  // --- received messages ----------------------------------------------------------------------
  bool readable() const noexcept { return !inbox_.empty(); }
  // The unread rest of the oldest message (empty when none).
  byte_view peek() const noexcept;
  // Drops n bytes of the oldest message (the message once all is read).
  void consume(std::size_t n) noexcept;
  // The unread rest of the oldest message, removed. Requires readable().
  bytes take_message();
  std::size_t buffered_bytes() const noexcept { return inbox_bytes_; }
  std::size_t buffered_messages() const noexcept { return inbox_.size(); }
  // Back-pressure marks for the router: above half of either bound it pauses the transport
  // that feeds this group; at a quarter of both it lets it read again.
  bool buffer_high() const noexcept {
    return inbox_bytes_ >= p_.options.max_buffered_bytes / 2 || inbox_.size() >= p_.options.max_buffered_messages / 2;
  }
  bool buffer_low() const noexcept {
    return inbox_bytes_ <= p_.options.max_buffered_bytes / 4 && inbox_.size() <= p_.options.max_buffered_messages / 4;
  }

  // --- state ----------------------------------------------------------------------------------
  group_phase phase() const noexcept { return phase_; }
  group_role role() const noexcept { return p_.role; }
  bool was_opened() const noexcept { return opened_; }
  bool encrypted() const noexcept { return encrypt_; }
  bool closed() const noexcept { return phase_ == group_phase::closed; }
  // Why the group ended abnormally (empty while alive and after an orderly end).
  error_code error() const noexcept { return error_; }
  // close() was called here (not the peer's Close, not a failure).
  bool closed_locally() const noexcept { return close_called_; }
  const std::string& peer_error_text() const noexcept { return peer_error_; }
  std::size_t max_message() const noexcept;
  const group_stats& stats() const noexcept { return stats_; }
  const group_params& params() const noexcept { return p_; }
  std::optional<base::clock::steady_time> next_deadline() const;

 private:
  void emit(bytes packet);
  void emit_service(bytes packet);  // skipped while the output is full
  void decide(bool peer_wants_encryption);
  void enter_noise();
  void open_route();
  void on_data(byte_view payload);
  void on_noise_frame(mutable_byte_view body);
  void deliver(byte_view message);
  void on_close_packet();
  void send_ping();
  void answer_ping(byte_view payload);
  void on_pong(byte_view payload);
  void finish(error_code why);
  bool emit_noise_message();
  void complete_noise();

  group_params p_;
  const base::clock& clock_;
  base::random_source& rng_;

  group_phase phase_ = group_phase::negotiating;
  bool started_ = false;
  bool opened_ = false;
  bool encrypt_ = false;
  bool close_called_ = false;
  error_code error_;
  std::string close_error_;
  std::string peer_error_;

  std::optional<noise::handshake_state> hs_;
  std::optional<noise::frame_sealer> sealer_;
  std::optional<noise::frame_opener> opener_;
  std::optional<noise::frame_splitter> splitter_;

  std::deque<bytes> output_;
  std::size_t output_bytes_ = 0;
  std::deque<bytes> inbox_;
  std::size_t inbox_offset_ = 0;  // bytes of inbox_.front() already read
  std::size_t inbox_bytes_ = 0;

  base::clock::steady_time deadline_{};  // negotiating / noise / closing
  base::clock::steady_time last_received_{};
  base::clock::steady_time last_data_sent_{};
  base::clock::steady_time next_ping_{};
  base::clock::steady_time throughput_since_{};
  std::uint64_t received_since_ping_ = 0;
  struct sent_ping {
    std::int64_t unix_ms;
    base::clock::steady_time at;
  };
  std::deque<sent_ping> pings_;
  group_stats stats_;
};

}  // namespace skywire::router
