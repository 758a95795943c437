// The SQLite nonce store (persistent_nonce_stores.hpp): one row per key that authenticated.
#include <limits>

#include "common/sqlite_db.hpp"
#include "persistent_nonce_stores.hpp"

namespace skywire::svc::httpauth {
namespace {

using common::sqlite_error;

constexpr const char* schema =
    "CREATE TABLE IF NOT EXISTS httpauth_nonces (pk TEXT PRIMARY KEY, nonce INTEGER NOT NULL);";

class sqlite_nonce_store final : public nonce_store {
 public:
  explicit sqlite_nonce_store(std::size_t max_entries) : max_(max_entries) {}

  result<void> open(const std::string& path) {
    if (auto r = db_.open(path, schema); !r) return r.error();
    const std::pair<common::sqlite_stmt*, const char*> statements[] = {
        {&get_, "SELECT nonce FROM httpauth_nonces WHERE pk = ?1"},
        {&incr_, "INSERT INTO httpauth_nonces (pk, nonce) VALUES (?1, 1) "
                 "ON CONFLICT (pk) DO UPDATE SET nonce = nonce + 1 RETURNING nonce"},
        {&count_, "SELECT COUNT(*) FROM httpauth_nonces"}};
    for (const auto& [stmt, sql] : statements) {
      if (int rc = stmt->prepare(db_.get(), sql); rc != SQLITE_OK) return sqlite_error(rc);
    }
    auto n = count_now();
    if (!n) return n.error();
    count_cache_ = *n;
    return {};
  }

  boost::asio::awaitable<result<std::uint64_t>> nonce(crypto::public_key pk) override {
    auto n = lookup(pk.to_hex());
    if (!n) co_return n.error();
    if (*n) co_return **n;
    if (count_cache_ >= max_) co_return errc::nonce_store_full;
    co_return std::uint64_t{0};
  }

  boost::asio::awaitable<result<std::uint64_t>> increment(crypto::public_key pk) override {
    const auto key = pk.to_hex();
    auto held = lookup(key);
    if (!held) co_return held.error();
    if (!*held && count_cache_ >= max_) co_return errc::nonce_store_full;
    common::sqlite_reset_guard g{incr_.get()};
    common::bind_text(incr_.get(), 1, key);
    if (int rc = sqlite3_step(incr_.get()); rc != SQLITE_ROW) co_return sqlite_error(rc);
    const auto v = sqlite3_column_int64(incr_.get(), 0);
    if (!*held) ++count_cache_;
    if (v <= 0) co_return errc::malformed_nonce;
    co_return static_cast<std::uint64_t>(v);
  }

  boost::asio::awaitable<result<std::size_t>> count() override { co_return count_now(); }

 private:
  // The counter of key, nullopt when it has none.
  result<std::optional<std::uint64_t>> lookup(const std::string& key) {
    common::sqlite_reset_guard g{get_.get()};
    common::bind_text(get_.get(), 1, key);
    const int rc = sqlite3_step(get_.get());
    if (rc == SQLITE_DONE) return std::optional<std::uint64_t>{};
    if (rc != SQLITE_ROW) return sqlite_error(rc);
    if (sqlite3_column_type(get_.get(), 0) != SQLITE_INTEGER) return errc::malformed_nonce;
    const auto v = sqlite3_column_int64(get_.get(), 0);
    if (v < 0) return errc::malformed_nonce;
    return std::optional<std::uint64_t>(static_cast<std::uint64_t>(v));
  }

  result<std::size_t> count_now() {
    common::sqlite_reset_guard g{count_.get()};
    if (int rc = sqlite3_step(count_.get()); rc != SQLITE_ROW) return sqlite_error(rc);
    return static_cast<std::size_t>(sqlite3_column_int64(count_.get(), 0));
  }

  std::size_t max_;
  std::size_t count_cache_ = 0;
  common::sqlite_db db_;  // before the statements: they are finalized first
  common::sqlite_stmt get_;
  common::sqlite_stmt incr_;
  common::sqlite_stmt count_;
};

}  // namespace

result<std::unique_ptr<nonce_store>> open_sqlite_nonce_store(const std::string& path, std::size_t max_entries) {
  auto s = std::make_unique<sqlite_nonce_store>(max_entries);
  if (auto r = s->open(path); !r) return r.error();
  return std::unique_ptr<nonce_store>(std::move(s));
}

}  // namespace skywire::svc::httpauth
