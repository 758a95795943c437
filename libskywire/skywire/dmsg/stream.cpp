#include "skywire/dmsg/stream.hpp"

#include <algorithm>

#include "skywire/dmsg/object_io.hpp"
#include "skywire/noise/limits.hpp"

namespace skywire::dmsg {

namespace {
constexpr std::size_t write_batch = 16;  // frames per yamux write (~64 KiB)
}

stream::stream(yamux::stream st, const noise::transport_keys& keys, addr local, addr remote, port_lease lease)
    : st_(std::move(st)),
      sealer_(keys.send),
      opener_(keys.recv),
      local_(local),
      remote_(remote),
      lease_(std::move(lease)) {}

stream::~stream() { close(); }

boost::asio::awaitable<result<std::size_t>> stream::read_some(mutable_byte_view buf) {
  if (buf.empty()) co_return std::size_t{0};
  while (pending_.empty()) {
    if (read_error_) co_return read_error_;
    auto body = co_await read_frame_body(st_, noise::limits::max_frame_body);
    if (!body) {
      read_error_ = body.error();
      co_return read_error_;
    }
    rbuf_ = std::move(*body);
    auto pt = opener_.open_in_place(rbuf_);
    if (!pt) {
      read_error_ = pt.error();
      co_return read_error_;
    }
    pending_ = *pt;  // empty frames are legal and skipped
  }
  const std::size_t n = std::min(buf.size(), pending_.size());
  std::copy_n(pending_.begin(), n, buf.begin());
  pending_ = pending_.subspan(n);
  co_return n;
}

boost::asio::awaitable<result<void>> stream::write_all(byte_view data) {
  while (!data.empty()) {
    wbuf_.clear();
    for (std::size_t i = 0; i < write_batch && !data.empty(); ++i) {
      const std::size_t n = std::min(data.size(), noise::limits::max_data_plaintext);
      auto sealed = sealer_.seal_append(data.first(n), wbuf_);
      if (!sealed) co_return sealed.error();
      data = data.subspan(n);
    }
    auto w = co_await st_.write(wbuf_);
    if (!w) co_return w.error();
  }
  co_return result<void>{};
}

void stream::close() noexcept {
  if (st_.valid()) (void)st_.close();
  lease_.release();
}

}  // namespace skywire::dmsg
