#include "skywire/transport/encrypted_stream.hpp"

#include <algorithm>

#include "skywire/net/timeout.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/noise/limits.hpp"
#include "skywire/transport/detail/stream_io.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace limits = noise::limits;

namespace {

asio::awaitable<result<std::size_t>> read_frame_length(net::stream& s) {
  byte_array<limits::length_prefix_len> header{};
  auto r = co_await detail::read_exact(s, header);
  if (!r) co_return r.error();
  co_return (std::size_t{header[0]} << 8) | header[1];
}

asio::awaitable<result<void>> run_kk(net::stream& s, noise::handshake_state& hs) {
  while (!hs.is_complete()) {
    if (hs.is_my_turn()) {
      auto msg = hs.write_message();
      if (!msg) co_return msg.error();
      bytes frame;
      frame.reserve(limits::length_prefix_len + msg->size());
      frame.push_back(static_cast<std::uint8_t>(msg->size() >> 8));
      frame.push_back(static_cast<std::uint8_t>(msg->size()));
      frame.insert(frame.end(), msg->begin(), msg->end());
      auto w = co_await s.write_all(frame);
      if (!w) co_return w.error();
    } else {
      auto len = co_await read_frame_length(s);
      if (!len) co_return len.error();
      if (*len > limits::max_frame_body) co_return noise::errc::frame_too_long;
      if (*len != hs.next_message_length()) co_return noise::errc::bad_message_length;
      byte_array<limits::msg_s_len> body{};
      mutable_byte_view msg = mutable_byte_view(body).first(*len);
      auto got = co_await detail::read_exact(s, msg);
      if (!got) co_return got.error();
      auto r = hs.read_message(msg);
      if (!r) co_return r.error();
    }
  }
  co_return result<void>{};
}

}  // namespace

encrypted_stream::encrypted_stream(std::unique_ptr<net::stream> carrier, const noise::transport_keys& keys)
    : carrier_(std::move(carrier)), sealer_(keys.send), opener_(keys.recv), rbuf_(limits::max_frame_body) {}

encrypted_stream::~encrypted_stream() { close(); }

asio::awaitable<result<void>> encrypted_stream::fill_pending() {
  while (pending_.empty()) {
    if (read_error_) co_return read_error_;
    auto len = co_await read_frame_length(*carrier_);
    if (!len) {
      read_error_ = len.error();
      co_return read_error_;
    }
    if (*len > limits::max_frame_body) {
      read_error_ = noise::errc::frame_too_long;
      co_return read_error_;
    }
    mutable_byte_view body = mutable_byte_view(rbuf_).first(*len);
    auto got = co_await detail::read_exact(*carrier_, body);
    if (!got) {
      // EOF inside a frame is a truncated frame, not a clean close.
      read_error_ = got.error() == net::errc::closed ? error_code(noise::errc::truncated_frame) : got.error();
      co_return read_error_;
    }
    auto pt = opener_.open_in_place(body);
    if (!pt) {
      read_error_ = pt.error();
      co_return read_error_;
    }
    pending_ = *pt;  // empty frames are legal and skipped
  }
  co_return result<void>{};
}

asio::awaitable<result<std::size_t>> encrypted_stream::copy_pending(mutable_byte_view buf, bool consume) {
  if (buf.empty()) co_return std::size_t{0};
  if (pending_.empty()) {
    auto filled = co_await fill_pending();
    if (!filled) co_return filled.error();
  }
  const std::size_t n = std::min(buf.size(), pending_.size());
  std::copy_n(pending_.begin(), n, buf.begin());
  if (consume) pending_ = pending_.subspan(n);
  co_return n;
}

// Not coroutines themselves: they hand over copy_pending's lazy awaitable, so a read costs one
// coroutine frame, not two.
asio::awaitable<result<std::size_t>> encrypted_stream::read_some(mutable_byte_view buf) {
  return copy_pending(buf, true);
}

asio::awaitable<result<std::size_t>> encrypted_stream::peek_some(mutable_byte_view buf) {
  return copy_pending(buf, false);
}

asio::awaitable<result<void>> encrypted_stream::write_all(byte_view data) {
  if (write_error_) co_return write_error_;
  while (!data.empty()) {
    wbuf_.clear();
    for (std::size_t i = 0; i < limits::write_batch_frames && !data.empty(); ++i) {
      const std::size_t n = std::min(data.size(), limits::max_data_plaintext);
      auto sealed = sealer_.seal_append(data.first(n), wbuf_);
      if (!sealed) {
        write_error_ = sealed.error();
        co_return write_error_;
      }
      data = data.subspan(n);
    }
    auto w = co_await carrier_->write_all(wbuf_);
    if (!w) {
      write_error_ = w.error();
      co_return write_error_;
    }
  }
  co_return result<void>{};
}

void encrypted_stream::close() noexcept {
  if (carrier_) carrier_->close();
}

asio::awaitable<result<std::unique_ptr<encrypted_stream>>> noise_kk(std::unique_ptr<net::stream> carrier,
                                                                   noise::handshake_role role,
                                                                   const crypto::key_pair& local,
                                                                   const crypto::public_key& remote,
                                                                   base::random_source& rng,
                                                                   std::chrono::steady_clock::duration timeout) {
  noise::handshake_config cfg{noise::handshake_pattern::kk, role, local, remote,
                              crypto::generate_key_pair(rng)};
  auto hs = noise::handshake_state::create(cfg);
  if (!hs) {
    carrier->close();
    co_return hs.error();
  }
  auto op = run_kk(*carrier, *hs);
  auto timed = net::with_timeout(std::move(op), timeout);
  auto done = co_await std::move(timed);
  if (!done) {
    carrier->close();
    co_return done.error();
  }
  auto keys = hs->split();
  if (!keys) {
    carrier->close();
    co_return keys.error();
  }
  co_return std::make_unique<encrypted_stream>(std::move(carrier), *keys);
}

}  // namespace skywire::transport
