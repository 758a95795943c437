// Every nonce store against one contract (nonce_store.hpp, persistent_nonce_stores.hpp):
// memory, SQLite (a temp file), Redis (a private redis-server) and PostgreSQL (a private
// server), as a typed test. Unknown keys are at 0 and create nothing; increments count from 1;
// the bound refuses new keys only; the persistent stores keep every counter across a reopen
// (what stops a replay after a restart) and refuse a stored value that is not a counter. Redis
// keeps Go's key layout ("nonces:<pk>" and the set "nonces").
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>

#include "common/redis_client.hpp"
#include "common/tests/pg_server.hpp"
#include "common/tests/redis_server.hpp"
#include "httpauth/persistent_nonce_stores.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::svc::httpauth {
namespace {

namespace asio = boost::asio;

#define CO_ASSERT(cond)                \
  if (!(cond)) {                       \
    ADD_FAILURE() << "failed: " #cond; \
    co_return;                         \
  }

crypto::public_key pk_of(std::string_view seed) { return crypto::deterministic_key_pair(as_bytes(seed))->pk; }

struct memory_kind {
  void prepare() {}
  asio::awaitable<result<std::unique_ptr<nonce_store>>> open(asio::any_io_executor, std::size_t max) {
    co_return make_memory_nonce_store(max);
  }
  asio::awaitable<void> corrupt(asio::any_io_executor, const crypto::public_key&) { co_return; }
};

struct sqlite_kind {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("skywire-nonces-" + std::to_string(::getpid()) + ".db");
  ~sqlite_kind() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix, ignored);
  }
  void prepare() { std::filesystem::remove(file); }
  asio::awaitable<result<std::unique_ptr<nonce_store>>> open(asio::any_io_executor, std::size_t max) {
    co_return open_sqlite_nonce_store(file.string(), max);
  }
  asio::awaitable<void> corrupt(asio::any_io_executor, const crypto::public_key& pk) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    const auto sql = "UPDATE httpauth_nonces SET nonce = 'abc' WHERE pk = '" + pk.to_hex() + "'";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    co_return;
  }
};

struct redis_kind {
  std::unique_ptr<test::redis_process> server;
  void prepare() {
    SKYWIRE_REQUIRE_REDIS_SERVER();
    server = std::make_unique<test::redis_process>();
    ASSERT_TRUE(server->ready());
  }
  asio::awaitable<result<std::unique_ptr<nonce_store>>> open(asio::any_io_executor ex, std::size_t max) {
    auto op = open_redis_nonce_store(ex, *common::parse_redis_url(server->url()), {}, "", max);
    co_return co_await std::move(op);
  }
  asio::awaitable<result<common::redis_reply>> raw(asio::any_io_executor ex, std::vector<std::string> cmd) {
    common::redis_client c(ex, *common::parse_redis_url(server->url()));
    auto op = c.command(std::move(cmd));
    co_return co_await std::move(op);
  }
  asio::awaitable<void> corrupt(asio::any_io_executor ex, const crypto::public_key& pk) {
    auto op = raw(ex, {"SET", "nonces:" + pk.to_hex(), "abc"});
    EXPECT_TRUE((co_await std::move(op)).has_value());
  }
};

struct postgres_kind {
  std::string dbname;
  void prepare() {
    SKYWIRE_REQUIRE_PG_SERVER();
    ASSERT_TRUE(test::shared_pg_server().ready()) << "PostgreSQL did not start";
    static std::atomic<int> counter{0};
    dbname = "nonces_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    ASSERT_TRUE(test::shared_pg_server().create_database(dbname));
  }
  common::pg_options options() const {
    common::pg_options o;
    o.params = test::pg_params(test::shared_pg_server(), dbname);
    return o;
  }
  asio::awaitable<result<std::unique_ptr<nonce_store>>> open(asio::any_io_executor ex, std::size_t max) {
    auto op = open_pg_nonce_store(ex, options(), base::make_null_logger("pg"), max);
    co_return co_await std::move(op);
  }
  asio::awaitable<void> corrupt(asio::any_io_executor ex, const crypto::public_key& pk) {
    // bigint cannot hold text: a negative counter is the malformed value PostgreSQL can store.
    common::pg_client c(ex, options(), base::make_null_logger("pg"));
    auto op = c.exec("UPDATE httpauth_nonces SET nonce = -5 WHERE pk = '" + pk.to_hex() + "'");
    EXPECT_TRUE((co_await std::move(op)).has_value());
  }
};

