#include "skywire/visor/autoconnect.hpp"

#include <algorithm>
#include <map>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace skywire::visor {

namespace asio = boost::asio;

asio::awaitable<void> run_autoconnect(autoconnect_hooks hooks, crypto::public_key self, autoconnect_config cfg,
                                      base::logger log) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::map<crypto::public_key, unsigned> failures;
  for (;;) {
    auto edges = hooks.automatic_edges();
    if (edges.size() >= cfg.target) {
      log->info("autoconnect: {} automatic transports, done", edges.size());
      co_return;
    }
    auto visors = co_await hooks.public_visors();
    if (!visors) {
      log->debug("autoconnect: service discovery: {}", visors.error().message());
    } else {
      for (const auto& pk : *visors) {
        if (pk == self || std::find(edges.begin(), edges.end(), pk) != edges.end()) continue;
        if (failures[pk] >= cfg.max_failures) continue;
        auto done = co_await hooks.connect(pk);
        if (done) {
          log->info("autoconnect: stcpr transport to public visor {}", pk.to_hex());
          edges.push_back(pk);
        } else {
          log->info("autoconnect: public visor {}: {}", pk.to_hex(), done.error().message());
          ++failures[pk];
        }
        if (edges.size() >= cfg.target) break;
      }
    }
    timer.expires_after(cfg.interval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // cancelled: the visor is stopping
  }
}

}  // namespace skywire::visor
