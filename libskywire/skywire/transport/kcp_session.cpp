#include "skywire/transport/kcp_session.hpp"

#include <algorithm>
#include <cstring>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/transport/kcp/errc.hpp"

namespace skywire::transport::detail {

namespace asio = boost::asio;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

kcp_session::kcp_session(asio::any_io_executor ex, std::shared_ptr<kcp_carrier> carrier,
                         std::shared_ptr<const base::clock> clock, asio::ip::udp::endpoint remote,
                         std::uint32_t conv, const kcp::config& cfg)
    : ex_(ex),
      carrier_(std::move(carrier)),
      clock_(std::move(clock)),
      remote_(std::move(remote)),
      core_(conv, clock_->steady_now(), cfg),
      timer_(ex),
      readable_(ex, 1),
      writable_(ex, 1),
      last_input_(clock_->steady_now()) {}

void kcp_session::wake(signal& s) noexcept { (void)s.try_send(error_code{}); }

result<void> kcp_session::on_datagram(byte_view data) {
  if (core_.dead()) return {};
  auto r = core_.input(data, now());
  if (!r) return r;
  last_input_ = clock_->steady_now();
  if (core_.peek_size()) wake(readable_);
  wake(writable_);  // ACKs may have freed send room or completed a drain
  return {};        // ACKs go out on the mux's flush() right after this burst (kcp-go's ackNoDelay)
}

void kcp_session::flush() {
  if (core_.dead()) return;
  out_.clear();
  core_.flush(now(), out_);
  if (!out_.empty()) carrier_->send_datagrams(remote_, out_);
  if (core_.dead()) {
    shutdown(core_.error());
    return;
  }
  arm_timer();
}

void kcp_session::arm_timer() {
  const auto when = core_.next_wakeup();
  if (!when) {
    if (armed_) {
      armed_.reset();
      timer_.cancel();
    }
    return;
  }
  if (armed_ && *armed_ <= *when) return;  // the armed wake-up comes first; it re-evaluates
  armed_ = *when;
  const auto delay = std::max<kcp::time_point::duration>(*when - now(), {});
  timer_.expires_after(delay);
  std::weak_ptr<kcp_session> weak = weak_from_this();
  timer_.async_wait([weak](error_code ec) {
    if (auto self = weak.lock()) self->on_timer(ec);
  });
}

void kcp_session::on_timer(error_code ec) {
  if (ec == asio::error::operation_aborted) return;  // re-armed or shut down
  armed_.reset();
  flush();
}

void kcp_session::shutdown(error_code why) noexcept {
  auto self = shared_from_this();  // forget() may drop the mux's reference
  if (!core_.dead()) core_.close();
  (void)why;  // core_.error() keeps the first cause (dead_link or closed)
  armed_.reset();
  timer_.cancel();
  wake(readable_);
  wake(writable_);
  if (!forgotten_) {
    forgotten_ = true;
    carrier_->forget(remote_, core_.conv());
  }
}

asio::awaitable<result<std::size_t>> kcp_session::read_some(mutable_byte_view buf) {
  auto self = shared_from_this();
  if (buf.empty()) co_return std::size_t{0};
  for (;;) {
    if (rpos_ < rbuf_.size()) {
      const std::size_t n = std::min(buf.size(), rbuf_.size() - rpos_);
      std::memcpy(buf.data(), rbuf_.data() + rpos_, n);
      rpos_ += n;
      co_return n;
    }
    if (auto m = core_.recv()) {
      rbuf_ = std::move(*m);
      rpos_ = 0;
      arm_timer();  // a window that was full is announced (WINS) on the next flush
      continue;
    }
    if (core_.dead()) co_return core_.error();
    auto [ec] = co_await readable_.async_receive(use_tuple);
    if (ec) co_return ec;
  }
}

asio::awaitable<result<void>> kcp_session::write_all(byte_view data) {
  auto self = shared_from_this();
  std::size_t off = 0;
  while (off < data.size()) {
    if (core_.dead()) co_return core_.error();
    // Queue every message there is room for, then one flush: the window goes out in one batch
    // of datagrams (one send call) instead of a flush per message.
    bool queued = false;
    for (;;) {
      const std::size_t len = std::min<std::size_t>(core_.mss(), data.size() - off);
      if (off >= data.size() || !core_.can_send(len)) break;
      auto sent = core_.send(data.subspan(off, len));
      if (!sent) co_return sent.error();
      off += len;
      queued = true;
    }
    if (queued) {
      flush();
      continue;
    }
    auto [ec] = co_await writable_.async_receive(use_tuple);
    if (ec) co_return ec;
  }
  if (core_.dead()) co_return core_.error();
  co_return result<void>{};
}

result<void> kcp_session::send_now(byte_view message) {
  if (message.size() > core_.mss()) return kcp::errc::message_too_large;
  auto r = core_.send(message);
  if (!r) return r;
  flush();
  return {};
}

asio::awaitable<result<void>> kcp_session::drain() {
  auto self = shared_from_this();
  while (!core_.all_acked()) {
    if (core_.dead()) co_return core_.error();
    auto [ec] = co_await writable_.async_receive(use_tuple);
    if (ec) co_return ec;
  }
  co_return result<void>{};
}

}  // namespace skywire::transport::detail
