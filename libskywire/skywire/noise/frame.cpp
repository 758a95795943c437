#include "skywire/noise/frame.hpp"

#include <algorithm>

#include "skywire/crypto/hash.hpp"

namespace skywire::noise {
namespace {

void put_u64be(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

std::uint64_t get_u64be(const std::uint8_t* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

frame_sealer::frame_sealer(const crypto::aead_key& key, std::size_t max_plaintext) noexcept
    : key_(key), max_plaintext_(std::min(max_plaintext, limits::max_object_plaintext)) {}

frame_sealer::frame_sealer(frame_sealer&& o) noexcept
    : key_(o.key_), counter_(o.counter_), max_plaintext_(o.max_plaintext_) {
  // The moved-from sealer must not be able to seal with the same nonces again.
  crypto::wipe(o.key_);
  o.counter_ = limits::max_nonce;
}

frame_sealer& frame_sealer::operator=(frame_sealer&& o) noexcept {
  if (this != &o) {
    key_ = o.key_;
    counter_ = o.counter_;
    max_plaintext_ = o.max_plaintext_;
    crypto::wipe(o.key_);
    o.counter_ = limits::max_nonce;
  }
  return *this;
}

frame_sealer::~frame_sealer() { crypto::wipe(key_); }

result<void> frame_sealer::seal_into(byte_view plaintext, mutable_byte_view out) noexcept {
  if (plaintext.size() > max_plaintext_) return errc::frame_too_long;
  if (out.size() != sealed_frame_size(plaintext.size())) return errc::frame_too_short;
  if (counter_ >= limits::max_nonce) return errc::nonce_exhausted;
  const std::uint64_t n = ++counter_;
  const std::size_t len = limits::frame_overhead + plaintext.size();  // <= 65535 by the clamp
  out[0] = static_cast<std::uint8_t>(len >> 8);
  out[1] = static_cast<std::uint8_t>(len);
  put_u64be(out.data() + 2, n);
  crypto::aead_seal(key_, n, {}, plaintext, out.subspan(2 + limits::nonce_len));
  return {};
}

result<void> frame_sealer::seal_append(byte_view plaintext, bytes& out) {
  if (plaintext.size() > max_plaintext_) return errc::frame_too_long;
  const std::size_t start = out.size();
  out.resize(start + sealed_frame_size(plaintext.size()));
  result<void> r = seal_into(plaintext, mutable_byte_view(out).subspan(start));
  if (!r) out.resize(start);
  return r;
}

result<bytes> frame_sealer::seal(byte_view plaintext) {
  bytes out;
  if (auto r = seal_append(plaintext, out); !r) return r.error();
  return out;
}

frame_opener::frame_opener(const crypto::aead_key& key, replay_mode mode) noexcept
    : key_(key), mode_(mode) {}

frame_opener::frame_opener(frame_opener&& o) noexcept
    : key_(o.key_), mode_(o.mode_), last_(o.last_), window_(o.window_) {
  crypto::wipe(o.key_);
}

frame_opener& frame_opener::operator=(frame_opener&& o) noexcept {
  if (this != &o) {
    key_ = o.key_;
    mode_ = o.mode_;
    last_ = o.last_;
    window_ = o.window_;
    crypto::wipe(o.key_);
  }
  return *this;
}

frame_opener::~frame_opener() { crypto::wipe(key_); }

std::size_t frame_opener::max_body() const noexcept {
  return mode_ == replay_mode::window ? limits::max_object_frame_body : limits::max_frame_body;
}

std::uint64_t frame_opener::last_nonce() const noexcept {
  return mode_ == replay_mode::window ? window_.highest() : last_;
}

result<std::uint64_t> frame_opener::check_header(byte_view body) const noexcept {
  if (body.size() > max_body()) return errc::frame_too_long;
  if (body.size() < limits::frame_overhead) return errc::frame_too_short;
  const std::uint64_t n = get_u64be(body.data());
  const bool fresh = mode_ == replay_mode::window ? window_.check(n) : n > last_;
  if (!fresh) return errc::replayed_nonce;
  return n;
}

void frame_opener::accept(std::uint64_t n) noexcept {
  if (mode_ == replay_mode::window) {
    window_.mark(n);
  } else {
    last_ = n;
  }
}

result<mutable_byte_view> frame_opener::open_in_place(mutable_byte_view body) noexcept {
  auto n = check_header(body);
  if (!n) return n.error();
  mutable_byte_view ct = body.subspan(limits::nonce_len);
  mutable_byte_view pt = ct.first(ct.size() - limits::tag_len);
  if (!crypto::aead_open(key_, *n, {}, ct, pt)) return errc::decrypt_failed;
  accept(*n);
  return pt;
}

result<bytes> frame_opener::open(byte_view body) {
  auto n = check_header(body);
  if (!n) return n.error();
  byte_view ct = body.subspan(limits::nonce_len);
  bytes pt(ct.size() - limits::tag_len);
  if (!crypto::aead_open(key_, *n, {}, ct, pt)) return errc::decrypt_failed;
  accept(*n);
  return pt;
}

}  // namespace skywire::noise
