#pragma once
// dmsg::listener: the accepting end of a dmsg port (spec/dmsg.md §5.5 step 4, §5.6). The client
// runs the KK responder handshake for each incoming stream request addressed to the port and
// queues the finished stream here; at most limits::listener_backlog streams wait (beyond that
// the stream is closed right after its accepting response, as Go does).
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
  // Queues a finished stream; false (stream dropped) when the backlog is full or closed.
  bool deliver(std::unique_ptr<stream> s);
  void close();

  addr local;
  port_lease lease;
  channel queue;
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
