#include "skywire/transport/kcp/core.hpp"

#include <algorithm>

#include "skywire/transport/kcp/errc.hpp"

namespace skywire::transport::kcp {

namespace {

constexpr std::uint32_t ask_send = 1;  // we must send WASK
constexpr std::uint32_t ask_tell = 2;  // we must send WINS
// What a peer's window is assumed to be until it tells us (kcp-go's IKCP_WND_RCV).
constexpr std::uint32_t initial_remote_wnd = 32;

// Wrap-safe a - b on the u32 sequence/time spaces.
std::int32_t diff(std::uint32_t a, std::uint32_t b) noexcept { return static_cast<std::int32_t>(a - b); }

// Appends segments into datagrams of at most mtu bytes.
class packer {
 public:
  packer(std::vector<bytes>& out, std::uint32_t mtu) : out_(out), mtu_(mtu) {}
  ~packer() { emit(); }
  packer(const packer&) = delete;
  packer& operator=(const packer&) = delete;

  void add(const segment_header& h, byte_view data) {
    const std::size_t need = limits::overhead + data.size();
    if (!buf_.empty() && buf_.size() + need > mtu_) emit();
    if (buf_.capacity() == 0) buf_.reserve(std::max<std::size_t>(mtu_, need));  // one allocation per datagram
    const std::size_t at = buf_.size();
    buf_.resize(at + limits::overhead);
    encode_header(h, buf_.data() + at);
    buf_.insert(buf_.end(), data.begin(), data.end());
  }

 private:
  void emit() {
    if (buf_.empty()) return;
    out_.push_back(std::move(buf_));
    buf_.clear();
  }
  std::vector<bytes>& out_;
  std::uint32_t mtu_;
  bytes buf_;
};

}  // namespace

core::core(std::uint32_t conv, time_point now, const config& cfg)
    : cfg_(cfg), conv_(conv), epoch_(now), rmt_wnd_(initial_remote_wnd) {
  cfg_.mtu = std::clamp<std::uint32_t>(cfg_.mtu, limits::overhead + 1, limits::max_datagram);
  cfg_.snd_wnd = std::clamp<std::uint32_t>(cfg_.snd_wnd, 1, limits::max_wnd);
  cfg_.rcv_wnd = std::clamp<std::uint32_t>(cfg_.rcv_wnd, limits::max_send_fragments, limits::max_wnd);
  if (cfg_.dead_link == 0) cfg_.dead_link = limits::dead_link;
  if (cfg_.interval.count() < 1) cfg_.interval = std::chrono::milliseconds(1);
  mss_ = cfg_.mtu - static_cast<std::uint32_t>(limits::overhead);
  if (cfg_.nodelay) rx_minrto_ = 30;
}

std::uint32_t core::ms(time_point now) const noexcept {
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now - epoch_).count());
}

std::uint16_t core::wnd_unused() const noexcept {
  if (rcv_queue_.size() >= cfg_.rcv_wnd) return 0;
  return static_cast<std::uint16_t>(std::min<std::size_t>(cfg_.rcv_wnd - rcv_queue_.size(), 0xFFFF));
}

void core::close() noexcept {
  if (!error_) error_ = errc::closed;
}

// --- input ------------------------------------------------------------------------------

void core::update_ack(std::int32_t rtt) noexcept {
  if (rx_srtt_ == 0) {
    rx_srtt_ = rtt;
    rx_rttval_ = rtt / 2;
  } else {
    const std::int32_t delta = rtt > rx_srtt_ ? rtt - rx_srtt_ : rx_srtt_ - rtt;
    rx_rttval_ = (3 * rx_rttval_ + delta) / 4;
    rx_srtt_ = (7 * rx_srtt_ + rtt) / 8;
    if (rx_srtt_ < 1) rx_srtt_ = 1;
  }
  const std::int64_t interval = cfg_.interval.count();
  const std::int64_t rto = rx_srtt_ + std::max<std::int64_t>(interval, 4 * static_cast<std::int64_t>(rx_rttval_));
  rx_rto_ = static_cast<std::uint32_t>(std::clamp<std::int64_t>(rto, rx_minrto_, limits::rto_max));
}

void core::shrink_buf() noexcept { snd_una_ = snd_buf_.empty() ? snd_nxt_ : snd_buf_.front().h.sn; }

