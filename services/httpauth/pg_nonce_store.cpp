// The PostgreSQL nonce store (persistent_nonce_stores.hpp): one row per key that authenticated.
#include <charconv>

#include "common/pg_errc.hpp"
#include "persistent_nonce_stores.hpp"

namespace skywire::svc::httpauth {
namespace {

using common::pg_errc;

constexpr const char* schema = "CREATE TABLE IF NOT EXISTS httpauth_nonces (pk text PRIMARY KEY, nonce bigint NOT NULL);";

result<std::uint64_t> decimal(const std::optional<std::string>& text) {
  std::uint64_t v = 0;
  if (!text || text->empty()) return errc::malformed_nonce;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size()) return errc::malformed_nonce;
  return v;
}

class pg_nonce_store final : public nonce_store {
 public:
  pg_nonce_store(boost::asio::any_io_executor ex, common::pg_options options, base::logger log, std::size_t max_entries)
      : db_(std::move(ex), std::move(options), std::move(log)), max_(max_entries) {}

  boost::asio::awaitable<result<void>> open() {
    auto op = db_.exec(schema);
    co_return co_await std::move(op);
  }

  boost::asio::awaitable<result<std::uint64_t>> nonce(crypto::public_key pk) override {
    auto op = db_.query("SELECT nonce FROM httpauth_nonces WHERE pk = $1", {pk.to_hex()}, 1);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (!r->rows.empty()) co_return decimal(r->rows[0].at(0));
    auto counting = count();
    auto n = co_await std::move(counting);
    if (!n) co_return n.error();
    if (*n >= max_) co_return errc::nonce_store_full;
    co_return std::uint64_t{0};
  }

  boost::asio::awaitable<result<std::uint64_t>> increment(crypto::public_key pk) override {
    auto op = db_.query(
        "INSERT INTO httpauth_nonces (pk, nonce) VALUES ($1, 1) "
        "ON CONFLICT (pk) DO UPDATE SET nonce = httpauth_nonces.nonce + 1 RETURNING nonce",
        {pk.to_hex()}, 1);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->rows.size() != 1 || r->rows[0].empty()) co_return pg_errc::unexpected_result;
    co_return decimal(r->rows[0][0]);
  }

  boost::asio::awaitable<result<std::size_t>> count() override {
    auto op = db_.query("SELECT count(*) FROM httpauth_nonces", {}, 1);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    if (r->rows.size() != 1 || r->rows[0].empty()) co_return pg_errc::unexpected_result;
    auto n = decimal(r->rows[0][0]);
    if (!n) co_return pg_errc::unexpected_result;
    co_return static_cast<std::size_t>(*n);
  }

 private:
  common::pg_client db_;
  std::size_t max_;
};

}  // namespace

boost::asio::awaitable<result<std::unique_ptr<nonce_store>>> open_pg_nonce_store(boost::asio::any_io_executor ex,
                                                                                 common::pg_options options,
                                                                                 base::logger log,
                                                                                 std::size_t max_entries) {
  auto s = std::make_unique<pg_nonce_store>(std::move(ex), std::move(options), std::move(log), max_entries);
  auto op = s->open();
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return std::unique_ptr<nonce_store>(std::move(s));
}

}  // namespace skywire::svc::httpauth
