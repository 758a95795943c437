#pragma once
// Where the route finder's graph comes from. Go's route finder reads the transport discovery's
// PostgreSQL tables directly, walking the graph edge by edge on every request; ours takes the
// whole transport list from a fetcher and keeps the graph built from it for a short while, so a
// request costs one search, not a database walk.
//
//   cached_source src(ex, make_tpd_fetcher(http, "http://127.0.0.1:9091"), clock, log, {});
//   auto g = co_await src.current();        // result<std::shared_ptr<const graph>>
//
// Fetchers: make_tpd_fetcher asks a transport discovery over HTTP (GET /all-transports, the
// open route; disc::parse_entries bounds the list to disc::max_tpd_entries), which is what
// `skywire svc rf --tpd URL` uses. A process that runs the transport discovery itself can pass
// a lambda over its store instead (`[&db] { return db.all(); }`): same interface, no HTTP.
//
// Cache: the graph is rebuilt when the last attempt is older than max_age (1 s: a transport
// registered a second ago is routable). One refresh runs at a time: requests arriving meanwhile
// wait for it and share its result. If a refresh fails, the previous graph keeps being served
// while it is younger than max_stale (a brief discovery outage does not fail every route), and
// the failure is returned after that; either way the next attempt waits for max_age again, so a
// dead discovery is not hammered. A request that is cancelled while it refreshes leaves the
// cache consistent (the waiters are woken and try again themselves).
//
// Limits: the graph is refused (errc::too_many_transports) above max_transports entries; the
// fetch is bounded by the fetcher (the http_client's timeouts and max_body).
// Errors: the fetcher's (net::errc::timeout, connection refused, disc::errc::rejected …) or
// graph::build's, when there is no usable snapshot.
// Executor: the one given; current() is called from it. The source must outlive its requests.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/wire/transport/entry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph.hpp"

namespace skywire::svc::route_finder {

class transport_source {
 public:
  virtual ~transport_source() = default;
  // The graph to search now (never null on success).
  virtual boost::asio::awaitable<result<std::shared_ptr<const graph>>> current() = 0;
};

using transport_fetcher = std::function<boost::asio::awaitable<result<std::vector<wire::transport::entry>>>()>;

// GET {tpd_url}/all-transports through `http` (which bounds time and size).
transport_fetcher make_tpd_fetcher(std::shared_ptr<net::http_client> http, std::string tpd_url);

// The http_client options make_tpd_fetcher is meant for: short timeouts (a visor waits at most
// ~2 s for a route) and a body large enough for disc::max_tpd_entries entries.
net::http_options tpd_http_options();

struct cache_options {
  std::chrono::steady_clock::duration max_age = std::chrono::seconds(1);
  std::chrono::steady_clock::duration max_stale = std::chrono::seconds(30);
  std::size_t max_transports = default_max_transports;
};

class cached_source final : public transport_source {
 public:
  cached_source(boost::asio::any_io_executor ex, transport_fetcher fetch, const base::clock& clock,
                base::logger log, cache_options options);
  cached_source(const cached_source&) = delete;
  cached_source& operator=(const cached_source&) = delete;

  boost::asio::awaitable<result<std::shared_ptr<const graph>>> current() override;

  // Completed refreshes (successful or not), for tests and logs.
  std::uint64_t refreshes() const noexcept { return refreshes_; }

 private:
  boost::asio::awaitable<void> refresh();
  result<std::shared_ptr<const graph>> answer() const;

  boost::asio::any_io_executor ex_;
  transport_fetcher fetch_;
  const base::clock& clock_;
  base::logger log_;
  cache_options opt_;

  std::shared_ptr<const graph> graph_;
  base::clock::steady_time built_at_{};
  std::optional<base::clock::steady_time> attempted_at_;
  error_code last_error_;
  std::uint64_t refreshes_ = 0;
  // Set while a refresh runs; waiters wait on it and are woken by cancel().
  std::shared_ptr<boost::asio::steady_timer> in_flight_;
};

}  // namespace skywire::svc::route_finder
