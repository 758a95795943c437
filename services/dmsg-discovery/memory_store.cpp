// The in-memory store: a map from pk to record. Sampling shuffles only when there are more
// servers than the limit.
#include <algorithm>
#include <map>
#include <random>

#include "store.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

bool alive(const record& r, std::int64_t now) { return r.expires_at_ns == 0 || r.expires_at_ns > now; }

class memory_store final : public store {
 public:
  store_op<void> put(record r, std::int64_t) override {
    records_[r.pk] = std::move(r);
    co_return result<void>{};
  }
  store_op<std::optional<std::string>> get(std::string pk, std::int64_t now) override {
    auto it = records_.find(pk);
    if (it == records_.end() || !alive(it->second, now)) co_return std::optional<std::string>{};
    co_return std::optional<std::string>(it->second.json);
  }
  store_op<void> remove(std::string pk) override {
    records_.erase(pk);
    co_return result<void>{};
  }
  store_op<std::vector<std::string>> client_pks(std::int64_t now) override {
    std::vector<std::string> out;
    for (const auto& [pk, r] : records_)
      if (r.client && alive(r, now)) out.push_back(pk);
    co_return out;
  }
  store_op<std::vector<std::string>> visor_pks(std::int64_t now) override {
    std::vector<std::string> out;
    for (const auto& [pk, r] : records_)
      if (r.visor && alive(r, now)) out.push_back(pk);
    co_return out;
  }
  store_op<std::vector<std::string>> server_entries(std::int64_t now, std::size_t limit) override {
    std::vector<const record*> all;
    for (const auto& [pk, r] : records_)
      if (r.server && alive(r, now)) all.push_back(&r);
    if (all.size() > limit) {
      std::shuffle(all.begin(), all.end(), rng_);
      all.resize(limit);
    }
    std::vector<std::string> out;
    out.reserve(all.size());
    for (const auto* r : all) out.push_back(r->json);
    co_return out;
  }
  store_op<std::size_t> drop_expired(std::int64_t now) override {
    co_return std::erase_if(records_, [now](const auto& kv) { return !alive(kv.second, now); });
  }

 private:
  std::map<std::string, record, std::less<>> records_;
  std::minstd_rand rng_{std::random_device{}()};  // sampling only, not security relevant
};

}  // namespace

std::unique_ptr<store> make_memory_store() { return std::make_unique<memory_store>(); }

}  // namespace skywire::svc::dmsg_discovery
