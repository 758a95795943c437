#include "skywire/dmsg/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/limits.hpp"

namespace skywire::dmsg {

listener_state::listener_state(boost::asio::any_io_executor ex, addr local_addr, port_lease l)
    : local(local_addr), lease(std::move(l)), queue(ex, limits::listener_backlog) {}

bool listener_state::admit() {
  if (closed || handshaking + queued >= limits::listener_backlog) return false;
  ++handshaking;
  return true;
}

void listener_state::release_admission() {
  if (handshaking > 0) --handshaking;
}

bool listener_state::deliver(std::unique_ptr<stream> s) {
  release_admission();
  if (closed) return false;
  // Admission keeps handshaking + queued within the channel's capacity, so this only fails if
  // a caller delivered without admit().
  if (!queue.try_send(boost::system::error_code{}, std::move(s))) return false;
  ++queued;
  return true;
}

void listener_state::close() {
  if (closed) return;
  closed = true;
  queue.close();  // pending receivers get an error; queued streams are destroyed (closed)
  lease.release();
}

listener& listener::operator=(listener&& o) noexcept {
  if (this != &o) {
    if (state_) state_->close();
    state_ = std::move(o.state_);
  }
  return *this;
}

listener::~listener() {
  if (state_) state_->close();
}

boost::asio::awaitable<result<std::unique_ptr<stream>>> listener::accept() {
  auto keep = state_;
  if (keep->closed) co_return errc::entity_closed;
  auto [ec, s] = co_await keep->queue.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec == boost::asio::error::operation_aborted) co_return ec;
  if (ec || !s) co_return errc::entity_closed;
  if (keep->queued > 0) --keep->queued;
  co_return std::move(s);
}

void listener::close() {
  if (state_) state_->close();
}

}  // namespace skywire::dmsg
