#include "skywire/dmsg/object_io.hpp"

#include "skywire/dmsg/limits.hpp"
#include "skywire/net/errc.hpp"

namespace skywire::dmsg {

boost::asio::awaitable<result<void>> read_exact(yamux::stream& st, mutable_byte_view out) {
  while (!out.empty()) {
    auto n = co_await st.read_some(out);
    if (!n) co_return n.error();
    if (*n == 0) co_return net::errc::closed;
    out = out.subspan(*n);
  }
  co_return result<void>{};
}

boost::asio::awaitable<result<bytes>> read_frame_body(yamux::stream& st, std::size_t max_body) {
  byte_array<2> len{};
  auto h = co_await read_exact(st, len);
  if (!h) co_return h.error();
  const std::size_t n = (std::size_t{len[0]} << 8) | len[1];
  if (n > max_body) co_return noise::errc::frame_too_long;
  bytes body(n);
  auto b = co_await read_exact(st, body);
  if (!b) co_return b.error();
  co_return body;
}

boost::asio::awaitable<result<bytes>> read_object(yamux::stream& st, noise::frame_opener& opener) {
  auto body = co_await read_frame_body(st, limits::max_object_frame_body);
  if (!body) co_return body.error();
  auto pt = opener.open_in_place(*body);
  if (!pt) co_return pt.error();
  co_return bytes(pt->begin(), pt->end());
}

boost::asio::awaitable<result<void>> write_object(yamux::stream& st, noise::frame_sealer& sealer,
                                                  byte_view object) {
  auto frame = sealer.seal(object);
  if (!frame) co_return frame.error();
  co_return co_await st.write(*frame);
}

}  // namespace skywire::dmsg
