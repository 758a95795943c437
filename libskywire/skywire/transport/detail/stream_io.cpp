#include "skywire/transport/detail/stream_io.hpp"

#include <algorithm>
#include <cstring>

#include <boost/system/errc.hpp>

#include "skywire/transport/errc.hpp"

namespace skywire::transport::detail {

namespace {

// At most this much is peeked (and so allocated in the line) at a time, whatever max_bytes is.
constexpr std::size_t peek_chunk = 1024;

bool peek_unsupported(const error_code& ec) {
  return ec == boost::system::errc::operation_not_supported;
}

// The fallback: one read_some per byte, so nothing past the "\n" is consumed on any carrier.
boost::asio::awaitable<result<std::string>> read_line_bytewise(net::stream& s, std::string line,
                                                               std::size_t max_bytes) {
  std::uint8_t byte = 0;
  while (line.size() < max_bytes) {
    auto n = co_await s.read_some(mutable_byte_view(&byte, 1));
    if (!n) co_return n.error();
    line.push_back(static_cast<char>(byte));
    if (byte == '\n') co_return line;
  }
  co_return errc::frame_too_long;
}

}  // namespace

boost::asio::awaitable<result<void>> read_exact(net::stream& s, mutable_byte_view out) {
  while (!out.empty()) {
    auto n = co_await s.read_some(out);
    if (!n) co_return n.error();
    out = out.subspan(*n);
  }
  co_return result<void>{};
}

// Peeks into the line's own tail, then reads the same bytes over it: what a peek showed is
// in the carrier's receive buffer, so the read returns exactly those bytes.
boost::asio::awaitable<result<std::string>> read_line(net::stream& s, std::size_t max_bytes) {
  std::string line;
  while (line.size() < max_bytes) {
    const std::size_t have = line.size();
    line.resize(have + std::min(max_bytes - have, peek_chunk));
    auto* tail = reinterpret_cast<std::uint8_t*>(line.data()) + have;
    auto peeked = co_await s.peek_some(mutable_byte_view(tail, line.size() - have));
    if (!peeked) {
      line.resize(have);
      if (!peek_unsupported(peeked.error())) co_return peeked.error();
      auto rest = read_line_bytewise(s, std::move(line), max_bytes);
      co_return co_await std::move(rest);
    }
    const auto* nl = static_cast<const std::uint8_t*>(std::memchr(tail, '\n', *peeked));
    const std::size_t take = nl != nullptr ? static_cast<std::size_t>(nl - tail) + 1 : *peeked;
    line.resize(have + take);
    auto r = co_await read_exact(s, mutable_byte_view(tail, take));
    if (!r) co_return r.error();
    if (nl != nullptr) co_return line;
  }
  co_return errc::frame_too_long;
}

}  // namespace skywire::transport::detail
