#pragma once
// Boost.Asio adaptor over the sans-I/O core: async_handshake runs a handshake_state over any
// Asio byte stream with u16-length-prefixed handshake messages (spec/dmsg.md §3.2, used for the
// XK session and the KK skywire transport handshakes), and noise_stream<Stream> encrypts a byte
// stream with transport frames (frame.hpp). Self-contained on Asio + C++20 coroutines.
//
// Ownership: noise_stream owns its Stream (moved in) and the transport keys (wiped on
// destruction). One read() and one write() may be outstanding at the same time (they touch
// disjoint state); two concurrent reads or two concurrent writes are not allowed. Objects live
// on the executor of the coroutine that uses them; nothing here posts or locks.
//
// Errors: Asio errors of the underlying stream pass through unchanged; in particular a clean
// end of stream at a frame boundary is boost::asio::error::eof. Noise errors are noise::errc:
// truncated_frame (EOF inside a frame), frame_too_long (u16 > 4094), frame_too_short,
// decrypt_failed, replayed_nonce (read); nonce_exhausted (write); timed_out and the
// handshake_state errors (async_handshake); a handshake length prefix that differs from the
// expected message length is bad_message_length (the body is not read). Every error is sticky
// and fatal: close the stream.
//
// Extra bytes: async_handshake reads exactly the handshake messages and nothing more, so bytes
// a peer pipelines after its last message stay in the socket; dmsg's "no extra bytes" rule
// (§3.2) is the session layer's to enforce.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <tuple>
#include <utility>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/handshake_state.hpp"
#include "skywire/noise/limits.hpp"

namespace skywire::noise {

namespace detail {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// EOF after some bytes of a frame is a truncated frame; other errors pass through.
inline error_code frame_read_error(const error_code& ec, bool started) {
  if (ec == boost::asio::error::eof && started) return errc::truncated_frame;
  return ec;
}

// Reads one u16 BE length prefix. `started` tells whether EOF here is inside a frame.
template <class Stream>
boost::asio::awaitable<result<std::size_t>> read_length(Stream& stream, bool started) {
  byte_array<2> header{};
  auto buf = boost::asio::buffer(header);
  auto [ec, n] = co_await boost::asio::async_read(stream, buf, use_tuple);
  if (ec) co_return frame_read_error(ec, started || n > 0);
  co_return (std::size_t{header[0]} << 8) | header[1];
}

template <class Stream>
boost::asio::awaitable<result<void>> read_exact(Stream& stream, mutable_byte_view out) {
  if (out.empty()) co_return result<void>{};
  auto buf = boost::asio::buffer(out.data(), out.size());
  auto [ec, n] = co_await boost::asio::async_read(stream, buf, use_tuple);
  if (ec) co_return frame_read_error(ec, true);
  co_return result<void>{};
}

template <class Stream>
boost::asio::awaitable<result<void>> run_handshake(Stream& stream, handshake_state& hs) {
  while (!hs.is_complete()) {
    if (hs.failed()) co_return errc::handshake_failed;
    if (hs.is_my_turn()) {
      auto msg = hs.write_message();
      if (!msg) co_return msg.error();
      bytes frame;
      frame.reserve(limits::length_prefix_len + msg->size());
      frame.push_back(static_cast<std::uint8_t>(msg->size() >> 8));
      frame.push_back(static_cast<std::uint8_t>(msg->size()));
      frame.insert(frame.end(), msg->begin(), msg->end());
      auto buf = boost::asio::buffer(frame);
      auto [ec, n] = co_await boost::asio::async_write(stream, buf, use_tuple);
      if (ec) co_return ec;
    } else {
      auto len = co_await read_length(stream, false);
      if (!len) co_return len.error();  // EOF between messages: the peer gave up, pass it on
      if (*len > limits::max_frame_body) co_return errc::frame_too_long;
      if (*len != hs.next_message_length()) co_return errc::bad_message_length;
      byte_array<limits::msg_s_len> body{};  // the longest handshake message
      mutable_byte_view msg = mutable_byte_view(body).first(*len);
      auto got = co_await read_exact(stream, msg);
      if (!got) co_return got.error();
      auto r = hs.read_message(msg);
      if (!r) co_return r.error();
    }
  }
  co_return result<void>{};
}

}  // namespace detail

template <class Stream>
class noise_stream {
 public:
  // Wraps a stream whose handshake is complete. mode: strictly_increasing for stream data and
  // transports (the only use over a byte stream in dmsg/skywire).
  noise_stream(Stream stream, const transport_keys& keys)
      : stream_(std::move(stream)), sealer_(keys.send), opener_(keys.recv), rbuf_(limits::max_frame_body) {}

