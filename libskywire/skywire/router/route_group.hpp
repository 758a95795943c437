#pragma once
// route_group: an application's end of a route (spec/skywire.md §3.5) — what router::dial
// returns and listener::accept yields. A byte/message stream between two skynet addresses
// (pk:port), end-to-end Noise-encrypted unless a side declined.
//
//   auto g = co_await r.dial(remote_pk, 44, {});           // result<route_group>
//   co_await g->write(packet);                             // one message, ≤ g->max_message()
//   auto msg = co_await g->read();                         // one whole message
//   auto n = co_await g->read_some(buf);                   // or stream-style (net::stream)
//   g->stats().latency;                                    // from the Ping/Pong exchange
//   g->close();                                            // Close; the peer's Close or 2 s
//
// Messages: one write() is one Data packet and one read() returns exactly one received
// message, so message boundaries survive when writes are ≤ max_message() (4070 bytes
// encrypted — one Noise frame per packet —, 65535 unencrypted); VPN relies on this. write_all()
// (net::stream) splits larger data into max_message() pieces; read_some() returns bytes of at
// most one message, keeping the rest for the next call.
//
// Receive buffer and drops: received messages wait in a buffer of at most
// limits::max_buffered_messages / max_buffered_bytes; a message arriving when it is full is
// dropped and counted (stats().messages_dropped). Routes have no flow control, so the choice is
// dropping (what a UDP socket or a TUN device does) or blocking the router's transport read
// loop and with it every route of the visor (what Go does). A reader that keeps up loses
// nothing. Sending applies back-pressure: write() waits while limits::max_output_bytes of
// packets are queued for the transport manager (whose own queue waits in turn).
//
// Liveness: the group pings every ping_interval and sends KeepAlive when idle, so both ends see
// traffic while they live. It closes with an error when nothing arrives within the route's
// keep-alive (errc::route_dead), when the transport it leaves on closes (errc::transport_gone),
// when its consume rule expires or is removed (errc::route_expired / rules_removed), on Noise
// failures, or when the router closes (errc::router_closed). The peer's Error packet text is
// error_text(); a peer that closes after one ends reads with errc::peer_error.
//
// Errors of read()/read_some(): buffered messages first, then net::errc::closed after an orderly
// end (the peer's Close), the failure above, or errc::group_closed after close(). write():
// errc::message_too_long, errc::group_closed after close(), the failure, net::errc::closed.
//
// Ownership: a move-only handle; destroying it closes the group (in the background: the router
// sends Close and cleans up). Handles may outlive the router (every call then fails with
// errc::router_closed or the group's error), but not the executor.
// Executor: the router's (= the transport manager's); one read and one write at a time.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/router/route_group_core.hpp"
#include "skywire/routing/route_descriptor.hpp"
#include "skywire/routing/rule.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::router {

// A skynet address (Go's routing.Addr): a visor and a route port.
struct skynet_addr {
  crypto::public_key pk;
  std::uint16_t port = 0;
  friend auto operator<=>(const skynet_addr&, const skynet_addr&) = default;
};

// One route group as the visor API lists it.
struct route_group_summary {
  routing::route_descriptor desc;  // of its consume rule: src = the remote end, dst = this visor
  group_role role = group_role::initiator;
  group_phase phase = group_phase::negotiating;
  bool encrypted = false;
  routing::route_id forward_rule = 0;  // key of the rule it sends with
  routing::route_id consume_rule = 0;  // key of the rule it receives with
  wire::transport::uuid transport;     // where its packets leave
  group_stats stats;
};

namespace detail {
struct group_state;
}

class route_group final : public net::stream {
 public:
  explicit route_group(std::shared_ptr<detail::group_state> st) noexcept;
  route_group(route_group&&) noexcept;
  route_group& operator=(route_group&&) noexcept;
  route_group(const route_group&) = delete;
  route_group& operator=(const route_group&) = delete;
  ~route_group() override;  // close()

  // net::stream: bytes of at most one message / all of data in max_message() pieces.
  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override;
  boost::asio::awaitable<result<void>> write_all(byte_view data) override;
  // Starts the orderly close (Error if set, Close, the peer's Close or close_wait) and returns.
  void close() noexcept override;

  // The next whole message (what read_some has not taken of it).
  boost::asio::awaitable<result<bytes>> read();
  // Exactly one message in one Data packet (≤ max_message(); an empty message sends nothing).
  boost::asio::awaitable<result<void>> write(byte_view message);
  // close(), then waits until the group has ended (at most close_wait).
  boost::asio::awaitable<void> shutdown();

  std::size_t max_message() const noexcept;
  skynet_addr local_addr() const noexcept;   // descriptor dst
  skynet_addr remote_addr() const noexcept;  // descriptor src
  const routing::route_descriptor& descriptor() const noexcept;
  bool encrypted() const noexcept;
  // Open (not closing or closed).
  bool alive() const noexcept;
  // Why the group ended abnormally (empty while alive or after an orderly end).
  error_code error() const noexcept;
  // The text of the peer's Error packet ("" when none came).
  std::string error_text() const;
  group_stats stats() const noexcept;
  route_group_summary summary() const;

 private:
  std::shared_ptr<detail::group_state> st_;
};

}  // namespace skywire::router
