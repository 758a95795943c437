#pragma once
// The running address resolver: the api (api.hpp) behind a net::http_server plus, when
// options.udp, the UDP/KCP side (udp_server.hpp, spec/skywire.md §2.3) on the same host and
// port number — what `skywire svc ar` runs and what the integration tests start on 127.0.0.1:0.
// GET /resolve/sudph is wired to udp_server::ask_to_punch.
//
// HTTP limits: Go's http.Server settings (read 3 s, write 3 s, idle 30 s), header 16 KiB, body
// options.max_body (64 KiB: a bind body is < 1 KiB).
//
// Executor: everything runs on the executor given at construction; the stores and the clock
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
#include "httpauth/nonce_store.hpp"
#include "store.hpp"
#include "udp_server.hpp"

namespace skywire::svc::address_resolver {

struct service_options {
  std::string host;  // "" = all IPv4 interfaces
  std::uint16_t port = 9093;
  api_options api;
  std::size_t max_body = 64 * 1024;
  std::size_t max_connections = 4096;
  bool udp = true;                 // the SUDPH side on UDP host:port (the HTTP port actually bound)
  udp_server_options udp_options;  // its host and port are set from host / the HTTP port
};

class service {
 public:
  service(boost::asio::any_io_executor ex, store& db, httpauth::nonce_store& nonces, const base::clock& clock,
          base::logger log, service_options options);
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Binds and starts serving. Returns the bound port.
  result<std::uint16_t> start();
  // Graceful stop: in-flight requests finish within `grace`.
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::duration grace);

  std::uint16_t port() const noexcept { return server_.port(); }
  udp_server& udp() noexcept { return udp_; }

 private:
  base::logger log_;
  service_options opt_;
  udp_server udp_;
  address_resolver::api api_;
  net::http_server server_;
};

}  // namespace skywire::svc::address_resolver
