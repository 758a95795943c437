// The Redis store: one command per call, except all(), which pages through SCAN.
#include "redis_store.hpp"

#include <set>
#include <string>
#include <vector>

#include "visor_data_json.hpp"

namespace skywire::svc::address_resolver {
namespace {

using common::redis_errc;
using common::redis_type;

// SCAN MATCH treats * ? [ ] \ as glob syntax: a type is matched literally.
std::string glob_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

class redis_store final : public store {
 public:
  redis_store(boost::asio::any_io_executor ex, common::redis_url url, common::redis_options options,
              std::size_t max_per_type)
      : db_(std::move(ex), std::move(url), std::move(options)), max_(max_per_type) {}

  boost::asio::awaitable<result<void>> ping() {
    auto op = db_.ping();
    co_return co_await std::move(op);
  }

  boost::asio::awaitable<result<void>> bind(std::string type, crypto::public_key pk, visor_data d) override {
    auto op = db_.command({"SET", redis_binding_key(type, pk), stored_visor_data_json(d)});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (!r->is_ok()) co_return r->is_error() ? redis_errc::server_error : redis_errc::unexpected_reply;
    co_return result<void>{};
  }

  boost::asio::awaitable<result<void>> del_bind(std::string type, crypto::public_key pk) override {
    auto op = db_.command({"DEL", redis_binding_key(type, pk)});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->is_error()) co_return redis_errc::server_error;
    if (r->type != redis_type::integer) co_return redis_errc::unexpected_reply;
    co_return result<void>{};
  }

  boost::asio::awaitable<result<std::optional<visor_data>>> resolve(std::string type,
                                                                     crypto::public_key pk) override {
    auto op = db_.command({"GET", redis_binding_key(type, pk)});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->is_nil()) co_return std::optional<visor_data>{};
    if (r->is_error()) co_return redis_errc::server_error;
    if (r->type != redis_type::string) co_return redis_errc::unexpected_reply;
    auto d = parse_stored_visor_data(r->str);
    if (!d) co_return d.error();
    co_return std::optional<visor_data>(std::move(*d));
  }

  boost::asio::awaitable<result<std::vector<crypto::public_key>>> all(std::string type) override {
    const std::string prefix = std::string(redis_key_prefix) + ":" + type + ":";
    const std::string pattern = glob_escape(prefix) + "*";
    std::set<crypto::public_key> found;
    std::string cursor = "0";
    do {
      auto op = db_.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      auto r = co_await std::move(op);
      if (!r) co_return r.error();
      if (r->is_error()) co_return redis_errc::server_error;
      if (r->type != redis_type::array || r->elements.size() != 2 || r->elements[0].type != redis_type::string ||
          r->elements[1].type != redis_type::array)
        co_return redis_errc::unexpected_reply;
      cursor = r->elements[0].str;
      for (const auto& k : r->elements[1].elements) {
        if (k.type != redis_type::string) co_return redis_errc::unexpected_reply;
        // Someone else's key that happens to match (or a malformed one) is not a binding.
        if (!std::string_view(k.str).starts_with(prefix)) continue;
        auto pk = crypto::public_key::from_text(std::string_view(k.str).substr(prefix.size()));
        if (!pk || pk->is_null()) continue;
        found.insert(*pk);
      }
      if (found.size() > max_) co_return redis_errc::reply_too_large;
    } while (cursor != "0");
    co_return std::vector<crypto::public_key>(found.begin(), found.end());
  }

 private:
  common::redis_client db_;
  std::size_t max_;
};

}  // namespace

std::string redis_binding_key(std::string_view type, const crypto::public_key& pk) {
  std::string key(redis_key_prefix);
  key += ':';
  key += type;
  key += ':';
  key += pk.to_hex();
  return key;
}

boost::asio::awaitable<result<std::unique_ptr<store>>> open_redis_store(boost::asio::any_io_executor ex,
                                                                        common::redis_url url,
                                                                        common::redis_options options,
                                                                        std::size_t max_per_type) {
  auto s = std::make_unique<redis_store>(std::move(ex), std::move(url), std::move(options), max_per_type);
  auto op = s->ping();
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::address_resolver
