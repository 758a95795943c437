#pragma once
// stream and stream_dialer: the byte-stream seam between protocol clients and what carries them.
//
// The HTTP client (and later the service clients in disc/) talk to a `stream` obtained from a
// `stream_dialer`, never to a socket directly, so the same client runs over TCP today and over a
// dmsg stream later (the Go visor's `dmsg://pk:port` service URLs): DESIGN.md §3. The interface
// is virtual with coroutine members instead of an Asio AsyncStream template so that callers stay
// out of headers and one compiled client serves every carrier; the cost (one virtual call and a
// coroutine frame per read) is noise next to an HTTP exchange.
//
// Executor: a stream is bound to the executor it was dialed on; call it from there. At most one
// read_some and one write_all may be outstanding at a time. Both honour per-operation
// cancellation (terminal), reporting asio::error::operation_aborted.
//
// Errors: read_some returns errc::closed at EOF (never a 0-byte success for a non-empty
// buffer); other errors are the carrier's own (system/asio categories for TCP).
//
// Peeking (optional): peek_some lets a reader that must not consume past a delimiter (the
// transport handshake's text lines, followed at once by Noise bytes a peer may already have
// sent) look at what is buffered and then read exactly up to the delimiter, instead of one
// read_some per byte. Only carriers that can do it cheaply implement it (TCP: recv(MSG_PEEK);
// the transport's Noise stream: its decrypted frame); the default says "not supported" and the
// caller falls back to reading byte by byte.
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/errc.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace skywire::net {

class stream {
 public:
  virtual ~stream() = default;

  // Reads at least 1 and at most buf.size() bytes.
  virtual boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) = 0;

  // Waits until at least 1 byte is readable, then copies at most buf.size() of the readable
  // bytes into buf without consuming them: the next read_some returns the same bytes first (as
  // many of them as its buffer holds). Counts as the outstanding read (never overlap it with
  // read_some). An empty buf returns 0 at once. Errors: as read_some (errc::closed at EOF,
  // operation_aborted when cancelled); boost::system::errc::operation_not_supported (generic
  // category) at once, consuming nothing, when the carrier cannot peek (the default) — callers
  // then read byte by byte.
  virtual boost::asio::awaitable<result<std::size_t>> peek_some(mutable_byte_view buf) {
    (void)buf;
    co_return boost::system::errc::make_error_code(boost::system::errc::operation_not_supported);
  }

  // Writes all of data (returns when it is handed to the carrier).
  virtual boost::asio::awaitable<result<void>> write_all(byte_view data) = 0;

  // Closes both directions; pending operations complete with an error. Idempotent.
  virtual void close() noexcept = 0;
};

class stream_dialer {
 public:
  virtual ~stream_dialer() = default;

  // Connects to host:port. `host` is whatever the carrier names peers by (a DNS name or an IP
  // literal for TCP). The caller bounds the time (with_timeout).
  virtual boost::asio::awaitable<result<std::unique_ptr<stream>>> dial(std::string host,
                                                                       std::uint16_t port) = 0;
};

// The default carrier: the Asio resolver (getaddrinfo on Asio's internal thread; not
// cancellable while in flight) followed by a TCP connect that tries each resolved address in
// turn. Its streams can peek (see tcp_stream.hpp). Errors: host_not_found, connection_refused,
// ... (asio/system categories).
std::shared_ptr<stream_dialer> make_tcp_dialer(boost::asio::any_io_executor ex);

}  // namespace skywire::net
