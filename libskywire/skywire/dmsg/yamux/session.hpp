#pragma once
// basic_session<AsyncStream>: a yamux session over a connected byte stream (the TCP socket of
// a dmsg session after the Noise XK handshake), driving session_core with three coroutines:
// a reader (socket → core), a writer (core → socket, each write bounded by the 10 s write
// timeout) and a timer loop (keepalive ping every 30 s, 10 s ping timeout, 75 s open timeout,
// 5 min close timeout). They are owned by a net::task_group and hold the session state alive
// until they end.
//
//   yamux::session s(std::move(socket), yamux::role::client);   // dmsg client = yamux client
//   auto st = co_await s.open();           // result<yamux::stream>, returns at once (SYN sent)
//   co_await st->write(bytes);  co_await st->read_some(buf);  st->close();
//   auto in = co_await s.accept();         // waits for a peer stream, ACKs it
//   s.close();                             // GoAway(0), flush (≤ write timeout), close socket
//   co_await s.join();                     // the loops have ended (session dead)
//
// AsyncStream: an Asio AsyncReadStream + AsyncWriteStream with get_executor() and
// close(error_code&) (tcp::socket). The session takes it over.
//
// Executor: everything runs on the transport's executor (a single-threaded io_context or a
// strand); call every member, and every stream member, from there.
//
// Errors: open(): the session error (dead), errc::remote_go_away, too_many_streams,
// streams_exhausted. accept(): the session error once dead, operation_aborted when cancelled.
// The session dies on protocol errors (GoAway(1) sent first), peer GoAway(1/2), keepalive,
// open or write timeout, transport EOF/error (net::errc::closed for EOF), or close();
// error() says which.
//
// Lifetime: destroying the session object closes it (like close()); stream handles stay valid
// (reads drain and then return net::errc::closed).
#include <algorithm>
#include <memory>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/dmsg/yamux/detail/session_base.hpp"
#include "skywire/dmsg/yamux/errc.hpp"
#include "skywire/dmsg/yamux/limits.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"
#include "skywire/dmsg/yamux/stream.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"

namespace skywire::dmsg::yamux {

namespace detail {

template <class AsyncStream>
class session_impl final : public session_base {
 public:
  session_impl(AsyncStream transport, role r, const config& cfg)
      : session_base(transport.get_executor(), r, cfg),
        transport_(std::move(transport)),
        tasks_(ex_, 3) {}

  void start() {
    auto self = std::static_pointer_cast<session_impl>(shared_from_this());
    (void)tasks_.spawn(reader(self));
    (void)tasks_.spawn(writer(self));
    (void)tasks_.spawn(timers(self));
  }

  boost::asio::awaitable<void> join() {
    auto self = shared_from_this();  // the loops may end and drop the last reference meanwhile
    co_await tasks_.join();
  }

 private:
  void close_transport() noexcept override {
    error_code ignored;
    transport_.close(ignored);
  }

  static boost::asio::awaitable<void> reader(std::shared_ptr<session_impl> self) {
    namespace asio = boost::asio;
    bytes buf(limits::idle_read_chunk);
    while (!self->core_.closed()) {
      auto b = asio::buffer(buf);
      auto [ec, n] = co_await self->transport_.async_read_some(b, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        self->on_transport_error(ec == asio::error::eof ? error_code(net::errc::closed) : error_code(ec));
        break;
      }
      self->on_input(byte_view(buf).first(n));
      if (n == buf.size() && buf.size() < limits::read_chunk) {
        buf.resize(limits::read_chunk);  // busy: read big
      } else if (n < limits::idle_read_chunk && buf.size() > limits::idle_read_chunk) {
        bytes(limits::idle_read_chunk).swap(buf);  // quiet again: give the memory back
      }
    }
  }

  boost::asio::awaitable<result<std::size_t>> write_some_output(byte_view out) {
    namespace asio = boost::asio;
    auto b = asio::buffer(out.data(), out.size());
    auto [ec, n] = co_await asio::async_write(transport_, b, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return ec;
    co_return n;
  }

  static boost::asio::awaitable<void> writer(std::shared_ptr<session_impl> self) {
    for (;;) {
      const byte_view out = self->pending_output();
      if (out.empty()) {
        if (self->core_.closed()) break;
        if (!co_await self->wait_for_output()) break;
        continue;
      }
      auto op = self->write_some_output(out.first(std::min(out.size(), limits::write_chunk)));
      auto r = co_await net::with_timeout(std::move(op), limits::write_timeout);
      if (!r) {
        self->on_transport_error(r.error() == net::errc::timeout ? error_code(errc::write_timeout) : r.error());
        break;
      }
      self->on_output_written(*r);
    }
    // Dead and flushed (or the write failed): the transport goes, which ends the reader.
    self->close_transport();
  }

  static boost::asio::awaitable<void> timers(std::shared_ptr<session_impl> self) {
    co_await self->timer_loop();
  }

  AsyncStream transport_;
  net::task_group tasks_;
};

}  // namespace detail

template <class AsyncStream>
class basic_session {
 public:
  basic_session(AsyncStream transport, role r) : basic_session(std::move(transport), r, config{}) {}
  basic_session(AsyncStream transport, role r, const config& cfg)
      : impl_(std::make_shared<detail::session_impl<AsyncStream>>(std::move(transport), r, cfg)) {
    impl_->start();
  }
  basic_session(basic_session&&) noexcept = default;
  basic_session& operator=(basic_session&& other) noexcept {
    if (this != &other) {
      if (impl_) impl_->close();
      impl_ = std::move(other.impl_);
    }
    return *this;
  }
  basic_session(const basic_session&) = delete;
  basic_session& operator=(const basic_session&) = delete;
  ~basic_session() {
    if (impl_) impl_->close();
  }

  // Opens a stream (sends SYN; does not wait for the ACK). Completes immediately.
  boost::asio::awaitable<result<stream>> open() { co_return impl_->open(); }
  // Waits for the next stream the peer opened, and ACKs it.
  boost::asio::awaitable<result<stream>> accept() { return impl_->accept(); }
  // GoAway(0), then the socket is closed once queued output is flushed (bounded by the write
  // timeout). Streams see the session closed. Idempotent.
  void close() { impl_->close(); }
  // Completes when the reader, writer and timer loops have ended (after the session died and
  // the transport was closed).
  boost::asio::awaitable<void> join() { return impl_->join(); }

  bool closed() const noexcept { return impl_->closed(); }
  error_code error() const noexcept { return impl_->error(); }
  std::size_t stream_count() const noexcept { return impl_->stream_count(); }
  std::size_t output_size() const noexcept { return impl_->output_size(); }

 private:
  std::shared_ptr<detail::session_impl<AsyncStream>> impl_;
};

// The dmsg case: yamux straight on the TCP socket.
using session = basic_session<boost::asio::ip::tcp::socket>;

}  // namespace skywire::dmsg::yamux
