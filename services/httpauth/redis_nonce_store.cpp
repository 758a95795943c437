// The Redis nonce store (persistent_nonce_stores.hpp), in Go's key layout.
#include <charconv>

#include "common/redis_errc.hpp"
#include "common/redis_reply.hpp"
#include "persistent_nonce_stores.hpp"

namespace skywire::svc::httpauth {
namespace {

using common::redis_errc;
using common::redis_type;

class redis_nonce_store final : public nonce_store {
 public:
  redis_nonce_store(boost::asio::any_io_executor ex, common::redis_url url, common::redis_options options,
                    std::string prefix, std::size_t max_entries)
      : db_(std::move(ex), std::move(url), options),
        set_(prefix.empty() ? "nonces" : prefix + ":nonces"),
        max_(max_entries) {}

  boost::asio::awaitable<result<void>> open() {
    auto op = db_.ping();
    co_return co_await std::move(op);
  }

  boost::asio::awaitable<result<std::uint64_t>> nonce(crypto::public_key pk) override {
    auto op = db_.command({"GET", key(pk)});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->is_error()) co_return redis_errc::server_error;
    if (r->is_nil()) {
      auto counting = count();
      auto n = co_await std::move(counting);
      if (!n) co_return n.error();
      if (*n >= max_) co_return errc::nonce_store_full;
      co_return std::uint64_t{0};
    }
    if (r->type != redis_type::string) co_return redis_errc::unexpected_reply;
    std::uint64_t v = 0;
    const auto& s = r->str;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) co_return errc::malformed_nonce;
    co_return v;
  }

  boost::asio::awaitable<result<std::uint64_t>> increment(crypto::public_key pk) override {
    auto op = db_.pipeline({{"INCR", key(pk)}, {"SADD", set_, pk.to_hex()}});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->size() != 2) co_return redis_errc::unexpected_reply;
    const auto& incr = (*r)[0];
    if (incr.is_error()) {
      // INCR on a value that is no counter: "ERR value is not an integer or out of range".
      if (incr.str.find("not an integer") != std::string::npos) co_return errc::malformed_nonce;
      co_return redis_errc::server_error;
    }
    if (incr.type != redis_type::integer || incr.integer <= 0) co_return redis_errc::unexpected_reply;
    co_return static_cast<std::uint64_t>(incr.integer);
  }

  boost::asio::awaitable<result<std::size_t>> count() override {
    auto op = db_.command({"SCARD", set_});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->type != redis_type::integer || r->integer < 0) co_return redis_errc::unexpected_reply;
    co_return static_cast<std::size_t>(r->integer);
  }

 private:
  std::string key(const crypto::public_key& pk) const { return set_ + ":" + pk.to_hex(); }

  common::redis_client db_;
  std::string set_;  // "<prefix>:nonces"; each key's counter is "<set_>:<pk>"
  std::size_t max_;
};

}  // namespace

boost::asio::awaitable<result<std::unique_ptr<nonce_store>>> open_redis_nonce_store(
    boost::asio::any_io_executor ex, common::redis_url url, common::redis_options options, std::string prefix,
    std::size_t max_entries) {
  auto s = std::make_unique<redis_nonce_store>(std::move(ex), std::move(url), options, std::move(prefix), max_entries);
  auto op = s->open();
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return std::unique_ptr<nonce_store>(std::move(s));
}

}  // namespace skywire::svc::httpauth
