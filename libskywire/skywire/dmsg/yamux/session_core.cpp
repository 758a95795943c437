#include "skywire/dmsg/yamux/session_core.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "skywire/dmsg/yamux/errc.hpp"

namespace skywire::dmsg::yamux {

namespace {

// Compact a receive buffer once this much has been read from its front, so a buffer never
// exceeds window + this.
constexpr std::size_t compact_after = 64 * 1024;

header control(frame_type t, std::uint16_t flags, stream_id id, std::uint32_t length) {
  header h;
  h.type = t;
  h.flags = flags;
  h.stream_id = id;
  h.length = length;
  return h;
}

void append_header(bytes& out, const header& h) {
  const auto enc = encode_header(h);
  out.insert(out.end(), enc.begin(), enc.end());
}

}  // namespace

session_core::session_core(role r, time_point now) : session_core(r, now, config{}) {}

session_core::session_core(role r, time_point now, const config& cfg)
    : role_(r), cfg_(cfg), next_id_(r == role::client ? 1 : 2) {
  if (cfg_.keepalive) next_keepalive_ = now + cfg_.keepalive_interval;
}

session_core::stream_rec* session_core::find(stream_id id) noexcept {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

const session_core::stream_rec* session_core::find(stream_id id) const noexcept {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

void session_core::emit(event::kind k, stream_id id, std::uint32_t value) {
  events_.push_back(event{k, id, value});
}

std::vector<event> session_core::take_events() {
  std::vector<event> out;
  out.swap(events_);
  return out;
}

// ---------------------------------------------------------------------------------------
// input

result<void> session_core::receive(byte_view in, time_point now) {
  if (closed()) return error_;
  std::size_t pos = 0;
  while (pos < in.size() && !closed()) {
    if (payload_left_ > 0) {
      const std::size_t n = std::min<std::size_t>(payload_left_, in.size() - pos);
      if (payload_keep_) deliver(in.subspan(pos, n));
      payload_left_ -= static_cast<std::uint32_t>(n);
      pos += n;
      continue;
    }
    const std::size_t n = std::min(limits::header_len - hdr_have_, in.size() - pos);
    std::memcpy(hdr_buf_.data() + hdr_have_, in.data() + pos, n);
    hdr_have_ += n;
    pos += n;
    if (hdr_have_ < limits::header_len) break;
    hdr_have_ = 0;
    auto h = decode_header(hdr_buf_);
    if (!h) {
      protocol_error(h.error());
      break;
    }
    process_frame_header(*h, now);
  }
  if (closed()) return error_;
  return {};
}

void session_core::process_frame_header(const header& h, time_point now) {
  switch (h.type) {
    case frame_type::data:
    case frame_type::window_update:
      handle_stream_frame(h, now);
      return;
    case frame_type::ping:
      if (h.flags & flag::syn) {
        send_control(control(frame_type::ping, flag::ack, 0, h.length));
      } else if (outstanding_ping_ && *outstanding_ping_ == h.length) {
        outstanding_ping_.reset();
        ping_deadline_.reset();
        emit(event::kind::pong, 0, h.length);
      }
      return;
    case frame_type::go_away:
      switch (h.length) {
        case static_cast<std::uint32_t>(go_away_code::normal):
          if (!remote_go_away_) emit(event::kind::go_away, 0, h.length);
          remote_go_away_ = true;
          return;
        case static_cast<std::uint32_t>(go_away_code::protocol_error):
          die(errc::peer_protocol_error);
          return;
        case static_cast<std::uint32_t>(go_away_code::internal_error):
          die(errc::peer_internal_error);
          return;
        default:
          die(errc::peer_go_away);
          return;
      }
  }
}

void session_core::handle_stream_frame(const header& h, time_point now) {
  (void)now;
  const stream_id id = h.stream_id;
  if (h.flags & flag::syn) {
    incoming_stream(id);
    if (closed()) return;
  }
  stream_rec* s = find(id);
  if (s == nullptr || s->reset || s->finished()) {
    // Unknown, refused or finished stream: ignore, but skip a Data payload (Go drains it).
    if (h.type == frame_type::data) {
      payload_left_ = h.length;
      payload_keep_ = false;
    }
    return;
  }
  if (h.type == frame_type::data && h.length > s->recv_window) {
    protocol_error(errc::window_exceeded);
    return;
  }
  process_flags(id, *s, h.flags);
  if (h.type == frame_type::window_update) {
    if (!s->reset && h.length > 0) {
      const std::uint64_t sum = std::uint64_t{s->send_window} + h.length;
      s->send_window = static_cast<std::uint32_t>(
          std::min<std::uint64_t>(sum, std::numeric_limits<std::uint32_t>::max()));
      if (!s->released) emit(event::kind::writable, id);
    }
  } else {
    s->recv_window -= h.length;
    payload_left_ = h.length;
    payload_stream_ = id;
    payload_keep_ = !s->reset && !s->released;
  }
  maybe_free(id);
}

bool session_core::incoming_stream(stream_id id) {
  const bool ours_odd = role_ == role::client;
  if (id == 0 || ((id & 1U) == 1U) == ours_odd) {
    protocol_error(errc::bad_stream_id);
    return false;
  }
  if (find(id) != nullptr) {
    protocol_error(errc::duplicate_stream);
    return false;
  }
  if (local_go_away_ || streams_.size() >= cfg_.max_streams ||
      backlog_.size() >= cfg_.accept_backlog) {
    send_control(control(frame_type::window_update, flag::rst, id, 0));
    return false;
  }
  stream_rec& s = streams_[id];
  s.state = open_state::syn_received;
  s.in_backlog = true;
  backlog_.push_back(id);
  emit(event::kind::incoming, id);
  return true;
}

void session_core::process_flags(stream_id id, stream_rec& s, std::uint16_t flags) {
  if ((flags & flag::ack) && s.state == open_state::syn_sent) {
    s.state = open_state::established;
    set_open_deadline(id, s, std::nullopt);
    if (!s.released) emit(event::kind::acked, id);
  }
  if ((flags & flag::fin) && !s.remote_fin) {
    s.remote_fin = true;
    if (s.local_fin) set_close_deadline(id, s, std::nullopt);
    if (!s.released) emit(event::kind::remote_fin, id);
  }
  if (flags & flag::rst) mark_reset(id, s, true);
}

void session_core::deliver(byte_view payload) {
  stream_rec* s = find(payload_stream_);
  if (s == nullptr || s->reset || s->released) return;
  if (s->head > 0) {
    if (s->head == s->buf.size()) {
      s->buf.clear();
      s->head = 0;
    } else if (s->head >= compact_after) {
      s->buf.erase(s->buf.begin(), s->buf.begin() + static_cast<std::ptrdiff_t>(s->head));
      s->head = 0;
    }
  }
  s->buf.insert(s->buf.end(), payload.begin(), payload.end());
  emit(event::kind::readable, payload_stream_);
}

void session_core::protocol_error(error_code ec) {
  if (closed()) return;
  send_control(control(frame_type::go_away, 0, 0,
                       static_cast<std::uint32_t>(go_away_code::protocol_error)));
  die(ec);
}

void session_core::die(error_code ec) {
  if (closed()) return;
  error_ = ec;
  deadlines_.clear();
  ping_deadline_.reset();
  outstanding_ping_.reset();
  next_keepalive_.reset();
  payload_left_ = 0;
  // Streams nobody holds are gone; held ones keep their buffered data for the last reads.
  for (stream_id id : backlog_) streams_.erase(id);
  backlog_.clear();
  std::erase_if(streams_, [](const auto& kv) { return kv.second.released; });
  for (auto& [id, s] : streams_) {
    s.open_deadline.reset();
    s.close_deadline.reset();
  }
  emit(event::kind::failed, 0);
}

// ---------------------------------------------------------------------------------------
// output

void session_core::send_control(const header& h) {
  if (closed()) return;
  if (output_size() + limits::header_len > cfg_.max_output_bytes + limits::max_control_bytes) {
    die(errc::output_overflow);
    return;
  }
  append_header(queue_, h);
}

std::uint16_t session_core::take_open_flags(stream_rec& s) {
  if (s.state == open_state::syn_received) {
    s.state = open_state::established;
    return flag::ack;
  }
  return 0;
}

void session_core::send_window_update(stream_id id, stream_rec& s, bool force) {
  // buffered + recv_window never exceeds the window (data is only accepted within
  // recv_window), so delta cannot underflow. The unreceived rest of a data frame whose header
  // was already charged to recv_window counts as buffered: without it a read in the middle of
  // a frame over-granted by that rest, and the next update wrapped (window_exceeded).
  const std::uint32_t in_flight = (payload_left_ > 0 && payload_stream_ == id) ? payload_left_ : 0;
  const std::uint32_t buffered = static_cast<std::uint32_t>(s.buffered()) + in_flight;
  const std::uint32_t delta = (limits::initial_window - buffered) - s.recv_window;
  const std::uint16_t flags = take_open_flags(s);
  if (delta < limits::window_update_threshold && flags == 0 && !force) return;
  s.recv_window += delta;
  send_control(control(frame_type::window_update, flags, id, delta));
}

byte_view session_core::pending_output() {
  if (sent_ == sending_.size()) {
    sending_.clear();
    sent_ = 0;
    sending_.swap(queue_);
  }
  return byte_view(sending_).subspan(sent_);
}

void session_core::consume_output(std::size_t n) {
  sent_ += std::min(n, sending_.size() - sent_);
  if (sent_ == sending_.size()) {
    sending_.clear();
    sent_ = 0;
  }
  if (output_size() <= cfg_.max_output_bytes / 2) {
    for (stream_id id : output_blocked_) {
      stream_rec* s = find(id);
      if (s != nullptr && s->output_blocked) {
        s->output_blocked = false;
        emit(event::kind::writable, id);
      }
    }
    output_blocked_.clear();
  }
}

// ---------------------------------------------------------------------------------------
// streams

result<stream_id> session_core::open_stream(time_point now) {
  if (closed()) return error_;
  if (remote_go_away_) return errc::remote_go_away;
  if (streams_.size() >= cfg_.max_streams) return errc::too_many_streams;
  if (next_id_ > std::numeric_limits<std::uint32_t>::max()) return errc::streams_exhausted;
  const auto id = static_cast<stream_id>(next_id_);
  next_id_ += 2;
  stream_rec& s = streams_[id];
  s.state = open_state::syn_sent;
  send_control(control(frame_type::window_update, flag::syn, id, 0));
  if (closed()) return error_;
  if (cfg_.open_timeout.count() > 0) set_open_deadline(id, s, now + cfg_.open_timeout);
  return id;
}

std::optional<stream_id> session_core::accept() {
  while (!closed() && !backlog_.empty()) {
    const stream_id id = backlog_.front();
    backlog_.pop_front();
    stream_rec* s = find(id);
    if (s == nullptr) continue;
    s->in_backlog = false;
    send_window_update(id, *s, false);  // carries the ACK
    if (closed()) return std::nullopt;
    return id;
  }
  return std::nullopt;
}

result<std::size_t> session_core::write(stream_id id, byte_view data) {
  if (closed()) return error_;
  stream_rec* s = find(id);
  if (s == nullptr || s->released || s->in_backlog) return errc::unknown_stream;
  if (s->reset) return errc::stream_reset;
  if (s->local_fin) return errc::stream_closed;
  if (data.empty()) return std::size_t{0};
  const std::size_t used = output_size() + limits::header_len;
  std::size_t room = cfg_.max_output_bytes > used ? cfg_.max_output_bytes - used : 0;
  // No slivers: wait for a useful amount of room rather than emit tiny frames.
  if (room < std::min<std::size_t>(4096, data.size())) room = 0;
  const std::size_t n = std::min({data.size(), std::size_t{s->send_window}, cfg_.max_data_frame, room});
  if (n == 0) {
    if (room == 0 && !s->output_blocked) {
      s->output_blocked = true;
      output_blocked_.push_back(id);
    }
    return std::size_t{0};
  }
  const std::uint16_t flags = take_open_flags(*s);
  append_header(queue_, control(frame_type::data, flags, id, static_cast<std::uint32_t>(n)));
  queue_.insert(queue_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  s->send_window -= static_cast<std::uint32_t>(n);
  return n;
}

byte_view session_core::readable(stream_id id) const noexcept {
  const stream_rec* s = find(id);
  if (s == nullptr || s->reset) return {};
  return byte_view(s->buf).subspan(s->head);
}

void session_core::consume(stream_id id, std::size_t n) {
  stream_rec* s = find(id);
  if (s == nullptr) return;
  s->head += std::min(n, s->buffered());
  if (s->head == s->buf.size()) {
    s->head = 0;
    // Give a large idle buffer back rather than keep window-sized capacity per stream.
    if (s->buf.capacity() > cfg_.max_data_frame) {
      bytes().swap(s->buf);
    } else {
      s->buf.clear();
    }
  }
  if (!closed() && !s->reset && !s->released && !s->in_backlog) send_window_update(id, *s, false);
}

std::size_t session_core::read(stream_id id, mutable_byte_view out) {
  const byte_view in = readable(id);
  const std::size_t n = std::min(in.size(), out.size());
  if (n == 0) return 0;
  std::memcpy(out.data(), in.data(), n);
  consume(id, n);
  return n;
}

std::optional<stream_status> session_core::status(stream_id id) const {
  const stream_rec* s = find(id);
  if (s == nullptr || s->released) return std::nullopt;
  stream_status st;
  st.acked = s->state == open_state::established;
  st.local_fin = s->local_fin;
  st.remote_fin = s->remote_fin;
  st.reset = s->reset;
  st.buffered = s->reset ? 0 : s->buffered();
  st.send_window = s->send_window;
  return st;
}

result<void> session_core::close_stream(stream_id id, time_point now) {
  if (closed()) return error_;
  stream_rec* s = find(id);
  if (s == nullptr || s->released) return errc::unknown_stream;
  if (s->reset || s->local_fin) return {};
  s->local_fin = true;
  const std::uint16_t flags = static_cast<std::uint16_t>(take_open_flags(*s) | flag::fin);
  send_control(control(frame_type::window_update, flags, id, 0));
  if (closed()) return error_;
  if (!s->remote_fin && cfg_.close_timeout.count() > 0) {
    set_close_deadline(id, *s, now + cfg_.close_timeout);
  }
  return {};
}

void session_core::reset_stream(stream_id id) {
  stream_rec* s = find(id);
  if (s == nullptr) return;
  if (!s->reset && !s->finished() && !closed()) {
    send_control(control(frame_type::window_update, flag::rst, id, 0));
  }
  mark_reset(id, *s, false);
  maybe_free(id);
}

void session_core::release(stream_id id, time_point now) {
  stream_rec* s = find(id);
  if (s == nullptr || s->released) return;
  if (!closed() && !s->reset && !s->local_fin) (void)close_stream(id, now);
  s = find(id);
  if (s == nullptr) return;
  s->released = true;
  s->output_blocked = false;
  bytes().swap(s->buf);
  s->head = 0;
  maybe_free(id);
}

void session_core::mark_reset(stream_id id, stream_rec& s, bool emit_event) {
  if (s.reset) return;
  s.reset = true;
  set_open_deadline(id, s, std::nullopt);
  set_close_deadline(id, s, std::nullopt);
  bytes().swap(s.buf);
  s.head = 0;
  if (s.in_backlog) {
    // Nobody holds a backlog stream: it disappears with its reset.
    std::erase(backlog_, id);
    s.in_backlog = false;
    s.released = true;
    return;
  }
  if (emit_event && !s.released) emit(event::kind::reset, id);
}

void session_core::maybe_free(stream_id id) {
  stream_rec* s = find(id);
  if (s == nullptr || !s->released || s->in_backlog) return;
  if (s->finished() || closed()) {
    set_open_deadline(id, *s, std::nullopt);
    set_close_deadline(id, *s, std::nullopt);
    streams_.erase(id);
  }
}

// ---------------------------------------------------------------------------------------
// session

void session_core::go_away() {
  if (closed() || local_go_away_) return;
  local_go_away_ = true;
  send_control(control(frame_type::go_away, 0, 0, static_cast<std::uint32_t>(go_away_code::normal)));
}

void session_core::close() {
  if (closed()) return;
  go_away();
  die(errc::session_closed);
}

void session_core::fail(error_code ec) { die(ec ? ec : error_code(errc::session_closed)); }

result<std::uint32_t> session_core::ping(time_point now) {
  if (closed()) return error_;
  if (outstanding_ping_) return *outstanding_ping_;
  const std::uint32_t id = next_ping_id_++;
  outstanding_ping_ = id;
  ping_deadline_ = now + cfg_.ping_timeout;
  send_control(control(frame_type::ping, flag::syn, 0, id));
  if (closed()) return error_;
  return id;
}

// ---------------------------------------------------------------------------------------
// time

void session_core::set_open_deadline(stream_id id, stream_rec& s, std::optional<time_point> t) {
  if (s.open_deadline) {
    auto it = deadlines_.find({*s.open_deadline, id});
    if (it != deadlines_.end()) deadlines_.erase(it);
  }
  s.open_deadline = t;
  if (t) deadlines_.insert({*t, id});
}

void session_core::set_close_deadline(stream_id id, stream_rec& s, std::optional<time_point> t) {
  if (s.close_deadline) {
    auto it = deadlines_.find({*s.close_deadline, id});
    if (it != deadlines_.end()) deadlines_.erase(it);
  }
  s.close_deadline = t;
  if (t) deadlines_.insert({*t, id});
}

void session_core::on_timer(time_point now) {
  if (closed()) return;
  if (ping_deadline_ && now >= *ping_deadline_) {
    die(errc::keepalive_timeout);
    return;
  }
  if (next_keepalive_ && now >= *next_keepalive_) {
    next_keepalive_ = now + cfg_.keepalive_interval;
    if (!outstanding_ping_) (void)ping(now);
    if (closed()) return;
  }
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const auto [t, id] = *deadlines_.begin();
    stream_rec* s = find(id);
    if (s == nullptr) {  // cannot happen (freed streams drop their deadlines); stay total
      deadlines_.erase(deadlines_.begin());
      continue;
    }
    if (s->open_deadline == t) {
      set_open_deadline(id, *s, std::nullopt);
      if (s->state == open_state::syn_sent) {
        // Go: "aborted stream open" closes the whole session.
        go_away();
        die(errc::open_timeout);
        return;
      }
      continue;
    }
    if (s->close_deadline == t) {
      set_close_deadline(id, *s, std::nullopt);
      if (!s->finished()) {
        send_control(control(frame_type::window_update, flag::rst, id, 0));
        if (closed()) return;
        mark_reset(id, *s, true);
        maybe_free(id);
      }
      continue;
    }
    deadlines_.erase(deadlines_.begin());  // stale entry; stay total
  }
}

std::optional<time_point> session_core::next_deadline() const {
  if (closed()) return std::nullopt;
  std::optional<time_point> t;
  auto consider = [&t](const std::optional<time_point>& c) {
    if (c && (!t || *c < *t)) t = c;
  };
  consider(ping_deadline_);
  consider(next_keepalive_);
  if (!deadlines_.empty()) consider(deadlines_.begin()->first);
  return t;
}

}  // namespace skywire::dmsg::yamux
