// The store implementations against the same expectations (memory, SQLite and, with a private
// redis-server, Redis), SQLite persistence, and the Redis store's Go key layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "common/redis_client.hpp"
#include "store_support.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

namespace asio = boost::asio;
using test::wait;

std::string pk(char c) { return "02" + std::string(64, c); }

record rec(char c, bool client, bool server, std::int64_t expiry, bool visor = false) {
  return {pk(c), "{\"k\":\"" + std::string(1, c) + "\"}", client, server, visor, expiry};
}

// The injected-clock semantics in detail (arbitrary `now` values: memory and SQLite only, since
// Redis expires keys on its own clock).
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  asio::io_context ctx;
  std::unique_ptr<store> make() { return test::open_store(ctx, GetParam(), ":memory:", nullptr); }
  template <class T>
  T w(asio::awaitable<T> op) {
    return wait(ctx, std::move(op));
  }
};

TEST_P(StoreTest, PutGetListExpire) {
  auto s = make();
  ASSERT_TRUE(s);
  ASSERT_TRUE(w(s->put(rec('a', true, false, 0, true), 0)));
  ASSERT_TRUE(w(s->put(rec('b', false, true, 100), 0)));
  ASSERT_TRUE(w(s->put(rec('c', false, true, 200), 0)));
  ASSERT_TRUE(w(s->put(rec('d', true, false, 150), 0)));
  EXPECT_EQ(**w(s->get(pk('a'), 50)), "{\"k\":\"a\"}");
  EXPECT_FALSE(*w(s->get(pk('z'), 50)));
  EXPECT_EQ(*w(s->client_pks(50)), (std::vector<std::string>{pk('a'), pk('d')}));
  EXPECT_EQ(*w(s->visor_pks(50)), (std::vector<std::string>{pk('a')}));
  EXPECT_EQ(w(s->server_entries(50, 10))->size(), 2u);
  EXPECT_EQ(w(s->server_entries(50, 1))->size(), 1u);
  // At 120 'b' is invisible even before the sweep.
  EXPECT_FALSE(*w(s->get(pk('b'), 120)));
  EXPECT_EQ(*w(s->server_entries(120, 10)), (std::vector<std::string>{"{\"k\":\"c\"}"}));
  EXPECT_EQ(*w(s->drop_expired(160)), 2u);  // b and d
  EXPECT_EQ(*w(s->client_pks(0)), (std::vector<std::string>{pk('a')}));
  // Overwrite replaces kind and expiry.
  ASSERT_TRUE(w(s->put(rec('a', false, true, 1000), 0)));
  EXPECT_TRUE(w(s->client_pks(0))->empty());
  ASSERT_TRUE(w(s->remove(pk('a'))));
  ASSERT_TRUE(w(s->remove(pk('a'))));  // absent: fine
  EXPECT_FALSE(*w(s->get(pk('a'), 0)));
}

INSTANTIATE_TEST_SUITE_P(Both, StoreTest, ::testing::Values("memory", "sqlite"));

// The store contract on real time, for all three stores: live records (expiring in an hour or
// never) are visible, records put already expired are invisible everywhere, overwrites replace
// kind and expiry, removes are idempotent.
class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  asio::io_context ctx;
  std::unique_ptr<svc::test::redis_process> redis;
  template <class T>
  T w(asio::awaitable<T> op) {
    return wait(ctx, std::move(op));
  }
};

