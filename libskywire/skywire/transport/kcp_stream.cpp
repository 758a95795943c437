#include "skywire/transport/kcp_stream.hpp"

#include "skywire/net/timeout.hpp"
#include "skywire/transport/kcp/errc.hpp"
#include "skywire/transport/kcp_session.hpp"

namespace skywire::transport {

namespace asio = boost::asio;

kcp_stream::~kcp_stream() { close(); }

asio::awaitable<result<std::size_t>> kcp_stream::read_some(mutable_byte_view buf) {
  auto s = s_;
  co_return co_await s->read_some(buf);
}

asio::awaitable<result<void>> kcp_stream::write_all(byte_view data) {
  auto s = s_;
  co_return co_await s->write_all(data);
}

asio::awaitable<result<void>> kcp_stream::drain(std::chrono::steady_clock::duration limit) {
  auto s = s_;
  auto op = s->drain();
  auto timed = net::with_timeout(std::move(op), limit);
  co_return co_await std::move(timed);
}

void kcp_stream::close() noexcept {
  if (s_) s_->shutdown(kcp::errc::closed);
}

result<void> kcp_stream::send_now(byte_view message) { return s_->send_now(message); }

asio::ip::udp::endpoint kcp_stream::remote_endpoint() const { return s_->remote(); }

std::uint32_t kcp_stream::conv() const { return s_->conv(); }

}  // namespace skywire::transport
