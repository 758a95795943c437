#pragma once
// kcp_stream: one KCP session (kcp/core.hpp) on a shared UDP socket (udp_mux.hpp), as a
// net::stream — the carrier sudph runs the raw handshake and Noise KK over.
//
//   auto s = mux->dial(remote);                 // or co_await mux->accept()
//   co_await s->write_all(as_bytes("get_nonce"));  // ≤ mss bytes: exactly one KCP message
//   auto n = co_await s->read_some(buf);
//   co_await s->drain(1s);                       // wait until the peer ACKed everything sent
//   s->close();
//
// Message rule (spec/skywire.md §1.4): write_all sends its data as consecutive messages of at
// most mss (1376) bytes, so **one write_all of ≤ mss bytes is exactly one KCP message** — what
// Go's one-message reads need (Frame0 "get_nonce", the AR's LocalAddresses JSON, "heartbeat",
// "delBind"). Longer writes become several independent messages, as kcp-go's Write does. Reads
// treat incoming data as a byte stream: read_some returns bytes of received messages in order,
// at most one message per call (the rest stays buffered); empty messages are skipped.
//
// Flushing (kcp-go's defaults, minus its 100 ms ACK delay): data goes out as soon as it is
// written (within the window; one flush per write_all while the window has room, so a write's
// datagrams leave in one batch), ACKs right after each burst of datagrams the mux received
// together (one socket read: packed into as few datagrams as fit), retransmissions and
// window probes from a per-session timer armed at core::next_wakeup().
//
// End of stream: KCP has no FIN. A session ends by close() (reads/writes then fail with
// kcp::errc::closed), by the dead-link bound (kcp::errc::dead_link: data unacknowledged for
// limits::dead_timeout), or when its mux closes (kcp::errc::closed). An idle session with
// nothing in flight never ends by itself; callers bound idle time where they need to.
//
// Executor: the mux's; call every member from it. One read_some and one write_all/drain may
// be outstanding; both honour per-operation cancellation (operation_aborted).
// Ownership: the stream is a handle on the session shared with the mux; closing or
// destroying it removes the session from the mux (later datagrams for it are ignored).
#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include "skywire/net/stream.hpp"

namespace skywire::transport {

namespace detail {
class kcp_session;
}

class kcp_stream final : public net::stream {
 public:
  explicit kcp_stream(std::shared_ptr<detail::kcp_session> s) : s_(std::move(s)) {}
  ~kcp_stream() override;

  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override;
  boost::asio::awaitable<result<void>> write_all(byte_view data) override;
  void close() noexcept override;

  // Waits until everything written was acknowledged, or `limit` passed (net::errc::timeout),
  // or the session ended (its error). For a last message before close() ("delBind").
  boost::asio::awaitable<result<void>> drain(std::chrono::steady_clock::duration limit);

  // Queues `message` (≤ mss bytes: one KCP message) and sends it at once, without waiting for
  // send room (kcp::errc::send_queue_full) — for a last word from a synchronous close()
  // ("delBind"); write_all is the normal path.
  result<void> send_now(byte_view message);

  boost::asio::ip::udp::endpoint remote_endpoint() const;
  std::uint32_t conv() const;

 private:
  std::shared_ptr<detail::kcp_session> s_;
};

}  // namespace skywire::transport
