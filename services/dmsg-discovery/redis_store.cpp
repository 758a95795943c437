// The Redis store: every operation is one or a few pipelined round trips on the shared client.
#include "redis_store.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace skywire::svc::dmsg_discovery {
namespace {

using common::redis_errc;
using common::redis_reply;
using common::redis_type;
using command = std::vector<std::string>;

constexpr const char* servers_set = "servers";
constexpr const char* clients_set = "clients";
constexpr const char* visors_set = "visorClients";
constexpr std::size_t batch = 256;  // commands (or MGET keys) per round trip
// KEYS[1] = pk, KEYS[2] = set: SREM the pk unless its entry key exists (again).
constexpr const char* srem_if_absent =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SREM', KEYS[2], KEYS[1]) end return 0";

result<void> all_ok(const std::vector<redis_reply>& replies) {
  for (const auto& r : replies)
    if (r.is_error()) return redis_errc::server_error;
  return {};
}

class redis_store final : public store {
 public:
  redis_store(boost::asio::any_io_executor ex, common::redis_url url, common::redis_options options)
      : db_(std::move(ex), std::move(url), std::move(options)) {}

  store_op<void> ping() {
    auto op = db_.ping();
    co_return co_await std::move(op);
  }

  store_op<void> put(record r, std::int64_t now) override {
    if (r.expires_at_ns != 0 && r.expires_at_ns <= now) {
      // Already expired: not stored, and an older version must not stay visible.
      auto op = remove(r.pk);
      co_return co_await std::move(op);
    }
    command set{"SET", r.pk, r.json};
    if (r.expires_at_ns != 0) {
      const std::int64_t ms = std::max<std::int64_t>(1, (r.expires_at_ns - now + 999'999) / 1'000'000);
      set.push_back("PX");
      set.push_back(std::to_string(ms));
    }
    std::vector<command> cmds;
    cmds.push_back(std::move(set));
    cmds.push_back({r.server ? "SADD" : "SREM", servers_set, r.pk});
    cmds.push_back({r.client ? "SADD" : "SREM", clients_set, r.pk});
    cmds.push_back({r.visor ? "SADD" : "SREM", visors_set, r.pk});
    auto op = db_.pipeline(std::move(cmds));
    auto replies = co_await std::move(op);
    if (!replies) co_return replies.error();
    co_return all_ok(*replies);
  }

  store_op<std::optional<std::string>> get(std::string pk, std::int64_t) override {
    auto op = db_.command({"GET", pk});
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->is_nil()) co_return std::optional<std::string>{};
    if (r->is_error()) co_return redis_errc::server_error;
    if (r->type != redis_type::string) co_return redis_errc::unexpected_reply;
    co_return std::optional<std::string>(std::move(r->str));
  }

  store_op<void> remove(std::string pk) override {
    std::vector<command> cmds{{"DEL", pk}, {"SREM", servers_set, pk}, {"SREM", clients_set, pk}, {"SREM", visors_set, pk}};
    auto op = db_.pipeline(std::move(cmds));
    auto replies = co_await std::move(op);
    if (!replies) co_return replies.error();
    co_return all_ok(*replies);
  }

  store_op<std::vector<std::string>> client_pks(std::int64_t) override {
    auto op = live_members(clients_set);
    co_return co_await std::move(op);
  }

  store_op<std::vector<std::string>> visor_pks(std::int64_t) override {
    auto op = live_members(visors_set);
    co_return co_await std::move(op);
  }

  store_op<std::vector<std::string>> server_entries(std::int64_t, std::size_t limit) override {
    auto mop = members(servers_set);
    auto pks = co_await std::move(mop);
    if (!pks) co_return pks.error();
    const std::vector<std::string> keys(pks->begin(), pks->end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < keys.size(); i += batch) {
      command mget{"MGET"};
      mget.insert(mget.end(), keys.begin() + static_cast<std::ptrdiff_t>(i),
                  keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), i + batch)));
      auto op = db_.command(std::move(mget));
      auto r = co_await std::move(op);
      if (!r) co_return r.error();
      if (r->is_error()) co_return redis_errc::server_error;
      if (r->type != redis_type::array) co_return redis_errc::unexpected_reply;
      for (auto& v : r->elements)
        if (v.type == redis_type::string) out.push_back(std::move(v.str));  // nil: expired key
    }
    if (out.size() > limit) {
      std::shuffle(out.begin(), out.end(), rng_);
      out.resize(limit);
    }
    co_return out;
  }

  store_op<std::size_t> drop_expired(std::int64_t) override {
    std::set<std::string> dropped;
    for (const char* set_name : {servers_set, clients_set, visors_set}) {
      auto mop = members(set_name);
      auto pks = co_await std::move(mop);
      if (!pks) co_return pks.error();
      auto lop = exists(std::vector<std::string>(pks->begin(), pks->end()));
      auto alive = co_await std::move(lop);
      if (!alive) co_return alive.error();
      // Remove only if the key is still absent, atomically (a put may have revived it since).
      std::vector<command> cmds;
      std::vector<std::string> candidates;
      std::size_t i = 0;
      for (const auto& pk : *pks) {
        if (!(*alive)[i++]) {
          cmds.push_back({"EVAL", srem_if_absent, "2", pk, set_name});
          candidates.push_back(pk);
        }
      }
      if (cmds.empty()) continue;
      auto op = db_.pipeline(std::move(cmds));
      auto replies = co_await std::move(op);
      if (!replies) co_return replies.error();
      for (std::size_t j = 0; j < replies->size(); ++j) {
        if ((*replies)[j].is_error()) co_return redis_errc::server_error;
        if ((*replies)[j].integer > 0) dropped.insert(candidates[j]);
      }
    }
    co_return dropped.size();
  }

 private:
  // Every member of a set, sorted, via SSCAN.
  store_op<std::set<std::string>> members(std::string set_name) {
    std::set<std::string> out;
    std::string cursor = "0";
    do {
      auto op = db_.command({"SSCAN", set_name, cursor, "COUNT", "512"});
      auto r = co_await std::move(op);
      if (!r) co_return r.error();
      if (r->is_error()) co_return redis_errc::server_error;
      if (r->type != redis_type::array || r->elements.size() != 2 || r->elements[0].type != redis_type::string ||
          r->elements[1].type != redis_type::array)
        co_return redis_errc::unexpected_reply;
      cursor = r->elements[0].str;
      for (auto& m : r->elements[1].elements) {
        if (m.type != redis_type::string) co_return redis_errc::unexpected_reply;
        out.insert(std::move(m.str));
      }
      if (out.size() > max_set_members) co_return redis_errc::reply_too_large;
    } while (cursor != "0");
    co_return out;
  }

  // For each key, whether it exists (pipelined EXISTS, `batch` per round trip).
  store_op<std::vector<bool>> exists(std::vector<std::string> keys) {
    std::vector<bool> out;
    out.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); i += batch) {
      std::vector<command> cmds;
      for (std::size_t j = i; j < std::min(keys.size(), i + batch); ++j) cmds.push_back({"EXISTS", keys[j]});
      auto op = db_.pipeline(std::move(cmds));
      auto replies = co_await std::move(op);
      if (!replies) co_return replies.error();
      for (const auto& r : *replies) {
        if (r.is_error()) co_return redis_errc::server_error;
        if (r.type != redis_type::integer) co_return redis_errc::unexpected_reply;
        out.push_back(r.integer > 0);
      }
    }
    co_return out;
  }

  store_op<std::vector<std::string>> live_members(std::string set_name) {
    auto mop = members(std::move(set_name));
    auto pks = co_await std::move(mop);
    if (!pks) co_return pks.error();
    std::vector<std::string> all(pks->begin(), pks->end());
    auto lop = exists(all);
    auto alive = co_await std::move(lop);
    if (!alive) co_return alive.error();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < all.size(); ++i)
      if ((*alive)[i]) out.push_back(std::move(all[i]));
    co_return out;
  }

  common::redis_client db_;
  std::minstd_rand rng_{std::random_device{}()};  // sampling only, not security relevant
};

}  // namespace

boost::asio::awaitable<result<std::unique_ptr<store>>> open_redis_store(boost::asio::any_io_executor ex,
                                                                        common::redis_url url,
                                                                        common::redis_options options) {
  auto s = std::make_unique<redis_store>(std::move(ex), std::move(url), std::move(options));
  auto op = s->ping();
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::dmsg_discovery
