#pragma once
// yamux::stream: the application's handle on one yamux stream of a basic_session.
//
// Ownership: move-only; it shares ownership of the session state, so it stays safe after the
// session object is gone or the session died: reads then drain what was received and return
// net::errc::closed, writes fail with the session's error. Destroying (or release()-ing) the
// handle closes the stream (FIN) if it was not closed yet and frees it once the peer's FIN
// (or the close timeout's RST) arrives.
//
// Executor: use it only from the session's executor. At most one read_some and one write may
// be outstanding at a time. Both honour per-operation (terminal) cancellation and then return
// asio::error::operation_aborted (a cancelled write may have sent part of the data).
//
// Errors: read_some: net::errc::closed at end of stream (peer FIN, after buffered data) or when
// the session is dead; errc::stream_reset after RST. write: errc::stream_closed after close(),
// errc::stream_reset, or the session's error.
#include <cstddef>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"

namespace skywire::dmsg::yamux {

namespace detail {
class session_base;
}

class stream {
 public:
  stream() noexcept = default;
  stream(std::shared_ptr<detail::session_base> session, stream_id id) noexcept;
  stream(stream&& other) noexcept;
  stream& operator=(stream&& other) noexcept;
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  ~stream();

  bool valid() const noexcept { return session_ != nullptr; }
  stream_id id() const noexcept { return id_; }

  // Reads at least 1 and at most buf.size() bytes (0 only for an empty buf). Received data
  // returns window credit to the peer as it is read.
  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf);
  // Writes all of data, waiting for send window and output room as needed (never buffers more
  // than the session's output bound). `data` must stay valid until it completes.
  boost::asio::awaitable<result<void>> write(byte_view data);

  // Half-close: sends FIN; reads continue until the peer's FIN. Idempotent.
  result<void> close();
  // Abort: sends RST; pending and later operations fail with stream_reset.
  void reset();
  // Close (if needed) and drop the handle now; the handle becomes invalid.
  void release();

  // Received bytes not yet read (for tests and diagnostics).
  std::size_t buffered() const;

 private:
  std::shared_ptr<detail::session_base> session_;
  stream_id id_ = 0;
};

}  // namespace skywire::dmsg::yamux
