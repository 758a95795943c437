#include "skywire/visor/auto_transport.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/net/timeout.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace skywire::visor {

namespace asio = boost::asio;

namespace {

bool listed(const std::vector<std::string>& types, std::string_view t) {
  return std::find(types.begin(), types.end(), t) != types.end();
}

class auto_transport final : public router::dial_hook {
 public:
  auto_transport(auto_transport_functions fns, auto_transport_config cfg, base::logger log)
      : fns_(std::move(fns)), cfg_(cfg), log_(log ? std::move(log) : base::make_null_logger("visor")) {}

  asio::awaitable<result<void>> before_dial(crypto::public_key remote) override {
    if (fns_.connected(remote)) co_return result<void>{};
    std::vector<std::string> bound;
    if (fns_.registered) {
      auto fetch = fns_.registered();
      auto all = co_await std::move(fetch);
      if (!all) {
        log_->warn("auto-transport: the address resolver's transports: {}", all.error().message());
      } else if (auto it = all->find(remote); it != all->end()) {
        bound = it->second;
      }
    }
    std::vector<std::string> order;
    for (const char* t : {"stcpr", "sudph"}) {
      if (listed(bound, t)) order.emplace_back(t);
    }
    order.emplace_back("dmsg");
    const auto can = fns_.types();
    result<void> last = transport::errc::unknown_type;
    for (const auto& type : order) {
      if (!listed(can, type)) continue;
      auto attempt = try_type(remote, type);
      last = co_await std::move(attempt);
      if (last) {
        log_->info("auto-transport: {} transport to {} made for a route", type, remote.to_hex());
        co_return last;
      }
      log_->info("auto-transport: {} to {} failed: {}", type, remote.to_hex(), last.error().message());
    }
    co_return last;
  }

 private:
  // Go's retrier: up to `tries` tries, waiting first_backoff, then ×factor (capped) between them.
  asio::awaitable<result<void>> try_type(crypto::public_key remote, std::string type) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto backoff = cfg_.first_backoff;
    result<void> r = transport::errc::unknown_type;
    for (unsigned i = 0; i < std::max(1u, cfg_.tries); ++i) {
      if (i > 0) {
        timer.expires_after(backoff);
        auto wait = timer.async_wait(asio::as_tuple(asio::use_awaitable));  // named: g++ 12
        auto [ec] = co_await std::move(wait);
        if (ec) co_return r;
        backoff = std::min(std::chrono::duration_cast<std::chrono::steady_clock::duration>(backoff * cfg_.factor),
                           cfg_.max_backoff);
      }
      auto save = fns_.save(remote, type);
      r = co_await net::with_timeout(std::move(save), cfg_.try_timeout);
      if (r) co_return r;
    }
    co_return r;
  }

  auto_transport_functions fns_;
  auto_transport_config cfg_;
  base::logger log_;
};

}  // namespace

auto_transport_functions auto_transport_over(std::shared_ptr<disc::addr_resolver_client> ar, transport::manager& tm) {
  auto_transport_functions f;
  f.connected = [&tm](const crypto::public_key& pk) {
    const auto up = tm.transports();
    return std::any_of(up.begin(), up.end(), [&](const transport::transport_info& t) { return t.remote_pk == pk; });
  };
  if (ar) f.registered = [ar] { return ar->transports(); };
  f.types = [&tm] { return tm.types(); };
  f.save = [&tm](crypto::public_key pk, std::string type) -> asio::awaitable<result<void>> {
    auto save = tm.save_transport(pk, std::move(type), wire::transport::label_automatic);
    auto r = co_await std::move(save);
    if (!r) co_return r.error();
    co_return result<void>{};
  };
  return f;
}

std::shared_ptr<router::dial_hook> make_auto_transport(auto_transport_functions fns, auto_transport_config cfg,
                                                       base::logger log) {
  return std::make_shared<auto_transport>(std::move(fns), cfg, std::move(log));
}

}  // namespace skywire::visor
