#include "skywire/noise/frame_splitter.hpp"

#include <algorithm>
#include <cstring>

namespace skywire::noise {

frame_splitter::frame_splitter(std::size_t max_length)
    : max_length_(std::min<std::size_t>(max_length, 65535)), body_(max_length_) {}

result<std::optional<mutable_byte_view>> frame_splitter::next(byte_view& in) {
  if (failed_) return errc::frame_too_long;
  while (header_have_ < 2) {
    if (in.empty()) return std::optional<mutable_byte_view>{};
    header_[header_have_++] = in.front();
    in = in.subspan(1);
    if (header_have_ == 2) {
      body_len_ = (std::size_t{header_[0]} << 8) | header_[1];
      if (body_len_ > max_length_) {
        failed_ = true;
        return errc::frame_too_long;
      }
      body_have_ = 0;
    }
  }
  const std::size_t take = std::min(body_len_ - body_have_, in.size());
  if (take > 0) std::memcpy(body_.data() + body_have_, in.data(), take);
  body_have_ += take;
  in = in.subspan(take);
  if (body_have_ < body_len_) return std::optional<mutable_byte_view>{};
  header_have_ = 0;
  body_have_ = 0;
  return std::optional<mutable_byte_view>{mutable_byte_view(body_).first(body_len_)};
}

}  // namespace skywire::noise
