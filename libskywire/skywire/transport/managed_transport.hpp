#pragma once
// managed_transport: one settled transport as the manager (manager.hpp) runs it — the current
// connection's read loop, one writer that serialises and coalesces writes, the byte counters
// and the swap to a newer connection of the same ID (spec/skywire.md §1.7; Go:
// managed_transport.go). Internal to the transport module; the manager is its only user.
//
//   auto mt = std::make_shared<managed_transport>(ex, std::move(conn), "user", now, cfg, hooks);
//   mt->start(tasks);                  // spawns the writer and the read loop into the group
//   co_await mt->write(packet_bytes);  // queued in call order; waits while the queue is full
//   mt->replace(std::move(newer), tasks);  // duplicate rule: adopt newer, close the old one
//   mt->close(ec);                     // silent: no on_closed
//
// Reads: a wire::routing::packet_reader over the connection's stream; each whole packet is
// counted (payload bytes) and handed to hooks.on_packet with the live transport_info. Unknown
// packet types are counted and dropped (Go's router logs and drops them). A read error ends the
// transport: hooks.on_closed runs once, unless the connection was replaced or close() was
// called first (then the old read loop ends silently).
//
// Writes: write() appends the packet to a byte queue and returns (success = queued, not yet on
// the wire); one writer coroutine hands everything queued to the stream in one write_all, so
// concurrent and back-to-back writers share Noise frames and syscalls. The queue is bounded by
// max_send_queue bytes (a packet larger than what is free waits, except into an empty queue);
// writers beyond the bound wait in FIFO order, so call order is kept and memory is bounded.
// A write error closes the transport (on_closed) and fails every waiting and later write with
// that error. Bytes queued but not yet written when the connection is replaced are lost, as
// are bytes queued on a transport that fails: routes above recover (keep-alives, re-dials).
//
// Executor: everything on the executor given; not thread-safe. The object is shared by its two
// coroutines; it is destroyed after close() once they have ended (task_group cancellation).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/transport.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::transport {

struct managed_transport_hooks {
  // Every packet of a known type read (counters already updated). Must not block.
  std::function<void(const transport_info&, const wire::routing::packet_view&)> on_packet;
  // Payload bytes received / sent, for the bandwidth log.
  std::function<void(const wire::transport::uuid&, std::uint64_t recv, std::uint64_t sent)> on_bytes;
  // The transport failed (read or write error); called once, never after close().
  std::function<void(const wire::transport::uuid&, error_code)> on_closed;
};

class managed_transport : public std::enable_shared_from_this<managed_transport> {
 public:
  managed_transport(boost::asio::any_io_executor ex, transport conn, std::string label,
                    base::clock::wall_time since, base::clock::steady_time adopted, std::size_t max_send_queue,
                    managed_transport_hooks hooks, base::logger log);
  managed_transport(const managed_transport&) = delete;
  managed_transport& operator=(const managed_transport&) = delete;
  ~managed_transport();

  // Spawns the writer and the read loop. Errors: the task group's (full or closed).
  result<void> start(net::task_group& tasks);

  // Adopts a newer connection for this ID (same type and peer) and closes the old one.
  result<void> replace(transport conn, base::clock::steady_time adopted, net::task_group& tasks);

  boost::asio::awaitable<result<void>> write(byte_view packet);

  // Closes the connection and fails waiting writers with `why`; no on_closed. Idempotent.
  void close(error_code why);

  // Back-pressure from the packet handler's side (manager::pause_reading): the read loop stops
  // after the packet it is handling until resume_reading(), or until the transport closes.
  void pause_reading() noexcept { paused_ = true; }
  void resume_reading();
  bool reading_paused() const noexcept { return paused_; }

  bool closed() const noexcept { return closed_; }
  const transport_info& info() const noexcept { return info_; }
  // When the current connection was adopted, and whether this side dialled it.
  base::clock::steady_time adopted_at() const noexcept { return adopted_; }
  bool current_is_initiator() const noexcept { return info_.initiator; }
  std::size_t queued_bytes() const noexcept { return pending_.size(); }

 private:
  struct connection;
  struct waiter;

  boost::asio::awaitable<void> read_loop(std::shared_ptr<managed_transport> self, std::shared_ptr<connection> c);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<managed_transport> self);
  void fail(const std::shared_ptr<connection>& c, error_code ec);
  void admit_waiters();
  void count_sent(byte_view packet);

  boost::asio::any_io_executor ex_;
  std::shared_ptr<connection> conn_;
  transport_info info_;
  base::clock::steady_time adopted_;
  std::size_t max_send_queue_;
  managed_transport_hooks hooks_;
  base::logger log_;

  bytes pending_;   // packets queued, not yet handed to the stream
  bytes inflight_;  // the batch write_all is writing
  std::deque<waiter*> waiters_;
  boost::asio::steady_timer wake_;  // the writer sleeps on it while pending_ is empty
  boost::asio::steady_timer resume_;  // the reader sleeps on it while paused_
  bool paused_ = false;
  bool closed_ = false;
  error_code close_reason_;
};

}  // namespace skywire::transport
