#include "skywire/transport/detail/stream_io.hpp"

#include "skywire/transport/errc.hpp"

namespace skywire::transport::detail {

boost::asio::awaitable<result<void>> read_exact(net::stream& s, mutable_byte_view out) {
  while (!out.empty()) {
    auto n = co_await s.read_some(out);
    if (!n) co_return n.error();
    out = out.subspan(*n);
  }
  co_return result<void>{};
}

boost::asio::awaitable<result<std::string>> read_line(net::stream& s, std::size_t max_bytes) {
  std::string line;
  std::uint8_t byte = 0;
  while (line.size() < max_bytes) {
    auto n = co_await s.read_some(mutable_byte_view(&byte, 1));
    if (!n) co_return n.error();
    line.push_back(static_cast<char>(byte));
    if (byte == '\n') co_return line;
  }
  co_return errc::frame_too_long;
}

}  // namespace skywire::transport::detail
