#include "service.hpp"

namespace skywire::svc::address_resolver {

namespace asio = boost::asio;

namespace {

net::http_server_options server_options(const service_options& o) {
  net::http_server_options h;  // Go's read/write/idle timeouts are the defaults
  h.max_body = o.max_body;
  h.max_connections = o.max_connections;
  return h;
}

api_options with_punch_notifier(api_options o, udp_server& udp, bool enabled) {
  if (enabled) {
    o.notify_punch = [&udp](crypto::public_key target, crypto::public_key requester) {
      return udp.ask_to_punch(target, requester);
    };
  }
  return o;
}

}  // namespace

service::service(asio::any_io_executor ex, store& db, httpauth::nonce_store& nonces, const base::clock& clock,
                 base::logger log, service_options options)
    : log_(log),
      opt_(std::move(options)),
      udp_(ex, db, log, opt_.udp_options),
      api_(db, nonces, clock, log, with_punch_notifier(opt_.api, udp_, opt_.udp)),
      server_(ex, net::http_async_handler([this](const net::http_request& r) { return api_.handle(r); }),
              server_options(opt_), log) {}

result<std::uint16_t> service::start() {
  auto port = server_.listen(opt_.host, opt_.port);
  if (!port) return port.error();
  if (auto r = server_.start(); !r) return r.error();
  if (opt_.udp) {
    // The SUDPH side listens on the same host and port number as HTTP (Go: kcp.Listen(addr)).
    udp_.set_endpoint(opt_.host, *port);
    if (auto u = udp_.start(); !u) return u.error();
  }
  log_->info("address resolver listening on {}:{} (HTTP{}){}", opt_.host.empty() ? "0.0.0.0" : opt_.host, *port,
             opt_.udp ? " and SUDPH over UDP" : " only",
             opt_.api.local_mode ? " (local mode: loopback and private sources may bind)" : "");
  return port;
}

asio::awaitable<void> service::shutdown(std::chrono::steady_clock::duration grace) {
  co_await server_.shutdown(grace);
  if (opt_.udp) co_await udp_.shutdown();
  log_->info("address resolver stopped");
}

}  // namespace skywire::svc::address_resolver
