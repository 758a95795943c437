#pragma once
// The running dmsg discovery: the api behind a net::http_server, plus the periodic sweep of
// expired entries (every 10 s, like Go's RunBackgroundTasks). What `skywire dmsg disc` runs and
// what the integration tests start on 127.0.0.1:0.
//
// HTTP limits: Go's timeouts (read 3 s, write 3 s, idle 30 s), header 16 KiB, body
// options.max_body (64 KiB default: a real entry is < 1 KiB) -> 413 {"message":…,"code":413};
// malformed HTTP -> 400 in the same JSON shape.
//
// Executor: everything runs on the executor given at construction; the store and clock must
// outlive the service.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/http_server.hpp"
#include "skywire/net/task_group.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api.hpp"
#include "store.hpp"

namespace skywire::svc::dmsg_discovery {

struct service_options {
  std::string host;  // "" = all IPv4 interfaces
  std::uint16_t port = 9090;
  api_options api;
  std::size_t max_body = default_max_body;
  std::size_t max_connections = 4096;
  std::chrono::steady_clock::duration sweep_interval = std::chrono::seconds(10);
};

class service {
 public:
  service(boost::asio::any_io_executor ex, store& db, const base::clock& clock, base::logger log,
          service_options options);
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Binds, starts serving and sweeping. Returns the bound port.
  result<std::uint16_t> start();
  // Graceful stop (in-flight requests finish within `grace`), sweep stopped.
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::duration grace);

  const dmsg_discovery::api& api() const noexcept { return api_; }
  std::uint16_t port() const noexcept { return server_.port(); }

 private:
  boost::asio::awaitable<void> sweep_loop();

  boost::asio::any_io_executor ex_;
  base::logger log_;
  service_options opt_;
  dmsg_discovery::api api_;
  net::http_server server_;
  net::task_group background_;
};

}  // namespace skywire::svc::dmsg_discovery
