#include "skywire/wire/routing/packet_reader.hpp"

#include <algorithm>
#include <cstring>

namespace skywire::wire::routing {

mutable_byte_view packet_reader::prepare() {
  if (begin_ == end_) begin_ = end_ = 0;
  // How much of the current packet must fit in the buffer from begin_ on.
  std::size_t need = header_size;
  if (buffered() >= header_size) {
    const std::size_t payload = (std::size_t{buf_[begin_ + 5]} << 8) | buf_[begin_ + 6];
    need = header_size + payload;
  }
  // Room for the whole current packet plus at least a useful read.
  const std::size_t want = std::min(std::max(need + 1, min_buffer), max_buffer);
  if (buf_.size() < want) {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, buffered());
      end_ -= begin_;
      begin_ = 0;
    }
    buf_.resize(want);
  } else if (buf_.size() - begin_ < need + 1 || end_ == buf_.size()) {
    std::memmove(buf_.data(), buf_.data() + begin_, buffered());
    end_ -= begin_;
    begin_ = 0;
  }
  return mutable_byte_view(buf_).subspan(end_);
}

void packet_reader::commit(std::size_t n) noexcept { end_ += std::min(n, buf_.size() - end_); }

std::optional<packet_view> packet_reader::next() noexcept {
  if (buffered() < header_size) return std::nullopt;
  const byte_view avail = byte_view(buf_).subspan(begin_, buffered());
  auto h = parse_header(avail.first(header_size));
  const std::size_t total = header_size + h->payload_size;
  if (avail.size() < total) return std::nullopt;
  begin_ += total;
  return packet_view{h->type, h->route_id, avail.subspan(header_size, h->payload_size)};
}

}  // namespace skywire::wire::routing
