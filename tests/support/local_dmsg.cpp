// The in-process dmsg discovery and servers of the dmsg tests and benches (local_dmsg.hpp).
#include "local_dmsg.hpp"

#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/base/log.hpp"
#include "skywire/net/errc.hpp"

namespace skywire::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

bool all_published(const std::vector<std::unique_ptr<dmsg::server>>& servers) {
  for (const auto& s : servers)
    if (!s->entry_published()) return false;
  return true;
}

}  // namespace

asio::awaitable<result<void>> local_dmsg::start(std::vector<std::string> server_seeds, server_tuning tune) {
  ex_ = co_await asio::this_coro::executor;
  svc::dmsg_discovery::service_options opt;
  opt.host = "127.0.0.1";
  opt.port = 0;
  opt.api.test_mode = true;
  disc_ = std::make_unique<svc::dmsg_discovery::service>(ex_, *db_, clock, base::make_null_logger("disc"), opt);
  auto port = disc_->start();
  if (!port) co_return port.error();
  url = "http://127.0.0.1:" + std::to_string(*port);
  for (std::size_t i = 0; i < server_seeds.size(); ++i) {
    auto keys = crypto::deterministic_key_pair(as_bytes(std::string_view(server_seeds[i])));
    if (!keys) co_return keys.error();
    dmsg::server_config cfg{*keys};
    cfg.listen_host = "127.0.0.1";
    cfg.discovery_url = url;
    cfg.retry_interval = 100ms;
    if (tune) tune(i, cfg);
    servers.push_back(std::make_unique<dmsg::server>(ex_, cfg, clock, base::make_null_logger("srv")));
    server_pks.push_back(cfg.keys.pk);
    auto bound = servers.back()->start();
    if (!bound) co_return bound.error();
    server_ports.push_back(*bound);
  }
  // Clients find servers through their entries: none is usable before it is published.
  for (int i = 0; i < 500 && !all_published(servers); ++i) {
    asio::steady_timer t(ex_, 20ms);
    co_await t.async_wait(asio::use_awaitable);
  }
  if (!all_published(servers)) co_return net::errc::timeout;
  co_return result<void>{};
}

dmsg::client_config local_dmsg::client_config(crypto::key_pair keys) const {
  dmsg::client_config cfg{std::move(keys), url};
  cfg.dial_timeout = 3s;
  cfg.retry_interval = 100ms;
  return cfg;
}

std::unique_ptr<dmsg::client> local_dmsg::start_client(dmsg::client_config cfg, std::string_view name) {
  auto c = std::make_unique<dmsg::client>(ex_, std::move(cfg), clock, base::make_null_logger(std::string(name)));
  c->start();
  return c;
}

asio::awaitable<result<std::unique_ptr<dmsg::client>>> local_dmsg::ready_client(dmsg::client_config cfg,
                                                                                std::string name) {
  auto c = start_client(std::move(cfg), name);
  auto ready_op = c->wait_ready(10s);
  auto ready = co_await std::move(ready_op);
  if (!ready) co_return ready.error();
  co_return c;
}

asio::awaitable<void> local_dmsg::stop() {
  for (auto& s : servers) co_await s->stop();
  if (disc_) co_await disc_->shutdown(1s);
}

}  // namespace skywire::test
