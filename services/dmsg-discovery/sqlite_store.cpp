// The SQLite store: one table, prepared statements, WAL journal. Every write is its own
// (auto-committed) transaction, so an acknowledged POST survives a crash or restart.
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "store.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class sqlite_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "sqlite"; }
  std::string message(int ev) const override { return sqlite3_errstr(ev); }
};
#pragma GCC diagnostic pop

error_code sqlite_error(int rc) { return {rc, sqlite_category()}; }

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

// A prepared statement, reset after each use.
class stmt {
 public:
  stmt() = default;
  stmt(const stmt&) = delete;
  stmt& operator=(const stmt&) = delete;
  ~stmt() { sqlite3_finalize(s_); }
  int prepare(sqlite3* db, const char* sql) { return sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

struct reset_guard {
  sqlite3_stmt* s;
  ~reset_guard() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  const int n = sqlite3_column_bytes(s, i);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string{};
}

class sqlite_store final : public store {
 public:
  // close_v2 defers the actual close until the member statements are finalized right after.
  ~sqlite_store() override { sqlite3_close_v2(db_); }

  result<void> open(const std::string& path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(rc);
    sqlite3_busy_timeout(db_, 2000);
    rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(rc);
    rc = sqlite3_exec(db_, schema, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(rc);
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
      rc = st->prepare(db_, sql);
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
    return static_cast<std::size_t>(sqlite3_changes(db_));
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

  stmt put_, get_, del_, clients_, visors_, servers_, expire_;
  sqlite3* db_ = nullptr;
};

}  // namespace

const boost::system::error_category& sqlite_category() noexcept {
  static const sqlite_category_impl instance;
  return instance;
}

result<std::unique_ptr<store>> open_sqlite_store(const std::string& path) {
  auto s = std::make_unique<sqlite_store>();
  if (auto r = s->open(path); !r) return r.error();
  return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::dmsg_discovery
