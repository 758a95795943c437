#pragma once
// dmsg::listener: the accepting end of a dmsg port (spec/dmsg.md §5.5 step 4, §5.6). The client
// runs the KK responder handshake for each incoming stream request addressed to the port and
// queues the finished stream here. Streams being handshaken for the port and streams waiting in
// accept() together are bounded by limits::listener_backlog: a request beyond that is refused
// before the handshake (the dialer sees the stream closed and can retry), rather than accepted
// and then closed as Go does when its 20-stream accept buffer overflows. On a single-threaded
// executor many handshakes can finish before the accept loop runs, so the bound is admission,
// not the queue.
//
// Ownership: move-only handle; destroying it (or close()) stops the port: waiting accept()s end
// with errc::entity_closed, queued streams are closed, and the port becomes free. The client
// only keeps a weak reference.
//
// Executor: the client's. One accept() at a time.
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>

#include "skywire/base/result.hpp"
#include "skywire/dmsg/ports.hpp"
#include "skywire/dmsg/stream.hpp"

namespace skywire::dmsg {

struct listener_state {
  using channel = boost::asio::experimental::channel<void(boost::system::error_code, std::unique_ptr<stream>)>;
  listener_state(boost::asio::any_io_executor ex, addr local, port_lease lease);
  // Reserves a backlog slot for a stream about to be handshaken; false when open streams for
  // this port already fill the backlog, or the listener is closed.
  bool admit();
  // Returns an admitted slot whose handshake failed.
  void release_admission();
  // Queues a finished, admitted stream; false (stream dropped) only once closed.
  bool deliver(std::unique_ptr<stream> s);
  void close();

  addr local;
  port_lease lease;
  channel queue;
  std::size_t handshaking = 0;  // admitted, not yet delivered
  std::size_t queued = 0;       // delivered, not yet accepted
  bool closed = false;
};

class listener {
 public:
  explicit listener(std::shared_ptr<listener_state> state) : state_(std::move(state)) {}
  listener(listener&&) noexcept = default;
  listener& operator=(listener&& o) noexcept;
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  ~listener();

  // The next accepted stream; errc::entity_closed after close().
  boost::asio::awaitable<result<std::unique_ptr<stream>>> accept();
  void close();
  const addr& local_addr() const noexcept { return state_->local; }

 private:
  std::shared_ptr<listener_state> state_;
};

}  // namespace skywire::dmsg
