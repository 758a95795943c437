#include "service.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace skywire::svc::dmsg_discovery {

namespace asio = boost::asio;

namespace {

net::http_server_options server_options(const service_options& o) {
  net::http_server_options h;  // Go's read/write/idle timeouts are the defaults
  h.max_body = o.max_body;
  h.max_connections = o.max_connections;
  h.error_reply = [](unsigned status, std::string_view reason) { return api::message_reply(status, reason); };
  return h;
}

}  // namespace

service::service(asio::any_io_executor ex, store& db, const base::clock& clock, base::logger log,
                 service_options options)
    : ex_(ex), log_(log), opt_(std::move(options)), api_(db, clock, log, opt_.api),
      server_(ex, [this](const net::http_request& r) { return api_.handle(r); }, server_options(opt_), log),
      background_(ex, 1) {}

result<std::uint16_t> service::start() {
  auto port = server_.listen(opt_.host, opt_.port);
  if (!port) return port.error();
  if (auto r = server_.start(); !r) return r.error();
  if (auto r = background_.spawn(sweep_loop()); !r) return r.error();
  log_->info("dmsg discovery listening on {}:{}{}", opt_.host.empty() ? "0.0.0.0" : opt_.host, *port,
             opt_.api.test_mode ? " (test mode: loopback server addresses allowed)" : "");
  return port;
}

asio::awaitable<void> service::sweep_loop() {
  asio::steady_timer t(ex_);
  for (;;) {
    t.expires_after(opt_.sweep_interval);
    auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    auto op = api_.sweep();
    if (auto r = co_await std::move(op); !r) log_->error("expiry sweep failed: {}", r.error().message());
  }
}

asio::awaitable<void> service::shutdown(std::chrono::steady_clock::duration grace) {
  background_.cancel();
  co_await server_.shutdown(grace);
  co_await background_.join();
  log_->info("dmsg discovery stopped");
}

}  // namespace skywire::svc::dmsg_discovery
