#include "transport_source.hpp"

#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/disc/tpd_client.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace skywire::svc::route_finder {

namespace asio = boost::asio;

namespace {

asio::awaitable<result<std::vector<wire::transport::entry>>> fetch_all(std::shared_ptr<net::http_client> http,
                                                                       std::string url) {
  auto op = http->request(net::http_method::get, std::move(url));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_code(disc::errc::rejected);
  co_return disc::parse_entries(r->body);
}

}  // namespace

transport_fetcher make_tpd_fetcher(std::shared_ptr<net::http_client> http, std::string tpd_url) {
  std::string url = disc::sanitize_base_url(tpd_url) + "/all-transports";
  return [http = std::move(http), url = std::move(url)] { return fetch_all(http, url); };
}

net::http_options tpd_http_options() {
  net::http_options o;
  o.connect_timeout = std::chrono::seconds(3);
  o.request_timeout = std::chrono::seconds(5);
  o.max_body = 24 * 1024 * 1024;  // disc::max_tpd_entries entries of ~230 bytes
  return o;
}

cached_source::cached_source(asio::any_io_executor ex, transport_fetcher fetch, const base::clock& clock,
                             base::logger log, cache_options options)
    : ex_(std::move(ex)), fetch_(std::move(fetch)), clock_(clock), log_(std::move(log)), opt_(options) {}

result<std::shared_ptr<const graph>> cached_source::answer() const {
  if (graph_ && (!last_error_ || clock_.steady_now() - built_at_ <= opt_.max_stale)) return graph_;
  if (last_error_) return last_error_;
  return errc::source_unavailable;
}

asio::awaitable<result<std::shared_ptr<const graph>>> cached_source::current() {
  // Each round either answers, refreshes, or waits for another request's refresh to end; a
  // wait ends with that refresh, so two rounds suffice unless refreshers keep being cancelled.
  for (int round = 0; round < 4; ++round) {
    const bool due = !attempted_at_ || clock_.steady_now() - *attempted_at_ >= opt_.max_age;
    if (!due) co_return answer();
    if (!in_flight_) {
      auto op = refresh();
      co_await std::move(op);
      co_return answer();
    }
    auto signal = in_flight_;
    boost::system::error_code ec;  // operation_aborted: the refresh ended (or we were cancelled)
    co_await signal->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return answer();
}

asio::awaitable<void> cached_source::refresh() {
  in_flight_ = std::make_shared<asio::steady_timer>(ex_, asio::steady_timer::time_point::max());
  // Wakes the waiters however this coroutine ends (completion, error or destruction).
  struct wake {
    cached_source& s;
    ~wake() {
      s.in_flight_->cancel();
      s.in_flight_.reset();
    }
  } waker{*this};

  auto op = fetch_();
  auto entries = co_await std::move(op);
  attempted_at_ = clock_.steady_now();
  ++refreshes_;
  if (!entries) {
    last_error_ = entries.error();
    log_->warn("cannot fetch transports: {}{}", last_error_.message(),
               graph_ ? " (serving the previous graph while it is fresh enough)" : "");
    co_return;
  }
  auto built = graph::build(*entries, opt_.max_transports);
  if (!built) {
    last_error_ = built.error();
    log_->warn("cannot build the graph from {} transports: {}", entries->size(), last_error_.message());
    co_return;
  }
  graph_ = std::make_shared<const graph>(std::move(*built));
  built_at_ = *attempted_at_;
  last_error_ = {};
  log_->debug("graph refreshed: {} visors, {} links from {} transports", graph_->vertices(), graph_->links(),
              entries->size());
}

}  // namespace skywire::svc::route_finder
