#pragma once
// What the services' SQLite stores share (dmsg discovery, address resolver, transport
// discovery): opening a database file the same way (WAL journal, synchronous=NORMAL, a 2 s busy
// timeout, the store's schema applied), prepared statements that finalize themselves, a guard
// that resets a statement after each use, and the "sqlite" error category (messages from
// sqlite3_errstr).
//
//   sqlite_db db;
//   if (auto r = db.open(path, schema); !r) return r.error();      // errors: sqlite_category()
//   sqlite_stmt get;
//   if (int rc = get.prepare(db.get(), "SELECT …"); rc != SQLITE_OK) return sqlite_error(rc);
//   { sqlite_reset_guard g{get.get()}; bind_text(get.get(), 1, key); sqlite3_step(get.get()); … }
//
// Members that hold statements must be declared after the sqlite_db so they are finalized
// first; close_v2 defers the close until then anyway. Not thread-safe (one store, one strand).
#include <sqlite3.h>

#include <string>
#include <string_view>

#include <boost/system/error_category.hpp>

#include "skywire/base/result.hpp"

namespace skywire::svc::common {

const boost::system::error_category& sqlite_category() noexcept;
inline error_code sqlite_error(int rc) { return {rc, sqlite_category()}; }

class sqlite_db {
 public:
  sqlite_db() = default;
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;
  ~sqlite_db() { sqlite3_close_v2(db_); }

  // Opens (creating) `path` and runs `schema` (CREATE … IF NOT EXISTS statements).
  result<void> open(const std::string& path, const char* schema);
  sqlite3* get() const noexcept { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class sqlite_stmt {
 public:
  sqlite_stmt() = default;
  sqlite_stmt(const sqlite_stmt&) = delete;
  sqlite_stmt& operator=(const sqlite_stmt&) = delete;
  ~sqlite_stmt() { sqlite3_finalize(s_); }
  int prepare(sqlite3* db, const char* sql) { return sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  sqlite3_stmt* get() const noexcept { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Resets a statement (and its bindings) when the call that used it returns.
struct sqlite_reset_guard {
  sqlite3_stmt* s;
  ~sqlite_reset_guard() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

inline void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

// The column as a view into SQLite's buffer (valid until the next step/reset) or a copy.
inline std::string_view column_view(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  const int n = sqlite3_column_bytes(s, i);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view{};
}
inline std::string column_text(sqlite3_stmt* s, int i) { return std::string(column_view(s, i)); }

}  // namespace skywire::svc::common
