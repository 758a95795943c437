// The SQLite store: one table, prepared statements, WAL journal (the dmsg discovery's approach).
#include "sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <utility>

#include "stored_entry.hpp"
#include "common/sqlite_db.hpp"

namespace skywire::svc::transport_discovery {
namespace {

using common::bind_text;
using common::sqlite_error;
using stmt = common::sqlite_stmt;
using reset_guard = common::sqlite_reset_guard;
using common::column_view;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS transports (
  id INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  transport_id TEXT NOT NULL UNIQUE,
  edge_a TEXT NOT NULL,
  edge_b TEXT NOT NULL,
  type TEXT NOT NULL,
  label TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transports_edge_a_idx ON transports (edge_a);
CREATE INDEX IF NOT EXISTS transports_edge_b_idx ON transports (edge_b);
)sql";

class sqlite_store final : public store {
 public:
  explicit sqlite_store(std::size_t max_entries) : max_(max_entries) {}

  result<void> open(const std::string& path) {
    if (auto r = db_.open(path, schema); !r) return r.error();
    int rc = SQLITE_OK;
    const std::pair<stmt*, const char*> statements[] = {
        {&insert_, "INSERT INTO transports(created_at,transport_id,edge_a,edge_b,type,label) "
                   "VALUES(?1,?2,?3,?4,?5,?6)"},
        {&delete_, "DELETE FROM transports WHERE transport_id=?1"},
        {&by_id_, "SELECT transport_id,edge_a,edge_b,type,label FROM transports WHERE transport_id=?1 "
                  "ORDER BY id LIMIT 1"},
        {&by_edge_, "SELECT transport_id,edge_a,edge_b,type,label FROM transports WHERE edge_a=?1 "
                    "UNION SELECT transport_id,edge_a,edge_b,type,label FROM transports WHERE edge_b=?1 "
                    "ORDER BY 1"},
        {&all_, "SELECT transport_id,edge_a,edge_b,type,label FROM transports ORDER BY transport_id"},
        {&count_, "SELECT count(*) FROM transports"},
    };
    for (const auto& [st, sql] : statements) {
      rc = st->prepare(db_.get(), sql);
      if (rc != SQLITE_OK) return sqlite_error(rc);
    }
    auto* s = count_.get();
    reset_guard g{s};
    if (rc = sqlite3_step(s); rc != SQLITE_ROW) return sqlite_error(rc);
    count_now_ = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
    return {};
  }

  boost::asio::awaitable<result<void>> register_transport(entry e) override { co_return register_now(e); }

  boost::asio::awaitable<result<bool>> deregister_transport(transport_id id) override {
    co_return deregister_now(id.to_string());
  }

  boost::asio::awaitable<result<std::optional<entry>>> get_by_id(transport_id id) override {
    auto r = rows(by_id_, id.to_string());
    if (!r) co_return r.error();
    if (r->empty()) co_return std::optional<entry>{};
    co_return std::optional<entry>(std::move(r->front()));
  }

  boost::asio::awaitable<result<std::vector<entry>>> get_by_edge(crypto::public_key pk) override {
    co_return rows(by_edge_, pk.to_hex());
  }

  boost::asio::awaitable<result<std::vector<entry>>> all() override { co_return rows(all_, std::nullopt); }

 private:
  result<void> register_now(const entry& e) {
    if (count_now_ >= max_) {
      // Full: only an existing ID could still be "registered" (and that is a duplicate).
      auto existing = rows(by_id_, e.id.to_string());
      if (!existing) return existing.error();
      return existing->empty() ? error_code(errc::store_full) : error_code(errc::duplicate_id);
    }
    auto* s = insert_.get();
    reset_guard g{s};
    sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(std::time(nullptr)));
    bind_text(s, 2, e.id.to_string());
    bind_text(s, 3, e.edges[0].to_hex());
    bind_text(s, 4, e.edges[1].to_hex());
    bind_text(s, 5, e.type);
    bind_text(s, 6, e.label);
    if (const int rc = sqlite3_step(s); rc != SQLITE_DONE) {
      if (sqlite3_extended_errcode(db_.get()) == SQLITE_CONSTRAINT_UNIQUE) return errc::duplicate_id;
      return sqlite_error(rc);
    }
    ++count_now_;
    return {};
  }

  result<bool> deregister_now(const std::string& id) {
    auto* s = delete_.get();
    reset_guard g{s};
    bind_text(s, 1, id);
    // result<bool> from an error_code is ambiguous (error_code converts to bool): say which.
    if (const int rc = sqlite3_step(s); rc != SQLITE_DONE) return {boost::system::in_place_error, sqlite_error(rc)};
    const auto n = static_cast<std::size_t>(sqlite3_changes(db_.get()));
    count_now_ -= std::min(count_now_, n);
    return n > 0;
  }

  result<std::vector<entry>> rows(stmt& st, std::optional<std::string> arg) {
    auto* s = st.get();
    reset_guard g{s};
    if (arg) bind_text(s, 1, *arg);
    std::vector<entry> out;
    for (;;) {
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return sqlite_error(rc);
      if (out.size() >= max_) return errc::store_full;  // more rows than we ever let in: an edited file
      auto e = stored_entry_from_columns(column_view(s, 0), column_view(s, 1), column_view(s, 2), column_view(s, 3),
                                         column_view(s, 4));
      if (!e) return e.error();
      out.push_back(std::move(*e));
    }
    return out;
  }

  std::size_t max_;
  std::size_t count_now_ = 0;
  common::sqlite_db db_;  // first: the statements below are finalized before it closes
  stmt insert_, delete_, by_id_, by_edge_, all_, count_;
};

}  // namespace

result<std::unique_ptr<store>> open_sqlite_store(const std::string& path, std::size_t max_entries) {
  auto s = std::make_unique<sqlite_store>(max_entries);
  if (auto r = s->open(path); !r) return r.error();
  return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::transport_discovery
