#pragma once
// udp_mux: the one UDP socket of a sudph visor (spec/skywire.md §2.3 "Socket multiplexing"),
// shared by the address-resolver link, outgoing KCP dials and the KCP listener, plus raw
// datagrams (the 9-byte "holepunch").
//
//   auto mux = udp_mux::open(ex, udp::endpoint(address_v4::any(), 0), cfg);   // result<shared_ptr>
//   auto ar  = (*mux)->dial(ar_endpoint, /*exclusive=*/true);   // the AR link
//   auto out = (*mux)->dial(peer);                               // an outgoing KCP session
//   auto in  = co_await (*mux)->accept();                        // an incoming one
//   (*mux)->send_raw(peer, as_bytes("holepunch"));
//   (*mux)->close();
//
// Demultiplexing of each received datagram, first match wins (Go's pfilter priorities):
//   1. from an endpoint a dial claimed as exclusive (the AR): to that session if the conv is
//      its, else dropped — nothing from the AR ever reaches the listener;
//   2. KCP datagrams (≥ 24 bytes, cmd 81..84) whose (source, conv) is a live session (an
//      outgoing dial, or an incoming session already created): to that session. Stricter than
//      Go, which matches a dial by conv alone and then locks onto the first source: we require
//      the source the dial was sent to (a hole-punched peer answers from the address we dialed);
//   3. anything else that is KCP and carries a PUSH with sn < the receive window (the start of
//      a conversation, not a retransmission for a session we already closed) creates an
//      incoming session for (source, conv) and queues it for accept().
// Datagrams shorter than 24 bytes ("holepunch"), non-KCP ones, ones longer than
// kcp::limits::max_datagram (Go's 1500-byte read buffer) and refused ones (kcp/errc.hpp) are
// dropped and counted. Nothing a peer sends can end a session but valid traffic for it.
//
// Bounds (udp_mux_config): live sessions (max_sessions: new incoming ones beyond it are
// dropped, dial() fails with errc::too_many_sessions), the accept backlog (full: new incoming
// sessions are not created), and the half-open bound: an incoming session not accept()ed
// within accept_timeout is closed. Incoming sessions that were accepted are the caller's to
// bound (sudph: handshake deadline, then the transport's life).
//
// Receiving: the socket is drained in batches (recvmmsg, with UDP GRO when the kernel offers
// it; detail/udp_batch.hpp); every datagram of a batch is dispatched, then each session that
// took one flushes once (its ACKs and the data its opened window admits), so a burst of N
// datagrams costs ⌈N/58⌉ ACK datagrams (24-byte ACKs packed to the MTU), not N. Every few
// batches the loop yields to the executor.
//
// Sending: a session's flush goes out synchronously on the non-blocking socket, batched
// (sendmmsg, UDP GSO runs: the same datagrams on the wire); a full socket buffer drops the rest
// (KCP retransmits), so no session can block another.
//
// Executor: everything on `ex` (single-threaded, or a strand); call every member from there.
// Ownership: open() returns a shared handle; the receive loop keeps the state alive until the
// socket closes. close() closes the socket at once and ends every session (their streams fail
// with kcp::errc::closed) and wakes accept() with errc::network_closed. Idempotent. Dropping
// the handle is close_when_idle(): live sessions keep the socket until they end.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/transport/kcp/core.hpp"
#include "skywire/transport/kcp_stream.hpp"

namespace skywire::transport {

struct udp_mux_config {
  kcp::config kcp{};
  std::size_t max_sessions = 1024;
  std::size_t accept_backlog = 64;
  std::chrono::steady_clock::duration accept_timeout = std::chrono::seconds(10);
  std::shared_ptr<base::random_source> rng;    // conv ids; empty: crypto::system_random
  std::shared_ptr<const base::clock> clock;    // empty: base::system_clock
  base::logger log;                            // empty: discard
};

// Datagram counters (diagnostics and tests).
struct udp_mux_stats {
  std::uint64_t received = 0;
  std::uint64_t dropped_short = 0;     // < 24 bytes (holepunch) or not KCP
  std::uint64_t dropped_long = 0;      // > max_datagram
  std::uint64_t dropped_refused = 0;   // a session's core refused it
  std::uint64_t dropped_no_session = 0;  // not the start of a conversation, or bounds reached
  std::uint64_t sessions_created = 0;  // incoming
};

class udp_mux {
 public:
  // Binds the socket (SO_REUSEADDR off: one visor, one port) and starts the receive loop.
  static result<std::shared_ptr<udp_mux>> open(boost::asio::any_io_executor ex,
                                               boost::asio::ip::udp::endpoint local, udp_mux_config cfg);
  ~udp_mux();
  udp_mux(const udp_mux&) = delete;
  udp_mux& operator=(const udp_mux&) = delete;

  boost::asio::ip::udp::endpoint local_endpoint() const;

  // A new KCP session to `remote` with a fresh random conv. It sends nothing until written to
  // (KCP has no connect); the peer's listener creates its side on our first PUSH. exclusive:
  // claim every datagram from `remote` (the AR link). Errors: errc::too_many_sessions,
  // errc::network_closed.
  result<std::unique_ptr<kcp_stream>> dial(boost::asio::ip::udp::endpoint remote, bool exclusive = false);

  // The next incoming session. errc::network_closed after close(); operation_aborted when
  // cancelled. One accept() at a time.
  boost::asio::awaitable<result<std::unique_ptr<kcp_stream>>> accept();

  // One raw datagram (e.g. "holepunch"), best effort.
  result<void> send_raw(const boost::asio::ip::udp::endpoint& to, byte_view data);

  void close();
  // Stops accepting (the backlog is closed, accept() fails with errc::network_closed, new
  // incoming sessions are dropped) and closes the socket once the last live session ends, so
  // sessions already handed out (transports) keep working. The destructor does this too.
  void close_when_idle();

  udp_mux_stats stats() const;
  std::size_t session_count() const;

  struct state;

 private:
  explicit udp_mux(std::shared_ptr<state> st) : state_(std::move(st)) {}
  std::shared_ptr<state> state_;
};

}  // namespace skywire::transport
