// The PostgreSQL store: one parameterised statement per call on the shared pg_client.
#include "postgres_store.hpp"

#include <string>
#include <vector>

#include "stored_entry.hpp"

namespace skywire::svc::transport_discovery {
namespace {

using common::pg_errc;

// gorm's AutoMigrate of Go's `Transport` model, made idempotent; the indexes are ours.
constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS transports (
  id bigserial,
  created_at timestamptz,
  transport_id text UNIQUE,
  edge_a text,
  edge_b text,
  type text,
  label text,
  PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS transports_edge_a_idx ON transports (edge_a);
CREATE INDEX IF NOT EXISTS transports_edge_b_idx ON transports (edge_b);
)sql";

constexpr const char* columns = "SELECT transport_id, edge_a, edge_b, type, label FROM transports ";

class postgres_store final : public store {
 public:
  postgres_store(boost::asio::any_io_executor ex, common::pg_options options, base::logger log,
                 std::size_t max_entries)
      : db_(std::move(ex), std::move(options), std::move(log)), max_(max_entries) {}

  boost::asio::awaitable<result<void>> open() {
    auto op = db_.exec(schema);
    co_return co_await std::move(op);
  }

  const std::string& last_error() const { return db_.last_error(); }

  boost::asio::awaitable<result<void>> register_transport(entry e) override {
    std::vector<std::optional<std::string>> params{e.id.to_string(), e.edges[0].to_hex(), e.edges[1].to_hex(),
                                                   e.type, e.label};
    auto op = db_.query(
        "INSERT INTO transports (created_at, transport_id, edge_a, edge_b, type, label) "
        "VALUES (now(), $1, $2, $3, $4, $5)",
        std::move(params), 0);
    auto r = co_await std::move(op);
    if (!r) co_return r.error() == pg_errc::unique_violation ? error_code(errc::duplicate_id) : r.error();
    co_return result<void>{};
  }

  boost::asio::awaitable<result<bool>> deregister_transport(transport_id id) override {
    std::vector<std::optional<std::string>> params{id.to_string()};
    auto op = db_.query("DELETE FROM transports WHERE transport_id = $1", std::move(params), 0);
    auto r = co_await std::move(op);
    // result<bool> from an error_code is ambiguous (error_code converts to bool): say which.
    if (!r) co_return result<bool>(boost::system::in_place_error, r.error());
    co_return r->affected > 0;
  }

  boost::asio::awaitable<result<std::optional<entry>>> get_by_id(transport_id id) override {
    std::vector<std::optional<std::string>> params{id.to_string()};
    auto op = db_.query(std::string(columns) + "WHERE transport_id = $1 ORDER BY id LIMIT 1", std::move(params), 1);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->rows.empty()) co_return std::optional<entry>{};
    auto e = from_row(r->rows.front());
    if (!e) co_return e.error();
    co_return std::optional<entry>(std::move(*e));
  }

  boost::asio::awaitable<result<std::vector<entry>>> get_by_edge(crypto::public_key pk) override {
    std::vector<std::optional<std::string>> params{pk.to_hex(), limit_text()};
    auto op = db_.query(std::string(columns) +
                            "WHERE edge_a = $1 OR edge_b = $1 ORDER BY transport_id COLLATE \"C\" LIMIT $2",
                        std::move(params), max_);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    co_return from_rows(r->rows);
  }

  boost::asio::awaitable<result<std::vector<entry>>> all() override {
    std::vector<std::optional<std::string>> params{limit_text()};
    auto op = db_.query(std::string(columns) + "ORDER BY transport_id COLLATE \"C\" LIMIT $1", std::move(params), max_);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    co_return from_rows(r->rows);
  }

 private:
  // One more than the cap: the client reports too_many_rows instead of a silently cut list.
  std::string limit_text() const { return std::to_string(static_cast<unsigned long long>(max_) + 1); }

  static result<entry> from_row(const common::pg_row& row) {
    if (row.size() != 5) return errc::bad_record;
    for (const auto& f : row)
      if (!f) return errc::bad_record;  // a NULL column (rows written by hand)
    return stored_entry_from_columns(*row[0], *row[1], *row[2], *row[3], *row[4]);
  }

  static result<std::vector<entry>> from_rows(const std::vector<common::pg_row>& rows) {
    std::vector<entry> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
      auto e = from_row(row);
      if (!e) return e.error();
      out.push_back(std::move(*e));
    }
    return out;
  }

  common::pg_client db_;
  std::size_t max_;
};

}  // namespace

boost::asio::awaitable<result<std::unique_ptr<store>>> open_postgres_store(boost::asio::any_io_executor ex,
                                                                           common::pg_options options,
                                                                           base::logger log,
                                                                           std::size_t max_entries) {
  auto s = std::make_unique<postgres_store>(std::move(ex), std::move(options), std::move(log), max_entries);
  auto op = s->open();
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return std::unique_ptr<store>(std::move(s));
}

}  // namespace skywire::svc::transport_discovery
