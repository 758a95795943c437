#include "nonce_store.hpp"

#include <map>
#include <string>

namespace skywire::svc::httpauth {
namespace {

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "skywire.svc.httpauth"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::nonce_store_full: return "nonce store is full";
      case errc::malformed_nonce: return "stored nonce is not a decimal counter";
    }
    return "unknown httpauth error";
  }
};
#pragma GCC diagnostic pop

class memory_nonce_store final : public nonce_store {
 public:
  explicit memory_nonce_store(std::size_t max_entries) : max_(max_entries) {}

  boost::asio::awaitable<result<std::uint64_t>> nonce(crypto::public_key pk) override {
    co_return nonce_now(pk);
  }

  boost::asio::awaitable<result<std::uint64_t>> increment(crypto::public_key pk) override {
    co_return increment_now(pk);
  }

  boost::asio::awaitable<result<std::size_t>> count() override { co_return nonces_.size(); }

 private:
  result<std::uint64_t> nonce_now(const crypto::public_key& pk) const {
    const auto it = nonces_.find(pk);
    if (it != nonces_.end()) return it->second;
    if (nonces_.size() >= max_) return errc::nonce_store_full;
    return std::uint64_t{0};
  }

  result<std::uint64_t> increment_now(const crypto::public_key& pk) {
    auto it = nonces_.find(pk);
    if (it == nonces_.end()) {
      if (nonces_.size() >= max_) return errc::nonce_store_full;
      it = nonces_.emplace(pk, 0).first;
    }
    return ++it->second;
  }

  std::size_t max_;
  std::map<crypto::public_key, std::uint64_t> nonces_;
};

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

std::unique_ptr<nonce_store> make_memory_nonce_store(std::size_t max_entries) {
  return std::make_unique<memory_nonce_store>(max_entries);
}

}  // namespace skywire::svc::httpauth
