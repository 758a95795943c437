#include "store.hpp"

#include <map>
#include <set>

namespace skywire::svc::transport_discovery {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.svc.transport_discovery"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::store_full: return "transport discovery store is full";
      case errc::duplicate_id: return duplicate_id_text;
      case errc::bad_record: return "stored transport record is not a valid entry";
    }
    return "unknown transport discovery error";
  }
};
#pragma GCC diagnostic pop

class memory_store final : public store {
 public:
  explicit memory_store(std::size_t max_entries) : max_(max_entries) {}

  boost::asio::awaitable<result<void>> register_transport(entry e) override {
    co_return register_now(std::move(e));
  }

  boost::asio::awaitable<result<bool>> deregister_transport(transport_id id) override {
    co_return remove(id);
  }

  boost::asio::awaitable<result<std::optional<entry>>> get_by_id(transport_id id) override {
    std::optional<entry> out;
    if (auto it = by_id_.find(id); it != by_id_.end()) out = it->second;
    co_return out;
  }

  boost::asio::awaitable<result<std::vector<entry>>> get_by_edge(crypto::public_key pk) override {
    std::vector<entry> out;
    if (auto it = by_edge_.find(pk); it != by_edge_.end()) {
      out.reserve(it->second.size());
      for (const auto& id : it->second) out.push_back(by_id_.at(id));
    }
    co_return out;
  }

  boost::asio::awaitable<result<std::vector<entry>>> all() override {
    std::vector<entry> out;
    out.reserve(by_id_.size());
    for (const auto& [id, e] : by_id_) out.push_back(e);
    co_return out;
  }

 private:
  result<void> register_now(entry e) {
    if (!by_id_.contains(e.id) && by_id_.size() >= max_) return errc::store_full;
    remove(e.id);  // an overwrite may change the edges: drop the old index entries first
    for (const auto& pk : e.edges) by_edge_[pk].insert(e.id);
    const auto id = e.id;
    by_id_.insert_or_assign(id, std::move(e));
    return {};
  }

  bool remove(const transport_id& id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    for (const auto& pk : it->second.edges) {
      if (auto ix = by_edge_.find(pk); ix != by_edge_.end()) {
        ix->second.erase(id);
        if (ix->second.empty()) by_edge_.erase(ix);
      }
    }
    by_id_.erase(it);
    return true;
  }

  std::size_t max_;
  std::map<transport_id, entry> by_id_;
  std::map<crypto::public_key, std::set<transport_id>> by_edge_;
};

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

std::unique_ptr<store> make_memory_store(std::size_t max_entries) {
  return std::make_unique<memory_store>(max_entries);
}

}  // namespace skywire::svc::transport_discovery
