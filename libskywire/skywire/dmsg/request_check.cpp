#include "skywire/dmsg/request_check.hpp"

#include <algorithm>
#include <chrono>

#include "skywire/crypto/errc.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/limits.hpp"

namespace skywire::dmsg {

std::int64_t replay_guard::floor() const noexcept {
  constexpr std::int64_t window = std::chrono::nanoseconds(limits::request_window).count();
  const std::int64_t by_window = newest_ > window ? newest_ - window : 0;
  return std::max(by_window, evicted_);
}

result<void> replay_guard::check_and_record(std::int64_t timestamp, const crypto::sha256_digest& hash) {
  if (timestamp <= 0 || timestamp < floor()) return errc::request_replayed;
  if (seen_.contains(hash)) return errc::request_replayed;
  newest_ = std::max(newest_, timestamp);
  // Drop what the window already refuses, then make room.
  const std::int64_t f = floor();
  while (!by_time_.empty() && by_time_.begin()->first < f) {
    seen_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
  while (by_time_.size() >= limits::request_cache) {
    evicted_ = std::max(evicted_, by_time_.begin()->first);
    seen_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
  seen_.insert(hash);
  by_time_.emplace(timestamp, hash);
  return result<void>{};
}

result<checked_request> check_request_object(byte_view object, const crypto::public_key& session_pk,
                                             replay_guard& guard) {
  if (object.size() > wire::dmsg::max_signed_object_size) return errc::bad_object;
  auto opened = wire::dmsg::open_signed_request(object);
  if (!opened) {
    if (opened.error().category() == crypto::category()) return errc::request_bad_signature;
    return opened.error();
  }
  if (opened->request.src.pk != session_pk) return errc::request_bad_src;
  auto fresh = guard.check_and_record(opened->request.timestamp, opened->hash);
  if (!fresh) return fresh.error();
  return checked_request{std::move(*opened), bytes(object.begin(), object.end())};
}

result<checked_request> check_request_frame(mutable_byte_view frame_body, noise::frame_opener& opener,
                                            const crypto::public_key& session_pk, replay_guard& guard) {
  auto pt = opener.open_in_place(frame_body);
  if (!pt) return pt.error();
  return check_request_object(*pt, session_pk, guard);
}

}  // namespace skywire::dmsg
