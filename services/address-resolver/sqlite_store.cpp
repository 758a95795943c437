// The SQLite store: one table, prepared statements, WAL journal (the dmsg discovery's approach).
#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <map>
#include <string>
#include <utility>

#include "visor_data_json.hpp"
#include "common/sqlite_db.hpp"

namespace skywire::svc::address_resolver {
namespace {

using common::bind_text;
using common::sqlite_error;
using stmt = common::sqlite_stmt;
using reset_guard = common::sqlite_reset_guard;
using common::column_text;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS bindings (
  type TEXT NOT NULL,
  pk TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (type, pk)
) WITHOUT ROWID;
)sql";

class sqlite_store final : public store {
 public:
  explicit sqlite_store(std::size_t max_per_type) : max_(max_per_type) {}

  result<void> open(const std::string& path) {
    if (auto r = db_.open(path, schema); !r) return r.error();
    int rc = SQLITE_OK;
    const std::pair<stmt*, const char*> statements[] = {
        {&update_, "UPDATE bindings SET data=?3 WHERE type=?1 AND pk=?2"},
        {&insert_, "INSERT INTO bindings(type,pk,data) VALUES(?1,?2,?3)"},
        {&delete_, "DELETE FROM bindings WHERE type=?1 AND pk=?2"},
        {&get_, "SELECT data FROM bindings WHERE type=?1 AND pk=?2"},
        {&all_, "SELECT pk FROM bindings WHERE type=?1 ORDER BY pk"},
        {&count_, "SELECT count(*) FROM bindings WHERE type=?1"},
    };
    for (const auto& [st, sql] : statements) {
      rc = st->prepare(db_.get(), sql);
      if (rc != SQLITE_OK) return sqlite_error(rc);
    }
    return {};
  }

  boost::asio::awaitable<result<void>> bind(std::string type, crypto::public_key pk, visor_data d) override {
    co_return bind_now(type, pk.to_hex(), stored_visor_data_json(d));
  }

  boost::asio::awaitable<result<void>> del_bind(std::string type, crypto::public_key pk) override {
    co_return del_now(type, pk.to_hex());
  }

  boost::asio::awaitable<result<std::optional<visor_data>>> resolve(std::string type,
                                                                     crypto::public_key pk) override {
    co_return resolve_now(type, pk.to_hex());
  }

  boost::asio::awaitable<result<std::vector<crypto::public_key>>> all(std::string type) override {
    co_return all_now(type);
  }

 private:
  result<void> bind_now(const std::string& type, const std::string& pk, const std::string& data) {
    {
      auto* s = update_.get();
      reset_guard g{s};
      bind_text(s, 1, type);
      bind_text(s, 2, pk);
      bind_text(s, 3, data);
      if (const int rc = sqlite3_step(s); rc != SQLITE_DONE) return sqlite_error(rc);
      if (sqlite3_changes(db_.get()) > 0) return {};  // rebinding a bound key
    }
    auto n = count(type);
    if (!n) return n.error();
    if (*n >= max_) return errc::store_full;
    auto* s = insert_.get();
    reset_guard g{s};
    bind_text(s, 1, type);
    bind_text(s, 2, pk);
    bind_text(s, 3, data);
    if (const int rc = sqlite3_step(s); rc != SQLITE_DONE) return sqlite_error(rc);
    ++counts_[type];
    return {};
  }

  result<void> del_now(const std::string& type, const std::string& pk) {
    auto* s = delete_.get();
    reset_guard g{s};
    bind_text(s, 1, type);
    bind_text(s, 2, pk);
    if (const int rc = sqlite3_step(s); rc != SQLITE_DONE) return sqlite_error(rc);
    if (sqlite3_changes(db_.get()) > 0) {
      if (auto it = counts_.find(type); it != counts_.end() && it->second > 0) --it->second;
    }
    return {};
  }

  result<std::optional<visor_data>> resolve_now(const std::string& type, const std::string& pk) {
    auto* s = get_.get();
    reset_guard g{s};
    bind_text(s, 1, type);
    bind_text(s, 2, pk);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return std::optional<visor_data>{};
    if (rc != SQLITE_ROW) return sqlite_error(rc);
    auto d = parse_stored_visor_data(column_text(s, 0));
    if (!d) return d.error();
    return std::optional<visor_data>(std::move(*d));
  }

  result<std::vector<crypto::public_key>> all_now(const std::string& type) {
    auto* s = all_.get();
    reset_guard g{s};
    bind_text(s, 1, type);
    std::vector<crypto::public_key> out;
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(rc);
      // A row that is not a key (an edited file) is skipped, like a malformed Redis key.
      if (auto pk = crypto::public_key::from_text(column_text(s, 0)); pk && !pk->is_null()) out.push_back(*pk);
    }
    return out;
  }

  // Keys bound under `type`: counted in the file once, then kept up to date here.
  result<std::size_t> count(const std::string& type) {
    if (auto it = counts_.find(type); it != counts_.end()) return it->second;
    auto* s = count_.get();
    reset_guard g{s};
    bind_text(s, 1, type);
    if (const int rc = sqlite3_step(s); rc != SQLITE_ROW) return sqlite_error(rc);
    const auto n = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
    counts_.emplace(type, n);
    return n;
  }

  std::size_t max_;
  common::sqlite_db db_;  // first: the statements below are finalized before it closes
  stmt update_, insert_, delete_, get_, all_, count_;
  std::map<std::string, std::size_t> counts_;
};

}  // namespace

result<std::unique_ptr<store>> open_sqlite_store(const std::string& path, std::size_t max_per_type) {
  auto s = std::make_unique<sqlite_store>(max_per_type);
  if (auto r = s->open(path); !r) return r.error();
  return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::address_resolver
