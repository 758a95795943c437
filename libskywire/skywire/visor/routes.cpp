#include "skywire/visor/routes.hpp"

#include <chrono>
#include <utility>

#include "skywire/setup/client.hpp"
#include "skywire/setup/limits.hpp"

namespace skywire::visor {

namespace asio = boost::asio;

routing::path to_routing_path(const disc::rf_path& p) {
  routing::path out;
  out.reserve(p.size());
  for (const auto& h : p) out.push_back({h.tp_id, h.from, h.to});
  return out;
}

namespace {

class rf_path_finder final : public router::path_finder {
 public:
  explicit rf_path_finder(std::shared_ptr<disc::rf_client> rf) : rf_(std::move(rf)) {}

  asio::awaitable<result<std::pair<routing::path, routing::path>>> find(crypto::public_key src, crypto::public_key dst,
                                                                        std::uint16_t min_hops,
                                                                        std::uint16_t max_hops) override {
    const disc::rf_options opts{.min_hops = min_hops, .max_hops = max_hops};
    auto find = rf_->find_route_pair(src, dst, opts);  // named first: g++ 12 (DESIGN.md §4)
    auto pair = co_await std::move(find);
    if (!pair) co_return pair.error();
    co_return std::pair{to_routing_path(pair->forward), to_routing_path(pair->reverse)};
  }

 private:
  std::shared_ptr<disc::rf_client> rf_;
};

class dmsg_route_setup final : public router::route_setup {
 public:
  dmsg_route_setup(dmsg::client& dmsg, std::vector<crypto::public_key> nodes, base::logger log)
      : dmsg_(dmsg), nodes_(std::move(nodes)), log_(std::move(log)) {}

  asio::awaitable<result<routing::edge_rules>> dial_route_group(routing::bidirectional_route route) override {
    auto r = co_await setup::dial_route_group(dmsg_, nodes_, std::move(route), setup::request_timeout, log_);
    if (r) co_return std::move(*r);
    // The router passes error codes on; the setup node's own words go to the log, where the
    // visor's operator looks for them.
    if (log_) log_->warn("{}", r.error().message);
    co_return r.error().code;
  }

 private:
  dmsg::client& dmsg_;
  std::vector<crypto::public_key> nodes_;
  base::logger log_;
};

}  // namespace

std::shared_ptr<router::path_finder> make_rf_path_finder(std::shared_ptr<disc::rf_client> rf) {
  return std::make_shared<rf_path_finder>(std::move(rf));
}

std::shared_ptr<router::route_setup> make_dmsg_route_setup(dmsg::client& dmsg, std::vector<crypto::public_key> nodes,
                                                           base::logger log) {
  return std::make_shared<dmsg_route_setup>(dmsg, std::move(nodes), std::move(log));
}

}  // namespace skywire::visor
