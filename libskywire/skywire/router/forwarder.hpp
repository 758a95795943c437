#pragma once
// forwarder: the router's way out for packets it forwards (spec/skywire.md §3.6). The transport
// manager calls the router's packet handler synchronously from a transport's read loop, which
// must never wait; transport::manager::write_packet may wait (its per-transport queue applies
// back-pressure). So a forwarded packet is copied into a bounded queue per next transport and a
// drain coroutine (one per non-empty queue, in the router's task group) hands the packets to
// write_packet in arrival order.
//
//   forwarder f(tm, tasks, limits::max_forward_queue_bytes);
//   switch (f.push(next_tp, std::move(packet), from_tp)) { … }  // queued / no_transport / queue_full
//
// Back-pressure, as Go's router blocks: once a queue holds half of max_queue_bytes, the
// transport the packet came from is paused (manager::pause_reading: its read loop stops after
// this packet) until the queue has drained to a quarter; so a slower next hop slows the sender
// down through TCP/KCP flow control instead of losing packets.
// Bounds: a queue exists only for a transport the manager has, holds at most max_queue_bytes
// (a packet that would exceed it is dropped: queue_full; with the pause above this happens only
// when several incoming transports feed one queue at once), and disappears once drained; so at
// most one queue and one drain task per transport. When a write fails (the transport closed)
// everything queued for it is dropped and counted (dropped_write_error).
//
// Lifetime: the manager must outlive the forwarder's tasks: stop() (the router's close) drops
// every queue, and a drain task that wakes up after stop() returns without touching the manager.
// Executor: the manager's; not thread-safe.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::router {

class forwarder {
 public:
  enum class outcome : std::uint8_t { queued, no_transport, queue_full };

  forwarder(transport::manager& tm, net::task_group& tasks, std::size_t max_queue_bytes);
  forwarder(const forwarder&) = delete;
  forwarder& operator=(const forwarder&) = delete;
  ~forwarder();

  // `packet` is one whole routing packet, read from transport `from`.
  outcome push(const wire::transport::uuid& next, bytes packet, const wire::transport::uuid& from);

  // Drops every queue; later pushes are refused (no_transport). Idempotent.
  void stop();

  std::uint64_t dropped_write_error() const noexcept;
  std::size_t queued_bytes() const noexcept;

 private:
  struct state;
  static boost::asio::awaitable<void> drain(std::shared_ptr<state> st, wire::transport::uuid id);

  std::shared_ptr<state> st_;
};

}  // namespace skywire::router
