#pragma once
// listener: the accepting end of a skynet port (Go: appnet's skynet listener over
// router.AcceptRoutes). The router builds a responder route group for every AddEdgeRules of
// the setup node (route_handler.hpp) and, once its handshake is done, hands it to the listener
// of the descriptor's destination port; when there is none (or its backlog is full) the group
// sends Go's "no listener on port <p>, <app> offline" Error and closes (§3.5).
//
//   auto l = r.listen(44);                     // result<listener>
//   for (;;) { auto g = co_await l->accept(); … }
//
// Bounds: at most limits::listen_backlog established groups wait in accept(); more are turned
// away as above.
// Ownership: move-only; destroying it (or close()) frees the port, ends a waiting accept() with
// net::errc::closed and closes the groups still queued.
// Executor: the router's. One accept() at a time.
#include <cstdint>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/router/route_group.hpp"

namespace skywire::router {

namespace detail {
struct listener_state;
}

class listener {
 public:
  explicit listener(std::shared_ptr<detail::listener_state> st) noexcept;
  listener(listener&&) noexcept;
  listener& operator=(listener&&) noexcept;
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  ~listener();

  // The next established route group for this port. net::errc::closed after close() (or the
  // router's close).
  boost::asio::awaitable<result<route_group>> accept();
  void close();
  std::uint16_t port() const noexcept;

 private:
  std::shared_ptr<detail::listener_state> st_;
};

}  // namespace skywire::router