template <class Kind>
class NonceStore : public ::testing::Test {
 protected:
  void SetUp() override { kind.prepare(); }
  Kind kind;
};

using kinds = ::testing::Types<memory_kind, sqlite_kind, redis_kind, postgres_kind>;
TYPED_TEST_SUITE(NonceStore, kinds);

TYPED_TEST(NonceStore, CountsFromZeroPerKeyAndBoundsNewKeysOnly) {
  asio::io_context ctx;
  net::test::run(ctx, [this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto opening = this->kind.open(ex, 2);
    auto s = co_await std::move(opening);
    CO_ASSERT(s.has_value());
    auto& st = **s;
    const auto a = pk_of("a"), b = pk_of("b"), c = pk_of("c");
    auto n0 = co_await st.nonce(a);
    CO_ASSERT(n0.has_value());
    EXPECT_EQ(*n0, 0u);
    auto none = co_await st.count();
    EXPECT_EQ(*none, 0u) << "looking a key up creates nothing";
    EXPECT_EQ(*(co_await st.increment(a)), 1u);
    EXPECT_EQ(*(co_await st.increment(a)), 2u);
    EXPECT_EQ(*(co_await st.nonce(a)), 2u);
    EXPECT_EQ(*(co_await st.increment(b)), 1u);
    EXPECT_EQ(*(co_await st.count()), 2u);
    // Full: a third key is refused, the known ones go on.
    auto full = co_await st.nonce(c);
    CO_ASSERT(!full.has_value());
    EXPECT_EQ(full.error(), make_error_code(errc::nonce_store_full));
    EXPECT_EQ(*(co_await st.increment(b)), 2u);
  }());
}

template <class Kind>
class PersistentNonceStore : public NonceStore<Kind> {};

using persistent_kinds = ::testing::Types<sqlite_kind, redis_kind, postgres_kind>;
TYPED_TEST_SUITE(PersistentNonceStore, persistent_kinds);

TYPED_TEST(PersistentNonceStore, KeepsCountersAcrossAReopen) {
  asio::io_context ctx;
  net::test::run(ctx, [this]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto a = pk_of("a"), b = pk_of("b");
    {
      auto opening = this->kind.open(ex, 100);
      auto s = co_await std::move(opening);
      CO_ASSERT(s.has_value());
      auto& st = **s;
      for (int i = 0; i < 5; ++i) {
        auto r = co_await st.increment(a);
        CO_ASSERT(r.has_value());
      }
      auto rb = co_await st.increment(b);
      CO_ASSERT(rb.has_value());
    }
    auto reopening = this->kind.open(ex, 100);
    auto s = co_await std::move(reopening);
    CO_ASSERT(s.has_value());
    auto& st = **s;
    EXPECT_EQ(*(co_await st.nonce(a)), 5u) << "a request signed with nonce 0..4 cannot be replayed";
    EXPECT_EQ(*(co_await st.count()), 2u);
    EXPECT_EQ(*(co_await st.increment(a)), 6u);
    // A value that is not a counter is refused, not read as 0.
    auto corrupting = this->kind.corrupt(ex, b);
    co_await std::move(corrupting);
    auto bad = co_await st.nonce(b);
    CO_ASSERT(!bad.has_value());
    EXPECT_EQ(bad.error(), make_error_code(errc::malformed_nonce));
  }());
}

TEST(RedisNonceStore, UsesGoKeyLayout) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  redis_kind kind;
  kind.prepare();
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto opening = kind.open(ex, 10);
    auto s = co_await std::move(opening);
    CO_ASSERT(s.has_value());
    auto& st = **s;
    const auto a = pk_of("a");
    for (int i = 0; i < 2; ++i) {
      auto r = co_await st.increment(a);
      CO_ASSERT(r.has_value());
    }
    auto get_op = kind.raw(ex, {"GET", "nonces:" + a.to_hex()});
    auto counter = co_await std::move(get_op);
    CO_ASSERT(counter.has_value());
    EXPECT_EQ(counter->str, "2");
    auto member_op = kind.raw(ex, {"SISMEMBER", "nonces", a.to_hex()});
    auto member = co_await std::move(member_op);
    CO_ASSERT(member.has_value());
    EXPECT_EQ(member->integer, 1);
  }());
}

}  // namespace
}  // namespace skywire::svc::httpauth
