#pragma once
// The transport-independent half of basic_session<AsyncStream> (session.hpp): the core, the
// waiters of every coroutine blocked on it, and the keepalive/timeout timer loop. The template
// adds only the socket and its reader and writer loops. Stream handles point here, so they do
// not depend on the transport type. Single executor; nothing here locks.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"

namespace skywire::dmsg::yamux {

class stream;

namespace detail {

class session_base : public std::enable_shared_from_this<session_base> {
 public:
  session_base(boost::asio::any_io_executor ex, role r, const config& cfg);
  virtual ~session_base();
  session_base(const session_base&) = delete;
  session_base& operator=(const session_base&) = delete;

  // Session API (see session.hpp).
  result<stream> open();
  boost::asio::awaitable<result<stream>> accept();
  void close();
  bool closed() const noexcept { return core_.closed(); }
  error_code error() const noexcept { return core_.error(); }
  std::size_t stream_count() const noexcept { return core_.stream_count(); }
  std::size_t output_size() const noexcept { return core_.output_size(); }

  // Stream API (called through stream handles).
  boost::asio::awaitable<result<std::size_t>> read_some(stream_id id, mutable_byte_view buf);
  boost::asio::awaitable<result<void>> write(stream_id id, byte_view data);
  result<void> close_stream(stream_id id);
  void reset_stream(stream_id id);
  void release(stream_id id);
  std::size_t buffered(stream_id id) const;

 protected:
  // Loop plumbing for the transport half.
  void on_input(byte_view in);
  void on_transport_error(error_code ec);
  void on_output_written(std::size_t n);
  byte_view pending_output() { return core_.pending_output(); }
  // Sleeps until there is output to write or the session is dead; false when cancelled.
  boost::asio::awaitable<bool> wait_for_output();
  boost::asio::awaitable<void> timer_loop();
  // Closes the transport (idempotent); the loops see errors and end.
  virtual void close_transport() noexcept = 0;

  boost::asio::any_io_executor ex_;
  session_core core_;

 private:
  struct stream_waiters {
    explicit stream_waiters(const boost::asio::any_io_executor& ex);
    boost::asio::steady_timer read;
    boost::asio::steady_timer write;
  };

  stream make_stream(stream_id id);
  // Dispatches the core's events to waiters, wakes the writer, re-arms the deadline timer.
  void after_change();
  void wake_stream(stream_id id, bool read, bool write);
  void wake_all();

  std::unordered_map<stream_id, std::unique_ptr<stream_waiters>> waiters_;
  // Wake-up timers: expiry "never", cancel() wakes every waiter (a condition variable).
  boost::asio::steady_timer accept_wake_;
  boost::asio::steady_timer output_wake_;
  // The core's next deadline.
  boost::asio::steady_timer deadline_;
  std::optional<time_point> armed_;
};

}  // namespace detail
}  // namespace skywire::dmsg::yamux
