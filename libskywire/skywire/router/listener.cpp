#include "skywire/router/listener.hpp"

#include <utility>

#include <boost/asio/error.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/router/detail/state.hpp"

namespace skywire::router {

namespace asio = boost::asio;

namespace detail {

listener_state::listener_state(asio::any_io_executor ex, std::uint16_t p, dmsg::port_lease l, std::size_t b,
                               std::weak_ptr<router_state> r)
    : port(p), lease(std::move(l)), backlog(b), router(std::move(r)), wake(ex) {
  arm_never(wake);
}

bool listener_state::deliver(std::shared_ptr<group_state> g) {
  if (closed || queue.size() >= backlog) return false;
  queue.push_back(std::move(g));
  wake.cancel();
  return true;
}

void listener_state::close() {
  if (closed) return;
  closed = true;
  auto waiting = std::move(queue);
  queue.clear();
  for (auto& g : waiting) {
    g->core.close();
    g->after_change();
  }
  wake.cancel();
  lease.release();
  if (auto r = router.lock()) {
    auto it = r->listeners.find(port);
    if (it != r->listeners.end() && it->second.lock().get() == this) r->listeners.erase(it);
  }
}

}  // namespace detail

listener::listener(std::shared_ptr<detail::listener_state> st) noexcept : st_(std::move(st)) {}

listener::listener(listener&& o) noexcept : st_(std::move(o.st_)) {}

listener& listener::operator=(listener&& o) noexcept {
  if (this != &o) {
    close();
    st_ = std::move(o.st_);
  }
  return *this;
}

listener::~listener() { close(); }

asio::awaitable<result<route_group>> listener::accept() {
  auto st = st_;
  if (!st) co_return error_code(net::errc::closed);
  for (;;) {
    if (!st->queue.empty()) {
      auto g = std::move(st->queue.front());
      st->queue.pop_front();
      g->handed_out = true;
      co_return route_group(std::move(g));
    }
    if (st->closed) co_return error_code(net::errc::closed);
    if (!co_await detail::sleep_on(st->wake)) co_return error_code(asio::error::operation_aborted);
  }
}

void listener::close() {
  if (st_) st_->close();
}

std::uint16_t listener::port() const noexcept { return st_ ? st_->port : 0; }

}  // namespace skywire::router
