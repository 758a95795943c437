#include "store.hpp"

#include <map>

namespace skywire::svc::address_resolver {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.svc.address_resolver"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::store_full: return "address resolver store is full";
    }
    return "unknown address resolver error";
  }
};
#pragma GCC diagnostic pop

class memory_store final : public store {
 public:
  explicit memory_store(std::size_t max_per_type) : max_(max_per_type) {}

  boost::asio::awaitable<result<void>> bind(std::string type, crypto::public_key pk, visor_data d) override {
    co_return bind_now(type, pk, std::move(d));
  }

  boost::asio::awaitable<result<void>> del_bind(std::string type, crypto::public_key pk) override {
    if (auto it = data_.find(type); it != data_.end()) it->second.erase(pk);
    co_return result<void>{};
  }

  boost::asio::awaitable<result<std::optional<visor_data>>> resolve(std::string type,
                                                                     crypto::public_key pk) override {
    std::optional<visor_data> out;
    if (auto it = data_.find(type); it != data_.end()) {
      if (auto e = it->second.find(pk); e != it->second.end()) out = e->second;
    }
    co_return out;
  }

  boost::asio::awaitable<result<std::vector<crypto::public_key>>> all(std::string type) override {
    std::vector<crypto::public_key> out;
    if (auto it = data_.find(type); it != data_.end()) {
      out.reserve(it->second.size());
      for (const auto& [pk, d] : it->second) out.push_back(pk);
    }
    co_return out;
  }

 private:
  result<void> bind_now(const std::string& type, const crypto::public_key& pk, visor_data d) {
    auto& m = data_[type];
    auto it = m.find(pk);
    if (it != m.end()) {
      it->second = std::move(d);
      return {};
    }
    if (m.size() >= max_) return errc::store_full;
    m.emplace(pk, std::move(d));
    return {};
  }

  std::size_t max_;
  std::map<std::string, std::map<crypto::public_key, visor_data>> data_;
};

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

std::unique_ptr<store> make_memory_store(std::size_t max_per_type) {
  return std::make_unique<memory_store>(max_per_type);
}

}  // namespace skywire::svc::address_resolver