void core::parse_ack(std::uint32_t sn) noexcept {
  if (diff(sn, snd_una_) < 0 || diff(sn, snd_nxt_) >= 0) return;
  for (auto it = snd_buf_.begin(); it != snd_buf_.end(); ++it) {
    if (it->h.sn == sn) {
      snd_buf_.erase(it);
      return;
    }
    if (diff(sn, it->h.sn) < 0) return;
  }
}

void core::parse_una(std::uint32_t una) noexcept {
  while (!snd_buf_.empty() && diff(una, snd_buf_.front().h.sn) > 0) snd_buf_.pop_front();
}

void core::parse_fastack(std::uint32_t sn, std::uint32_t ts) noexcept {
  if (diff(sn, snd_una_) < 0 || diff(sn, snd_nxt_) >= 0) return;
  for (auto& s : snd_buf_) {
    if (diff(sn, s.h.sn) < 0) break;
    if (sn != s.h.sn && diff(ts, s.h.ts) >= 0) ++s.fastack;
  }
}

void core::parse_data(const segment_view& in) {
  const std::uint32_t sn = in.h.sn;
  if (diff(sn, rcv_nxt_ + cfg_.rcv_wnd) >= 0 || diff(sn, rcv_nxt_) < 0) return;
  auto it = rcv_buf_.end();
  while (it != rcv_buf_.begin()) {
    auto prev = std::prev(it);
    if (prev->h.sn == sn) return;  // duplicate
    if (diff(sn, prev->h.sn) > 0) break;
    it = prev;
  }
  seg s;
  s.h = in.h;
  s.data.assign(in.data.begin(), in.data.end());
  rcv_buf_.insert(it, std::move(s));
  move_ready();
}

void core::move_ready() noexcept {
  while (!rcv_buf_.empty() && rcv_buf_.front().h.sn == rcv_nxt_ && rcv_queue_.size() < cfg_.rcv_wnd) {
    rcv_queue_.push_back(std::move(rcv_buf_.front()));
    rcv_buf_.pop_front();
    ++rcv_nxt_;
  }
}

result<void> core::input(byte_view datagram, time_point now) {
  if (error_) return {};
  auto decoded = decode_datagram(datagram, conv_, scratch_);
  if (!decoded) return decoded.error();
  // Refuse absurd segments before any of the datagram takes effect.
  for (const auto& s : scratch_) {
    if (diff(s.h.una, snd_nxt_) > 0) return errc::bad_segment;  // acknowledges what we never sent
    if (s.h.cmd == command::ack && diff(s.h.sn, snd_nxt_) >= 0) return errc::bad_segment;
    if (s.h.cmd == command::push && (s.h.frg >= cfg_.rcv_wnd || s.h.len > limits::max_segment_data))
      return errc::bad_segment;
  }

  current_ = ms(now);
  const std::uint32_t prev_una = snd_una_;
  bool have_maxack = false;
  std::uint32_t maxack = 0, latest_ts = 0;
  for (const auto& s : scratch_) {
    rmt_wnd_ = s.h.wnd;
    parse_una(s.h.una);
    shrink_buf();
    switch (s.h.cmd) {
      case command::ack: {
        const std::int32_t rtt = diff(current_, s.h.ts);
        if (rtt >= 0) update_ack(rtt);
        parse_ack(s.h.sn);
        shrink_buf();
        if (!have_maxack || diff(s.h.sn, maxack) > 0) {
          have_maxack = true;
          maxack = s.h.sn;
          latest_ts = s.h.ts;
        }
        break;
      }
      case command::push:
        if (diff(s.h.sn, rcv_nxt_ + cfg_.rcv_wnd) < 0) {
          if (acklist_.size() < limits::max_pending_acks) acklist_.emplace_back(s.h.sn, s.h.ts);
          if (diff(s.h.sn, rcv_nxt_) >= 0) parse_data(s);
        }
        break;
      case command::wask: probe_ |= ask_tell; break;
      case command::wins: break;
    }
  }
  if (have_maxack) parse_fastack(maxack, latest_ts);

  if (diff(snd_una_, prev_una) > 0 && cwnd_ < rmt_wnd_) {
    const std::uint32_t mss = mss_;
    if (cwnd_ < ssthresh_) {
      ++cwnd_;
      incr_ += mss;
    } else {
      if (incr_ < mss) incr_ = mss;
      incr_ += (mss * mss) / incr_ + (mss / 16);
      if ((cwnd_ + 1) * mss <= incr_) cwnd_ = (incr_ + mss - 1) / (mss > 0 ? mss : 1);
    }
    if (cwnd_ > rmt_wnd_) {
      cwnd_ = rmt_wnd_;
      incr_ = rmt_wnd_ * mss;
    }
  }
  return {};
}

