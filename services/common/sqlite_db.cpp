#include "common/sqlite_db.hpp"

namespace skywire::svc::common {
namespace {

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class sqlite_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "sqlite"; }
  std::string message(int ev) const override { return sqlite3_errstr(ev); }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& sqlite_category() noexcept {
  static const sqlite_category_impl instance;
  return instance;
}

result<void> sqlite_db::open(const std::string& path, const char* schema) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc);
  sqlite3_busy_timeout(db_, 2000);
  // Every write is its own (auto-committed) transaction: an acknowledged request survives a
  // crash or restart.
  rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc);
  rc = sqlite3_exec(db_, schema, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(rc);
  return {};
}

}  // namespace skywire::svc::common
