#include "skywire/router/route_group_core.hpp"

#include <algorithm>
#include <utility>

#include "skywire/net/errc.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/router/errc.hpp"

namespace skywire::router {

namespace wr = wire::routing;
using std::chrono::duration_cast;

namespace {

std::int64_t unix_ms(base::clock::wall_time t) {
  return duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool enabled(std::chrono::nanoseconds d) { return d.count() > 0; }

}  // namespace

std::string_view to_string(group_phase p) noexcept {
  switch (p) {
    case group_phase::negotiating: return "negotiating";
    case group_phase::noise: return "noise";
    case group_phase::open: return "open";
    case group_phase::closing: return "closing";
    case group_phase::closed: return "closed";
  }
  return "unknown";
}

route_group_core::route_group_core(group_params p, const base::clock& clock, base::random_source& rng)
    : p_(std::move(p)), clock_(clock), rng_(rng) {
  const auto now = clock_.steady_now();
  last_received_ = now;
  last_data_sent_ = now;
  next_ping_ = now;
  throughput_since_ = now;
}

void route_group_core::start() {
  if (started_) return;
  started_ = true;
  const auto now = clock_.steady_now();
  deadline_ = now + p_.options.timing.handshake_wait;
  last_received_ = now;
  if (p_.role == group_role::initiator) emit(wr::encode_handshake(p_.send_route_id, p_.offer_encryption));
}

void route_group_core::on_packet(wr::packet_type type, byte_view payload) {
  if (phase_ == group_phase::closed || !started_) return;
  last_received_ = clock_.steady_now();
  switch (type) {
    case wr::packet_type::handshake:
      // Only the first Handshake/Data packet counts (Go's handshakeProcessedOnce); Go decides
      // on payload[0] != 0, not == 1.
      if (phase_ == group_phase::negotiating && !payload.empty()) decide(payload[0] != 0);
      return;
    case wr::packet_type::data:
      if (phase_ == group_phase::negotiating) decide(false);  // an old, unencrypting peer
      on_data(payload);
      return;
    case wr::packet_type::close: on_close_packet(); return;
    case wr::packet_type::keep_alive: return;  // last_received_ is all it does
    case wr::packet_type::ping: answer_ping(payload); return;
    case wr::packet_type::pong: on_pong(payload); return;
    case wr::packet_type::error:
      peer_error_.assign(as_chars(payload.first(std::min(payload.size(), limits::max_error_text))));
      return;
  }
}

void route_group_core::decide(bool peer_wants_encryption) {
  encrypt_ = p_.offer_encryption && peer_wants_encryption;
  if (p_.role == group_role::responder) emit(wr::encode_handshake(p_.send_route_id, p_.offer_encryption));
  if (encrypt_) {
    enter_noise();
  } else {
    open_route();
  }
}

void route_group_core::enter_noise() {
  phase_ = group_phase::noise;
  deadline_ = clock_.steady_now() + p_.options.timing.noise_timeout;
  const auto role = p_.role == group_role::initiator ? noise::handshake_role::initiator : noise::handshake_role::responder;
  noise::handshake_config cfg{noise::handshake_pattern::kk, role, p_.local, p_.remote, crypto::generate_key_pair(rng_)};
  auto hs = noise::handshake_state::create(cfg);
  if (!hs) {
    fail(hs.error());
    return;
  }
  hs_.emplace(std::move(*hs));
  splitter_.emplace(noise::limits::max_frame_body);
  if (hs_->is_my_turn()) (void)emit_noise_message();
}

// Writes the next handshake message as one Data packet: u16 length ‖ message (§3.5).
bool route_group_core::emit_noise_message() {
  auto msg = hs_->write_message();
  if (!msg) {
    fail(msg.error());
    return false;
  }
  bytes frame;
  frame.reserve(noise::limits::length_prefix_len + msg->size());
  frame.push_back(static_cast<std::uint8_t>(msg->size() >> 8));
  frame.push_back(static_cast<std::uint8_t>(msg->size()));
  frame.insert(frame.end(), msg->begin(), msg->end());
  emit(*wr::encode_data(p_.send_route_id, frame));
  if (hs_->is_complete()) complete_noise();
  return true;
}

void route_group_core::complete_noise() {
  auto keys = hs_->split();
  if (!keys) {
    fail(keys.error());
    return;
  }
  sealer_.emplace(keys->send);
  opener_.emplace(keys->recv);
  hs_.reset();
  open_route();
}

void route_group_core::open_route() {
  const auto now = clock_.steady_now();
  phase_ = group_phase::open;
  opened_ = true;
  next_ping_ = now + p_.options.timing.ping_interval;
  last_data_sent_ = now;
  throughput_since_ = now;
  received_since_ping_ = 0;
}

void route_group_core::on_data(byte_view payload) {
  if (phase_ != group_phase::noise && phase_ != group_phase::open) return;  // closing: unread anyway
  if (phase_ == group_phase::open) {  // the Noise handshake's own packets are not traffic
    const std::uint64_t size = wr::header_size + payload.size();
    stats_.bytes_received += size;
    received_since_ping_ += size;
  }
  if (!encrypt_) {
    if (!payload.empty()) deliver(payload);
    return;
  }
  byte_view in = payload;
  while (!in.empty()) {
    auto body = splitter_->next(in);
    if (!body) {
      fail(body.error());
      return;
    }
    if (!*body) return;  // the rest of the frame comes in a later packet
    on_noise_frame(**body);
    if (phase_ != group_phase::noise && phase_ != group_phase::open) return;
  }
}

void route_group_core::on_noise_frame(mutable_byte_view body) {
  if (phase_ == group_phase::noise) {
    if (body.size() != hs_->next_message_length()) {
      fail(noise::errc::bad_message_length);
      return;
    }
    auto r = hs_->read_message(body);
    if (!r) {
      fail(r.error());
      return;
    }
    // KK: the responder answers message 1; the initiator is complete after message 2.
    if (hs_->is_my_turn()) {
      (void)emit_noise_message();
    } else if (hs_->is_complete()) {
      complete_noise();
    }
    return;
  }
  auto pt = opener_->open_in_place(body);
  if (!pt) {
    fail(pt.error());
    return;
  }
  if (!pt->empty()) deliver(*pt);  // empty frames are legal and skipped
}

void route_group_core::deliver(byte_view message) {
  if (inbox_.size() >= p_.options.max_buffered_messages || inbox_bytes_ + message.size() > p_.options.max_buffered_bytes) {
    ++stats_.messages_dropped;
    return;
  }
  inbox_.emplace_back(message.begin(), message.end());
  inbox_bytes_ += message.size();
}

void route_group_core::on_close_packet() {
  if (phase_ == group_phase::closing) {
    finish({});  // the peer answered our Close
    return;
  }
  // The peer closes: answer with our Close (Go's non-initiator close), then we are done.
  emit(wr::encode_close(p_.send_route_id));
  finish(peer_error_.empty() ? error_code{} : error_code(errc::peer_error));
}

void route_group_core::answer_ping(byte_view payload) {
  auto ping = wr::parse_ping(payload);
  if (!ping) return;
  stats_.upload_speed = ping->throughput > 0 ? static_cast<std::uint64_t>(ping->throughput) : 0;
  emit_service(wr::encode_pong(p_.send_route_id, ping->unix_ms));
}

void route_group_core::on_pong(byte_view payload) {
  auto pong = wr::parse_pong(payload);
  if (!pong) return;
  ++stats_.pongs_received;
  auto it = std::find_if(pings_.begin(), pings_.end(), [&](const sent_ping& s) { return s.unix_ms == pong->unix_ms; });
  if (it != pings_.end()) {
    stats_.latency = duration_cast<std::chrono::microseconds>(clock_.steady_now() - it->at);
    pings_.erase(pings_.begin(), it + 1);
    return;
  }
  // Not one of ours (or long gone): the wall-clock difference, in Go's millisecond resolution.
  const std::int64_t ms = unix_ms(clock_.wall_now()) - pong->unix_ms;
  stats_.latency = std::chrono::milliseconds(std::max<std::int64_t>(ms, 0));
}

void route_group_core::send_ping() {
  const auto now = clock_.steady_now();
  const auto elapsed = duration_cast<std::chrono::nanoseconds>(now - throughput_since_).count();
  std::uint64_t throughput = 0;
  if (elapsed > 0) {
    const long double per_second = static_cast<long double>(received_since_ping_) * 1e9L / static_cast<long double>(elapsed);
    throughput = static_cast<std::uint64_t>(per_second);
  }
  stats_.download_speed = throughput;
  received_since_ping_ = 0;
  throughput_since_ = now;
  if (output_bytes_ >= p_.options.max_output_bytes) return;
  const std::int64_t ms = unix_ms(clock_.wall_now());
  const std::int64_t wire_tput = throughput > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(throughput);
  emit(wr::encode_ping(p_.send_route_id, ms, wire_tput));
  pings_.push_back({ms, now});
  if (pings_.size() > limits::max_outstanding_pings) pings_.pop_front();
  ++stats_.pings_sent;
}

void route_group_core::on_timer() {
  if (!started_) return;
  const auto now = clock_.steady_now();
  switch (phase_) {
    case group_phase::negotiating:
      if (now >= deadline_) decide(false);  // no word from the peer: no encryption (Go)
      return;
    case group_phase::noise:
      if (now >= deadline_) fail(noise::errc::timed_out);
      return;
    case group_phase::closing:
      if (now >= deadline_) finish({});  // no answer to our Close: done anyway
      return;
    case group_phase::closed: return;
    case group_phase::open: break;
  }
  const auto& t = p_.options.timing;
  if (enabled(t.dead_after) && now - last_received_ >= t.dead_after) {
    fail(errc::route_dead);
    return;
  }
  if (enabled(t.ping_interval) && now >= next_ping_) {
    send_ping();
    next_ping_ = now + t.ping_interval;
  }
  if (enabled(t.keep_alive_interval) && now - last_data_sent_ >= t.keep_alive_interval) {
    emit_service(wr::encode_keep_alive(p_.send_route_id));
    last_data_sent_ = now;  // the next one is due an interval from now
  }
}

std::optional<base::clock::steady_time> route_group_core::next_deadline() const {
  if (!started_) return std::nullopt;
  switch (phase_) {
    case group_phase::negotiating:
    case group_phase::noise:
    case group_phase::closing: return deadline_;
    case group_phase::closed: return std::nullopt;
    case group_phase::open: break;
  }
  const auto& t = p_.options.timing;
  std::optional<base::clock::steady_time> next;
  const auto consider = [&next](base::clock::steady_time at) {
    if (!next || at < *next) next = at;
  };
  if (enabled(t.dead_after)) consider(last_received_ + duration_cast<base::clock::steady_time::duration>(t.dead_after));
  if (enabled(t.ping_interval)) consider(next_ping_);
  if (enabled(t.keep_alive_interval)) consider(last_data_sent_ + duration_cast<base::clock::steady_time::duration>(t.keep_alive_interval));
  return next;
}

result<void> route_group_core::write(byte_view message) {
  switch (phase_) {
    case group_phase::closed:
      if (error_) return error_;
      return close_called_ ? error_code(errc::group_closed) : error_code(net::errc::closed);
    case group_phase::closing: return errc::group_closed;
    case group_phase::negotiating:
    case group_phase::noise: return errc::not_established;
    case group_phase::open: break;
  }
  if (message.size() > max_message()) return errc::message_too_long;
  if (message.empty()) return {};  // nothing to send: an empty Data payload reads as EOF in Go
  bytes pkt;
  if (encrypt_) {
    const std::size_t payload = noise::sealed_frame_size(message.size());
    pkt.resize(wr::header_size + payload);
    wr::write_header({wr::packet_type::data, p_.send_route_id, static_cast<std::uint16_t>(payload)}, pkt);
    auto sealed = sealer_->seal_into(message, mutable_byte_view(pkt).subspan(wr::header_size));
    if (!sealed) {
      fail(sealed.error());
      return sealed.error();
    }
  } else {
    pkt = *wr::encode_data(p_.send_route_id, message);
  }
  stats_.bytes_sent += pkt.size();
  last_data_sent_ = clock_.steady_now();
  emit(std::move(pkt));
  return {};
}

void route_group_core::close() {
  close_called_ = true;
  inbox_.clear();
  inbox_offset_ = 0;
  inbox_bytes_ = 0;
  if (phase_ == group_phase::closed || phase_ == group_phase::closing) return;
  if (!close_error_.empty()) {
    if (auto e = wr::encode_error(p_.send_route_id, close_error_)) emit(std::move(*e));
  }
  emit(wr::encode_close(p_.send_route_id));
  phase_ = group_phase::closing;
  deadline_ = clock_.steady_now() + p_.options.timing.close_wait;
  if (!started_) finish({});  // never started: nobody to wait for
}

void route_group_core::fail(error_code why) {
  if (phase_ == group_phase::closed) return;
  if (phase_ != group_phase::closing) {
    if (!close_error_.empty()) {
      if (auto e = wr::encode_error(p_.send_route_id, close_error_)) emit(std::move(*e));
    }
    emit(wr::encode_close(p_.send_route_id));
  }
  finish(why);
}

void route_group_core::finish(error_code why) {
  phase_ = group_phase::closed;
  if (!error_) error_ = why;
  hs_.reset();
  splitter_.reset();
  pings_.clear();
}

void route_group_core::set_close_error(std::string_view text) {
  close_error_.assign(text.substr(0, limits::max_error_text));
}

void route_group_core::emit(bytes packet) {
  output_bytes_ += packet.size();
  output_.push_back(std::move(packet));
}

void route_group_core::emit_service(bytes packet) {
  if (output_bytes_ >= p_.options.max_output_bytes) return;
  emit(std::move(packet));
}

bytes route_group_core::pop_output() {
  bytes out = std::move(output_.front());
  output_.pop_front();
  output_bytes_ -= out.size();
  return out;
}

bool route_group_core::writable() const noexcept {
  return phase_ == group_phase::open && output_bytes_ < p_.options.max_output_bytes;
}

byte_view route_group_core::peek() const noexcept {
  if (inbox_.empty()) return {};
  return byte_view(inbox_.front()).subspan(inbox_offset_);
}

void route_group_core::consume(std::size_t n) noexcept {
  if (inbox_.empty()) return;
  const std::size_t rest = inbox_.front().size() - inbox_offset_;
  n = std::min(n, rest);
  inbox_offset_ += n;
  inbox_bytes_ -= n;
  if (inbox_offset_ == inbox_.front().size()) {
    inbox_.pop_front();
    inbox_offset_ = 0;
  }
}

bytes route_group_core::take_message() {
  bytes& front = inbox_.front();
  bytes out;
  if (inbox_offset_ == 0) {
    out = std::move(front);
  } else {
    out.assign(front.begin() + static_cast<std::ptrdiff_t>(inbox_offset_), front.end());
  }
  inbox_bytes_ -= out.size();
  inbox_.pop_front();
  inbox_offset_ = 0;
  return out;
}

std::size_t route_group_core::max_message() const noexcept {
  return encrypt_ ? limits::max_encrypted_message : limits::max_plain_message;
}

}  // namespace skywire::router
