#include "skywire/visor/tpd_registry.hpp"

#include "skywire/disc/errc.hpp"
#include "skywire/disc/tpd_client.hpp"

namespace skywire::visor {

namespace {

class tpd_registry final : public transport::registry {
 public:
  explicit tpd_registry(std::shared_ptr<disc::tpd_client> tpd) : tpd_(std::move(tpd)) {}

  boost::asio::awaitable<result<void>> register_entry(wire::transport::signed_entry e) override {
    std::vector<wire::transport::signed_entry> one;
    one.push_back(std::move(e));
    co_return co_await tpd_->register_transports(std::move(one));
  }

  boost::asio::awaitable<result<void>> delete_entry(wire::transport::uuid id) override {
    auto r = co_await tpd_->delete_transport(id);
    if (!r && r.error() == disc::errc::transport_not_found) co_return result<void>{};
    co_return r;
  }

 private:
  std::shared_ptr<disc::tpd_client> tpd_;
};

}  // namespace

std::shared_ptr<transport::registry> make_tpd_registry(std::shared_ptr<disc::tpd_client> tpd) {
  return std::make_shared<tpd_registry>(std::move(tpd));
}

}  // namespace skywire::visor
