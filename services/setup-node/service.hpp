#pragma once
// The setup-node service (Go: cmd/setup-node, pkg/router/setupnode.go NewNode + Serve): a dmsg
// client with the node's keys, and setup::node serving DialRouteGroup on dmsg port 36.
//
//   svc::setup_node::service s(ex, cfg, clock, log);
//   if (auto r = s.start(); !r) …                // listening (sessions come up in the background)
//   co_await s.wait_ready(10s);                   // optional: ≥ 1 dmsg session and the entry posted
//   co_await s.shutdown();                        // stops the node, deletes the entry, closes dmsg
//
// Unlike Go's NewNode, start() does not block until dmsg is ready: the listener exists at once
// and requests are served as soon as a session carries them. Errors: start() returns
// dmsg::errc::port_occupied if port 36 is taken. Executor: the one given; the clock outlives it.
#include <chrono>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "setup-node/config.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/setup/node.hpp"

namespace skywire::svc::setup_node {

class service {
 public:
  service(boost::asio::any_io_executor ex, const config& cfg, const base::clock& clock, base::logger log,
          setup::node_options opt = {});
  service(const service&) = delete;
  service& operator=(const service&) = delete;
  ~service();

  result<void> start();
  boost::asio::awaitable<result<void>> wait_ready(std::chrono::steady_clock::duration timeout);
  boost::asio::awaitable<void> shutdown();

  const crypto::public_key& pk() const noexcept;
  const setup::node_stats& stats() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace skywire::svc::setup_node