std::optional<std::size_t> core::peek_size() const noexcept {
  if (rcv_queue_.empty()) return std::nullopt;
  const auto& front = rcv_queue_.front();
  if (front.h.frg == 0) return front.data.size();
  if (rcv_queue_.size() < static_cast<std::size_t>(front.h.frg) + 1) return std::nullopt;
  std::size_t total = 0;
  for (const auto& s : rcv_queue_) {
    total += s.data.size();
    if (s.h.frg == 0) return total;
  }
  return std::nullopt;
}

std::optional<bytes> core::recv() {
  const auto size = peek_size();
  if (!size) return std::nullopt;
  const bool was_full = rcv_queue_.size() >= cfg_.rcv_wnd;
  bytes msg;
  if (rcv_queue_.front().h.frg == 0) {
    msg = std::move(rcv_queue_.front().data);  // a one-segment message (bulk data): no copy
    rcv_queue_.pop_front();
  } else {
    msg.reserve(*size);
    for (;;) {
      seg s = std::move(rcv_queue_.front());
      rcv_queue_.pop_front();
      msg.insert(msg.end(), s.data.begin(), s.data.end());
      if (s.h.frg == 0) break;
    }
  }
  move_ready();
  // The peer saw a zero window: tell it there is room again (ikcp's fast recover).
  if (was_full && rcv_queue_.size() < cfg_.rcv_wnd) probe_ |= ask_tell;
  return msg;
}

// --- output -----------------------------------------------------------------------------

result<void> core::send(byte_view message) {
  if (error_) return error_;
  const std::size_t count = segments_for(message.size());
  if (count > limits::max_send_fragments) return errc::message_too_large;
  if (waiting_send() + count > cfg_.max_send_segments) return errc::send_queue_full;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t off = i * mss_;
    const std::size_t len = std::min<std::size_t>(mss_, message.size() - off);
    seg s;
    s.h.frg = static_cast<std::uint8_t>(count - i - 1);
    s.data.assign(message.begin() + static_cast<std::ptrdiff_t>(off),
                  message.begin() + static_cast<std::ptrdiff_t>(off + len));
    snd_queue_.push_back(std::move(s));
  }
  return {};
}

