// The SQLite store: one table, prepared statements, WAL journal. Every write is its own
// (auto-committed) transaction, so an acknowledged POST survives a crash or restart.
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "store.hpp"
#include "common/sqlite_db.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

using common::bind_text;
using common::sqlite_error;
using stmt = common::sqlite_stmt;
using reset_guard = common::sqlite_reset_guard;
using common::column_text;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS entries (
  pk TEXT PRIMARY KEY NOT NULL,
  json TEXT NOT NULL,
  is_client INTEGER NOT NULL,
  is_server INTEGER NOT NULL,
  is_visor INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_server ON entries(is_server);
)sql";

class sqlite_store final : public store {
 public:
  result<void> open(const std::string& path) {
    if (auto r = db_.open(path, schema); !r) return r.error();
    int rc = SQLITE_OK;
    const std::pair<stmt*, const char*> statements[] = {
        {&put_, "INSERT OR REPLACE INTO entries(pk,json,is_client,is_server,is_visor,expires_at) "
                "VALUES(?1,?2,?3,?4,?5,?6)"},
        {&get_, "SELECT json FROM entries WHERE pk=?1 AND (expires_at=0 OR expires_at>?2)"},
        {&del_, "DELETE FROM entries WHERE pk=?1"},
        {&clients_, "SELECT pk FROM entries WHERE is_client=1 AND (expires_at=0 OR expires_at>?1) ORDER BY pk"},
        {&visors_, "SELECT pk FROM entries WHERE is_visor=1 AND (expires_at=0 OR expires_at>?1) ORDER BY pk"},
        {&servers_, "SELECT json FROM entries WHERE is_server=1 AND (expires_at=0 OR expires_at>?1) "
                    "ORDER BY random() LIMIT ?2"},
        {&expire_, "DELETE FROM entries WHERE expires_at<>0 AND expires_at<=?1"},
    };
    for (const auto& [st, sql] : statements) {
      rc = st->prepare(db_.get(), sql);
      if (rc != SQLITE_OK) return sqlite_error(rc);
    }
    return {};
  }

  result<void> put_now(const record& r) {
    auto* s = put_.get();
    reset_guard g{s};
    sqlite3_bind_text(s, 1, r.pk.data(), static_cast<int>(r.pk.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r.json.data(), static_cast<int>(r.json.size()), SQLITE_STATIC);
    sqlite3_bind_int(s, 3, r.client ? 1 : 0);
    sqlite3_bind_int(s, 4, r.server ? 1 : 0);
    sqlite3_bind_int(s, 5, r.visor ? 1 : 0);
    sqlite3_bind_int64(s, 6, r.expires_at_ns);
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return sqlite_error(rc);
    return {};
  }

  result<std::optional<std::string>> get_now(std::string_view pk, std::int64_t now) {
    auto* s = get_.get();
    reset_guard g{s};
    sqlite3_bind_text(s, 1, pk.data(), static_cast<int>(pk.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return std::optional<std::string>{};
    if (rc != SQLITE_ROW) return sqlite_error(rc);
    return std::optional<std::string>(column_text(s, 0));
  }

  result<void> remove_now(std::string_view pk) {
    auto* s = del_.get();
    reset_guard g{s};
    sqlite3_bind_text(s, 1, pk.data(), static_cast<int>(pk.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return sqlite_error(rc);
    return {};
  }

  // SQLite calls are short and local: they run inline, without suspending.
  store_op<void> put(record r, std::int64_t) override { co_return put_now(r); }
  store_op<std::optional<std::string>> get(std::string pk, std::int64_t now) override { co_return get_now(pk, now); }
  store_op<void> remove(std::string pk) override { co_return remove_now(pk); }
  store_op<std::vector<std::string>> client_pks(std::int64_t now) override { co_return column_list(clients_, now, -1); }
  store_op<std::vector<std::string>> visor_pks(std::int64_t now) override { co_return column_list(visors_, now, -1); }
  store_op<std::vector<std::string>> server_entries(std::int64_t now, std::size_t limit) override {
    const auto l = static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
    co_return column_list(servers_, now, l);
  }
  store_op<std::size_t> drop_expired(std::int64_t now) override { co_return drop_expired_now(now); }

  result<std::size_t> drop_expired_now(std::int64_t now) {
    auto* s = expire_.get();
    reset_guard g{s};
    sqlite3_bind_int64(s, 1, now);
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) return sqlite_error(rc);
    return static_cast<std::size_t>(sqlite3_changes(db_.get()));
  }

 private:
  result<std::vector<std::string>> column_list(stmt& st, std::int64_t now, std::int64_t limit) {
    auto* s = st.get();
    reset_guard g{s};
    sqlite3_bind_int64(s, 1, now);
    if (limit >= 0) sqlite3_bind_int64(s, 2, limit);
    std::vector<std::string> out;
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(rc);
      out.push_back(column_text(s, 0));
    }
    return out;
  }

  common::sqlite_db db_;  // first: the statements below are finalized before it closes
  stmt put_, get_, del_, clients_, visors_, servers_, expire_;
};

}  // namespace

result<std::unique_ptr<store>> open_sqlite_store(const std::string& path) {
  auto s = std::make_unique<sqlite_store>();
  if (auto r = s->open(path); !r) return r.error();
  return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::dmsg_discovery