  Stream& next_layer() noexcept { return stream_; }
  const Stream& next_layer() const noexcept { return stream_; }

  // The plaintext of the next non-empty frame (or what read_some left of the current one), as
  // a view valid until the next read()/read_some(). Never returns an empty view on success.
  boost::asio::awaitable<result<byte_view>> read() {
    if (!pending_.empty()) {
      byte_view out = pending_;
      pending_ = {};
      co_return out;
    }
    if (read_error_) co_return read_error_;
    for (;;) {
      auto len = co_await detail::read_length(stream_, false);
      if (!len) co_return fail_read(len.error());
      if (*len > limits::max_frame_body) co_return fail_read(errc::frame_too_long);
      mutable_byte_view body = mutable_byte_view(rbuf_).first(*len);
      auto got = co_await detail::read_exact(stream_, body);
      if (!got) co_return fail_read(got.error());
      auto pt = opener_.open_in_place(body);
      if (!pt) co_return fail_read(pt.error());
      if (!pt->empty()) co_return byte_view(*pt);  // empty frames are legal and skipped
    }
  }

  // Copies up to out.size() bytes of plaintext (at most one frame's worth); the rest of the
  // frame is kept for the next call. Returns the number of bytes copied (> 0 on success when
  // out is non-empty).
  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view out) {
    if (out.empty()) co_return std::size_t{0};
    auto got = co_await read();
    if (!got) co_return got.error();
    const std::size_t n = std::min(out.size(), got->size());
    std::copy_n(got->begin(), n, out.begin());
    pending_ = got->subspan(n);
    co_return n;
  }

  // Encrypts and sends all of data, split into frames of at most limits::max_data_plaintext
  // bytes. An empty write sends nothing.
  boost::asio::awaitable<result<void>> write(byte_view data) {
    if (write_error_) co_return write_error_;
    while (!data.empty()) {
      wbuf_.clear();
      for (std::size_t i = 0; i < limits::write_batch_frames && !data.empty(); ++i) {
        const std::size_t n = std::min(data.size(), limits::max_data_plaintext);
        auto sealed = sealer_.seal_append(data.first(n), wbuf_);
        if (!sealed) co_return fail_write(sealed.error());
        data = data.subspan(n);
      }
      auto buf = boost::asio::buffer(wbuf_);
      auto [ec, written] = co_await boost::asio::async_write(stream_, buf, detail::use_tuple);
      if (ec) co_return fail_write(ec);
    }
    co_return result<void>{};
  }

 private:
  error_code fail_read(error_code ec) {
    read_error_ = ec;
    return ec;
  }
  error_code fail_write(error_code ec) {
    write_error_ = ec;
    return ec;
  }

  Stream stream_;
  frame_sealer sealer_;
  frame_opener opener_;
  bytes rbuf_;
  byte_view pending_;
  bytes wbuf_;
  error_code read_error_;
  error_code write_error_;
};

// Runs hs to completion over stream (u16 BE length ‖ message for every handshake message),
// within timeout, then wraps the stream with the split keys. hs must outlive the call; after
// it, hs.remote_static() tells who the peer is (XK responder).
template <class Stream>
boost::asio::awaitable<result<noise_stream<Stream>>> async_handshake(
    Stream stream, handshake_state& hs,
    std::chrono::steady_clock::duration timeout = limits::handshake_timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, timeout);
  auto handshake_op = detail::run_handshake(stream, hs);
  auto timer_op = timer.async_wait(detail::use_tuple);
  auto winner = co_await (std::move(handshake_op) || std::move(timer_op));
  if (winner.index() == 1) co_return errc::timed_out;
  result<void> done = std::get<0>(std::move(winner));
  if (!done) co_return done.error();
  auto keys = hs.split();
  if (!keys) co_return keys.error();
  co_return noise_stream<Stream>(std::move(stream), *keys);
}

}  // namespace skywire::noise
