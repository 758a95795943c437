#include "service.hpp"

namespace skywire::svc::route_finder {

namespace asio = boost::asio;

namespace {

net::http_server_options server_options(const service_options& o) {
  net::http_server_options h;  // Go's read/write/idle timeouts are the defaults
  h.max_body = o.max_body;
  h.max_connections = o.max_connections;
  h.error_reply = [](unsigned status, std::string_view reason) { return error_reply(status, reason); };
  return h;
}

}  // namespace

service::service(asio::any_io_executor ex, transport_source& source, const base::clock& clock, base::logger log,
                 service_options options)
    : log_(log),
      opt_(std::move(options)),
      api_(source, clock, log, opt_.api),
      server_(ex, net::http_async_handler([this](const net::http_request& r) { return api_.handle(r); }),
              server_options(opt_), log) {}

result<std::uint16_t> service::start() {
  auto port = server_.listen(opt_.host, opt_.port);
  if (!port) return port.error();
  if (auto r = server_.start(); !r) return r.error();
  log_->info("route finder listening on {}:{}", opt_.host.empty() ? "0.0.0.0" : opt_.host, *port);
  return port;
}

asio::awaitable<void> service::shutdown(std::chrono::steady_clock::duration grace) {
  co_await server_.shutdown(grace);
  log_->info("route finder stopped");
}

}  // namespace skywire::svc::route_finder
