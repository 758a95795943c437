#pragma once
// The running route finder: the api (api.hpp) behind a net::http_server, what `skywire svc rf`
// runs and what the integration tests start on 127.0.0.1:0. HTTP over TCP only (no dmsghttp
// listener). The graph comes from a transport_source (transport_source.hpp), normally a
// cached_source over the transport discovery's GET /all-transports.
//
// HTTP limits: Go's http.Server settings (read 3 s, write 3 s, idle 30 s), header 16 KiB, body
// options.max_body (16 KiB: a request of api_options.max_edges = 64 edges is ~8.7 KiB); the
// server's own 400/413/431 answers use the API's error shape.
//
// Executor: everything runs on the executor given at construction; the source and the clock
// must outlive the service.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/http_server.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "api.hpp"
#include "transport_source.hpp"

namespace skywire::svc::route_finder {

struct service_options {
  std::string host;  // "" = all IPv4 interfaces
  std::uint16_t port = 9092;
  api_options api;
  std::size_t max_body = 16 * 1024;
  std::size_t max_connections = 4096;
};

class service {
 public:
  service(boost::asio::any_io_executor ex, transport_source& source, const base::clock& clock, base::logger log,
          service_options options);
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Binds and starts serving. Returns the bound port.
  result<std::uint16_t> start();
  // Graceful stop: in-flight requests finish within `grace`.
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::duration grace);

  std::uint16_t port() const noexcept { return server_.port(); }

 private:
  base::logger log_;
  service_options opt_;
  route_finder::api api_;
  net::http_server server_;
};

}  // namespace skywire::svc::route_finder