TEST_P(StoreContract, LiveExpiredOverwriteRemove) {
  if (GetParam() == "redis") {
    SKYWIRE_REQUIRE_REDIS_SERVER();
    redis = std::make_unique<svc::test::redis_process>();
    ASSERT_TRUE(redis->ready());
  }
  auto s = test::open_store(ctx, GetParam(), ":memory:", redis.get());
  ASSERT_TRUE(s);
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t hour = 3600'000'000'000;
  ASSERT_TRUE(w(s->put(rec('a', true, false, 0, true), now)));
  ASSERT_TRUE(w(s->put(rec('b', false, true, now + hour), now)));
  ASSERT_TRUE(w(s->put(rec('c', true, true, now + hour), now)));
  ASSERT_TRUE(w(s->put(rec('d', true, false, now + hour), now)));
  ASSERT_TRUE(w(s->put(rec('e', false, true, now - 1), now)));       // expired at birth
  ASSERT_TRUE(w(s->put(rec('f', true, false, now, true), now)));     // expires exactly now
  EXPECT_EQ(**w(s->get(pk('a'), now)), "{\"k\":\"a\"}");
  EXPECT_EQ(**w(s->get(pk('b'), now)), "{\"k\":\"b\"}");
  EXPECT_FALSE(*w(s->get(pk('e'), now)));
  EXPECT_FALSE(*w(s->get(pk('f'), now)));
  EXPECT_FALSE(*w(s->get(pk('z'), now)));
  EXPECT_EQ(*w(s->client_pks(now)), (std::vector<std::string>{pk('a'), pk('c'), pk('d')}));
  EXPECT_EQ(*w(s->visor_pks(now)), (std::vector<std::string>{pk('a')}));
  auto servers = *w(s->server_entries(now, 10));
  std::sort(servers.begin(), servers.end());
  EXPECT_EQ(servers, (std::vector<std::string>{"{\"k\":\"b\"}", "{\"k\":\"c\"}"}));
  EXPECT_EQ(w(s->server_entries(now, 1))->size(), 1u);
  EXPECT_TRUE(w(s->server_entries(now, 0))->empty());

  // A live record overwritten by an expired one disappears; kinds follow the newest write.
  ASSERT_TRUE(w(s->put(rec('d', true, false, now - 5), now)));
  EXPECT_FALSE(*w(s->get(pk('d'), now)));
  ASSERT_TRUE(w(s->put(rec('a', false, true, now + hour), now)));
  EXPECT_EQ(*w(s->client_pks(now)), (std::vector<std::string>{pk('c')}));
  EXPECT_TRUE(w(s->visor_pks(now))->empty());
  EXPECT_EQ(w(s->server_entries(now, 10))->size(), 3u);

  ASSERT_TRUE(w(s->drop_expired(now)));
  EXPECT_EQ(*w(s->client_pks(now)), (std::vector<std::string>{pk('c')}));
  EXPECT_EQ(w(s->server_entries(now, 10))->size(), 3u);

  ASSERT_TRUE(w(s->remove(pk('a'))));
  ASSERT_TRUE(w(s->remove(pk('a'))));  // absent: fine
  EXPECT_FALSE(*w(s->get(pk('a'), now)));
  EXPECT_EQ(w(s->server_entries(now, 10))->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(All, StoreContract, ::testing::Values("memory", "sqlite", "redis"));

TEST(SqliteStore, SurvivesReopen) {
  asio::io_context ctx;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("skywire-disc-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                    "-" + std::to_string(std::hash<std::string>{}(std::filesystem::current_path().string())));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "disc.db").string();
  {
    auto s = open_sqlite_store(path);
    ASSERT_TRUE(s);
    ASSERT_TRUE(wait(ctx, (*s)->put(rec('a', true, false, 0), 0)));
  }
  {
    auto s = open_sqlite_store(path);
    ASSERT_TRUE(s);
    EXPECT_EQ(**wait(ctx, (*s)->get(pk('a'), 0)), "{\"k\":\"a\"}");
  }
  std::filesystem::remove_all(dir);
  auto bad = open_sqlite_store((dir / "missing" / "x.db").string());
  EXPECT_FALSE(bad);
}

// What a Go discovery sharing the Redis sees, and what it may leave behind.
class RedisStore : public ::testing::Test {
 protected:
  void SetUp() override {
    SKYWIRE_REQUIRE_REDIS_SERVER();
    redis = std::make_unique<svc::test::redis_process>();
    ASSERT_TRUE(redis->ready());
    s = test::open_store(ctx, "redis", "", redis.get());
    ASSERT_TRUE(s);
    raw = std::make_unique<common::redis_client>(ctx.get_executor(), test::redis_url_of(*redis));
  }
  common::redis_reply cmd(std::vector<std::string> args) {
    auto r = wait(ctx, raw->command(std::move(args)));
    EXPECT_TRUE(r) << r.error().message();
    return r ? std::move(*r) : common::redis_reply{};
  }
  template <class T>
  T w(asio::awaitable<T> op) {
    return wait(ctx, std::move(op));
  }
  static std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  asio::io_context ctx;
  std::unique_ptr<svc::test::redis_process> redis;
  std::unique_ptr<store> s;
  std::unique_ptr<common::redis_client> raw;
};

TEST_F(RedisStore, GoKeyLayout) {
  const std::int64_t t = now();
  ASSERT_TRUE(w(s->put(rec('s', false, true, t + 120'000'000'000), t)));  // a server entry, 2 min
  ASSERT_TRUE(w(s->put(rec('v', true, false, 0, true), t)));               // a visor client, no TTL
  EXPECT_EQ(cmd({"GET", pk('s')}).str, "{\"k\":\"s\"}");
  const auto pttl = cmd({"PTTL", pk('s')}).integer;
  EXPECT_GT(pttl, 0);
  EXPECT_LE(pttl, 120'000);
  EXPECT_EQ(cmd({"TTL", pk('v')}).integer, -1);
  EXPECT_EQ(cmd({"SISMEMBER", "servers", pk('s')}).integer, 1);
  EXPECT_EQ(cmd({"SISMEMBER", "clients", pk('s')}).integer, 0);
  EXPECT_EQ(cmd({"SISMEMBER", "clients", pk('v')}).integer, 1);
  EXPECT_EQ(cmd({"SISMEMBER", "visorClients", pk('v')}).integer, 1);
  ASSERT_TRUE(w(s->remove(pk('v'))));
  EXPECT_EQ(cmd({"EXISTS", pk('v')}).integer, 0);
  EXPECT_EQ(cmd({"SISMEMBER", "clients", pk('v')}).integer, 0);
  EXPECT_EQ(cmd({"SISMEMBER", "visorClients", pk('v')}).integer, 0);
}

TEST_F(RedisStore, EntriesWrittenByGoAreServed) {
  // What Go's SetEntry does for a client entry: SET without TTL, SADD clients.
  cmd({"SET", pk('g'), "{\"k\":\"g\"}"});
  cmd({"SADD", "clients", pk('g')});
  EXPECT_EQ(**w(s->get(pk('g'), now())), "{\"k\":\"g\"}");
  EXPECT_EQ(*w(s->client_pks(now())), (std::vector<std::string>{pk('g')}));
}

TEST_F(RedisStore, MembersOfExpiredKeysAreNeverServedAndSwept) {
  // Members whose keys are gone (expired TTLs, or left by Go's sweep-less sets).
  cmd({"SADD", "servers", pk('x')});
  cmd({"SADD", "clients", pk('x'), pk('y')});
  cmd({"SADD", "visorClients", pk('y')});
  ASSERT_TRUE(w(s->put(rec('l', true, true, 0), now())));
  EXPECT_EQ(*w(s->client_pks(now())), (std::vector<std::string>{pk('l')}));
  EXPECT_TRUE(w(s->visor_pks(now()))->empty());
  EXPECT_EQ(*w(s->server_entries(now(), 10)), (std::vector<std::string>{"{\"k\":\"l\"}"}));
  EXPECT_EQ(*w(s->drop_expired(now())), 2u);  // x and y
  EXPECT_EQ(cmd({"SISMEMBER", "servers", pk('x')}).integer, 0);
  EXPECT_EQ(cmd({"SISMEMBER", "clients", pk('y')}).integer, 0);
  EXPECT_EQ(cmd({"SISMEMBER", "visorClients", pk('y')}).integer, 0);
  EXPECT_EQ(cmd({"SISMEMBER", "servers", pk('l')}).integer, 1);

  // A TTL that runs out while stored: Redis expires the key, the listings follow at once.
  const std::int64_t t = now();
  ASSERT_TRUE(w(s->put(rec('q', true, true, t + 50'000'000), t)));  // 50 ms
  for (int i = 0; i < 500 && *w(s->get(pk('q'), now())); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(*w(s->get(pk('q'), now())));
  EXPECT_EQ(*w(s->client_pks(now())), (std::vector<std::string>{pk('l')}));
  EXPECT_EQ(w(s->server_entries(now(), 10))->size(), 1u);
}

TEST_F(RedisStore, ServerErrorsAreValues) {
  cmd({"SADD", pk('w'), "not a string"});  // a key of the wrong type
  auto r = w(s->get(pk('w'), now()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), common::redis_errc::server_error);
  redis->stop();
  auto down = w(s->client_pks(now()));
  EXPECT_FALSE(down);
}

}  // namespace
}  // namespace skywire::svc::dmsg_discovery
