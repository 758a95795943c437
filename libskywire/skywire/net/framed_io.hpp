#pragma once
// Framed I/O over any Asio AsyncReadStream / AsyncWriteStream (tcp::socket, beast::tcp_stream,
// a test pipe ...). The frame is `u16 big-endian length || body`, the framing of the dmsg and
// Noise handshake messages; this file knows only the framing, not what the bodies mean.
//
//   async_read_exact(s, n, max)   exactly n bytes; n > max -> errc::frame_too_large (nothing read)
//   async_read_frame(s, max_len)  one frame; length > max_len -> errc::frame_too_large, refused
//                                 after the 2 length bytes and before allocating or reading body
//   async_write_frame(s, body)    one gathered write; body > 65535 -> errc::frame_too_large
//
// Errors: EOF at any point (also mid-frame) -> errc::closed; other stream errors pass through
// (operation_aborted when cancelled, connection_reset, ...). After an error the stream position
// is undefined: the caller closes it. Each call runs on the stream's executor; at most one read
// and one write may be outstanding per stream (Asio's rule for composed operations).
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/errc.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace skywire::net {

inline constexpr std::size_t max_frame_body = 0xFFFF;

namespace detail {
inline error_code map_stream_error(const error_code& ec) {
  if (ec == boost::asio::error::eof) return errc::closed;
  return ec;
}
}  // namespace detail

template <class AsyncReadStream>
boost::asio::awaitable<result<bytes>> async_read_exact(AsyncReadStream& stream, std::size_t n,
                                                      std::size_t max) {
  namespace asio = boost::asio;
  if (n > max) co_return errc::frame_too_large;
  bytes out(n);
  if (n == 0) co_return out;
  auto [ec, got] =
      co_await asio::async_read(stream, asio::buffer(out), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return detail::map_stream_error(ec);
  if (got != n) co_return errc::closed;
  co_return out;
}

template <class AsyncReadStream>
boost::asio::awaitable<result<bytes>> async_read_frame(AsyncReadStream& stream,
                                                      std::size_t max_len) {
  namespace asio = boost::asio;
  std::array<std::uint8_t, 2> header{};
  auto [ec, got] =
      co_await asio::async_read(stream, asio::buffer(header), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return detail::map_stream_error(ec);
  if (got != header.size()) co_return errc::closed;
  const std::size_t len = (std::size_t{header[0]} << 8) | header[1];
  co_return co_await async_read_exact(stream, len, max_len);
}

template <class AsyncWriteStream>
boost::asio::awaitable<result<void>> async_write_frame(AsyncWriteStream& stream, byte_view body) {
  namespace asio = boost::asio;
  if (body.size() > max_frame_body) co_return errc::frame_too_large;
  const std::array<std::uint8_t, 2> header{static_cast<std::uint8_t>(body.size() >> 8),
                                           static_cast<std::uint8_t>(body.size() & 0xFF)};
  const std::array<asio::const_buffer, 2> bufs{asio::buffer(header),
                                               asio::buffer(body.data(), body.size())};
  auto [ec, sent] = co_await asio::async_write(stream, bufs, asio::as_tuple(asio::use_awaitable));
  (void)sent;
  if (ec) co_return detail::map_stream_error(ec);
  co_return result<void>{};
}

}  // namespace skywire::net