void core::flush(time_point now, std::vector<bytes>& out) {
  if (error_) return;
  current_ = ms(now);
  packer pack(out, cfg_.mtu);

  segment_header tmpl;
  tmpl.conv = conv_;
  tmpl.wnd = wnd_unused();
  tmpl.una = rcv_nxt_;

  for (const auto& [sn, ts] : acklist_) {
    segment_header h = tmpl;
    h.cmd = command::ack;
    h.sn = sn;
    h.ts = ts;
    pack.add(h, {});
  }
  acklist_.clear();

  if (rmt_wnd_ == 0) {
    if (probe_wait_ == 0) {
      probe_wait_ = limits::probe_init;
      ts_probe_ = current_ + probe_wait_;
    } else if (diff(current_, ts_probe_) >= 0) {
      probe_wait_ = std::max(probe_wait_, limits::probe_init);
      probe_wait_ = std::min(probe_wait_ + probe_wait_ / 2, limits::probe_limit);
      ts_probe_ = current_ + probe_wait_;
      probe_ |= ask_send;
    }
  } else {
    ts_probe_ = 0;
    probe_wait_ = 0;
  }
  if (probe_ & ask_send) {
    segment_header h = tmpl;
    h.cmd = command::wask;
    pack.add(h, {});
  }
  if (probe_ & ask_tell) {
    segment_header h = tmpl;
    h.cmd = command::wins;
    pack.add(h, {});
  }
  probe_ = 0;

  std::uint32_t cwnd = std::min(cfg_.snd_wnd, rmt_wnd_);
  if (!cfg_.no_congestion_window) cwnd = std::min(cwnd_, cwnd);
  while (!snd_queue_.empty() && diff(snd_nxt_, snd_una_ + cwnd) < 0) {
    seg s = std::move(snd_queue_.front());
    snd_queue_.pop_front();
    s.h.conv = conv_;
    s.h.cmd = command::push;
    s.h.sn = snd_nxt_++;
    s.h.len = static_cast<std::uint32_t>(s.data.size());
    s.xmit = 0;
    snd_buf_.push_back(std::move(s));
  }

  const std::uint32_t resent = cfg_.fast_resend > 0 ? cfg_.fast_resend : 0xFFFFFFFFu;
  const std::uint32_t rtomin = cfg_.nodelay ? 0 : (rx_rto_ >> 3);
  const auto dead_ms = static_cast<std::uint32_t>(cfg_.dead_timeout.count());
  bool change = false, lost = false;
  for (auto& s : snd_buf_) {
    bool needsend = false;
    if (s.xmit == 0) {
      needsend = true;
      s.rto = rx_rto_;
      s.resendts = current_ + s.rto + rtomin;
      s.first_sent = current_;
    } else if (diff(current_, s.resendts) >= 0) {
      needsend = true;
      // kcp-go's linear backoff (ikcp doubles); capped so one segment's gap stays bounded.
      s.rto = std::min(s.rto + (cfg_.nodelay ? rx_rto_ / 2 : rx_rto_), limits::rto_max);
      s.resendts = current_ + s.rto;
      lost = true;
    } else if (s.fastack >= resent) {
      needsend = true;
      s.fastack = 0;
      s.resendts = current_ + s.rto;
      change = true;
    }
    if (!needsend) continue;
    if (s.xmit > 0 && (s.xmit >= cfg_.dead_link || static_cast<std::uint32_t>(diff(current_, s.first_sent)) >= dead_ms)) {
      error_ = errc::dead_link;
      return;
    }
    if (s.xmit > 0) ++xmit_total_;
    ++s.xmit;
    s.h.ts = current_;
    s.h.wnd = tmpl.wnd;
    s.h.una = rcv_nxt_;
    pack.add(s.h, s.data);
  }

  if (change) {
    const std::uint32_t inflight = snd_nxt_ - snd_una_;
    ssthresh_ = std::max(inflight / 2, limits::ssthresh_min);
    cwnd_ = ssthresh_ + resent;
    incr_ = cwnd_ * mss_;
  }
  if (lost) {
    ssthresh_ = std::max(cwnd_ / 2, limits::ssthresh_min);
    cwnd_ = 1;
    incr_ = mss_;
  }
  if (cwnd_ < 1) {
    cwnd_ = 1;
    incr_ = mss_;
  }
}

std::optional<time_point> core::next_wakeup() const {
  if (error_) return std::nullopt;
  const auto at = [this](std::uint32_t wire_ms) {
    return epoch_ + std::chrono::milliseconds(wire_ms);
  };
  const time_point now = at(current_);
  if (!acklist_.empty() || probe_ != 0) return now;
  std::uint32_t cwnd = std::min(cfg_.snd_wnd, rmt_wnd_);
  if (!cfg_.no_congestion_window) cwnd = std::min(std::max<std::uint32_t>(cwnd_, 1), cwnd);
  if (!snd_queue_.empty() && diff(snd_nxt_, snd_una_ + cwnd) < 0) return now;
  std::optional<time_point> best;
  const auto consider = [&](time_point t) {
    if (!best || t < *best) best = t;
  };
  for (const auto& s : snd_buf_) {
    if (s.xmit == 0) return now;
    consider(at(current_ + static_cast<std::uint32_t>(std::max(diff(s.resendts, current_), 0))));
  }
  if (rmt_wnd_ == 0 && !snd_queue_.empty()) {
    consider(probe_wait_ == 0 ? now : at(current_ + static_cast<std::uint32_t>(std::max(diff(ts_probe_, current_), 0))));
  }
  if (best) {
    // Retransmission checks are not finer than the interval (ikcp's update granularity).
    const time_point floor = now + cfg_.interval;
    if (*best < floor && *best > now) best = floor;
  }
  return best;
}

}  // namespace skywire::transport::kcp
