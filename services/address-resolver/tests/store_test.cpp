// The same store behaviour against every address resolver store — memory, SQLite (a temp file)
// and Redis (a private redis-server on 127.0.0.1) — as a typed test: bind/resolve/rebind/
// unbind/all per type, VisorData round trips, what survives a reopen, the bounds. Then the
// Redis store against the Go resolver's key layout (a binding written "by Go" is served and one
// of ours is what Go reads), hostile stored values, and the HTTP API over Redis and SQLite.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

#include "address-resolver/redis_store.hpp"
#include "address-resolver/service.hpp"
#include "address-resolver/sqlite_store.hpp"
#include "address-resolver/visor_data_json.hpp"
#include "common/redis_client.hpp"
#include "common/tests/redis_server.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::svc::address_resolver {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

#define CO_ASSERT(cond)                \
  if (!(cond)) {                       \
    ADD_FAILURE() << "failed: " #cond; \
    co_return;                         \
  }

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

std::filesystem::path temp_file(const std::string& name) {
  static int counter = 0;
  return std::filesystem::temp_directory_path() /
         ("skywire-ar-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" + name);
}

// One kind of store: how to open it (again, on the same data) and what it promises.
struct memory_kind {
  static constexpr bool bounds_writes = true;
  void prepare() {}
  asio::awaitable<result<std::unique_ptr<store>>> open(asio::any_io_executor, std::size_t max) {
    co_return make_memory_store(max);
  }
};

struct sqlite_kind {
  static constexpr bool bounds_writes = true;
  std::filesystem::path file = temp_file("store.db");
  ~sqlite_kind() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix, ignored);
  }
  void prepare() {}
  asio::awaitable<result<std::unique_ptr<store>>> open(asio::any_io_executor, std::size_t max) {
    co_return open_sqlite_store(file.string(), max);
  }
};

struct redis_kind {
  static constexpr bool bounds_writes = false;  // all() is bounded instead (redis_store.hpp)
  std::unique_ptr<test::redis_process> server;
  void prepare() {
    server = std::make_unique<test::redis_process>();
    ASSERT_TRUE(server->ready());
  }
  asio::awaitable<result<std::unique_ptr<store>>> open(asio::any_io_executor ex, std::size_t max) {
    auto url = common::parse_redis_url(server->url());
    auto op = open_redis_store(ex, *url, {}, max);
    co_return co_await std::move(op);
  }
};

template <class Kind>
class ArStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::is_same_v<Kind, redis_kind>) {
      SKYWIRE_REQUIRE_REDIS_SERVER();
    }
    kind.prepare();
  }

  // Runs body with a freshly opened store.
  void run(std::function<asio::awaitable<void>(store&)> body, std::size_t max = default_max_bindings) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto op = kind.open(ctx.get_executor(), max);
      auto db = co_await std::move(op);
      CO_ASSERT(db);
      auto b = body(**db);
      co_await std::move(b);
    }());
  }

  Kind kind;
};

using kinds = ::testing::Types<memory_kind, sqlite_kind, redis_kind>;
class kind_names {
 public:
  template <class T>
  static std::string GetName(int) {
    if (std::is_same_v<T, memory_kind>) return "memory";
    if (std::is_same_v<T, sqlite_kind>) return "sqlite";
    return "redis";
  }
};
TYPED_TEST_SUITE(ArStore, kinds, kind_names);

visor_data data(std::string port, std::vector<std::string> addrs) {
  visor_data d;
  d.remote_addr = addrs.empty() ? "" : addrs.front();
  d.port = std::move(port);
  d.addresses = std::move(addrs);
  return d;
}

TYPED_TEST(ArStore, BindResolveUnbindAll) {
  const auto a = keys("a").pk;
  const auto b = keys("b").pk;
  const auto c = keys("c").pk;
  this->run([&](store& db) -> asio::awaitable<void> {
    struct binding {
      const char* type;
      crypto::public_key pk;
      const char* port;
    };
    const binding bindings[] = {{"stcpr", a, "1"}, {"stcpr", b, "2"}, {"sudph", a, "3"}};
    for (const auto& x : bindings) {
      auto op = db.bind(x.type, x.pk, data(x.port, {"203.0.113.1"}));
      auto r = co_await std::move(op);
      CO_ASSERT(r);
    }
    auto r1 = db.resolve("stcpr", a);
    auto ra = co_await std::move(r1);
    CO_ASSERT(ra && *ra);
    EXPECT_EQ(**ra, data("1", {"203.0.113.1"}));
    auto r2 = db.resolve("sudph", a);
    auto sa = co_await std::move(r2);
    CO_ASSERT(sa && *sa);
    EXPECT_EQ((*sa)->port, "3") << "types are separate namespaces";
    auto r3 = db.resolve("stcpr", c);
    auto none = co_await std::move(r3);
    CO_ASSERT(none);
    EXPECT_FALSE(*none);
    auto r4 = db.resolve("nosuchtype", a);
    auto unknown = co_await std::move(r4);
    CO_ASSERT(unknown);
    EXPECT_FALSE(*unknown) << "an unknown type has no entries";

    auto l1 = db.all("stcpr");
    auto listed = co_await std::move(l1);
    CO_ASSERT(listed);
    std::vector<crypto::public_key> want{a, b};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(*listed, want) << "ascending";
    auto l2 = db.all("st*");
    auto glob = co_await std::move(l2);
    CO_ASSERT(glob);
    EXPECT_TRUE(glob->empty()) << "a type is matched literally, never as a pattern";

    auto rb = db.bind("stcpr", a, data("9", {}));
    auto rebound = co_await std::move(rb);
    CO_ASSERT(rebound);
    auto r5 = db.resolve("stcpr", a);
    auto again = co_await std::move(r5);
    CO_ASSERT(again && *again);
    EXPECT_EQ((*again)->port, "9");
    EXPECT_TRUE((*again)->addresses.empty());

    auto d1 = db.del_bind("stcpr", a);
    auto deleted = co_await std::move(d1);
    CO_ASSERT(deleted);
    auto d2 = db.del_bind("stcpr", a);
    auto absent = co_await std::move(d2);
    EXPECT_TRUE(absent) << "removing an absent binding is not an error";
    auto r6 = db.resolve("stcpr", a);
    auto gone = co_await std::move(r6);
    CO_ASSERT(gone);
    EXPECT_FALSE(*gone);
    auto r7 = db.resolve("sudph", a);
    auto kept = co_await std::move(r7);
    CO_ASSERT(kept);
    EXPECT_TRUE(*kept) << "unbinding stcpr leaves sudph";
    auto l3 = db.all("stcpr");
    auto left = co_await std::move(l3);
    CO_ASSERT(left);
    EXPECT_EQ(*left, std::vector<crypto::public_key>{b});
  });
}

TYPED_TEST(ArStore, VisorDataRoundTrip) {
  const auto a = keys("a").pk;
  visor_data d;
  d.remote_addr = "198.51.100.7:41000";
  d.is_local = true;
  d.port = "7777";
  d.addresses = {"198.51.100.7", "<&>\"quoted\"", "fe80::1"};
  this->run([&](store& db) -> asio::awaitable<void> {
    auto op = db.bind("sudph", a, d);
    auto r = co_await std::move(op);
    CO_ASSERT(r);
    auto g = db.resolve("sudph", a);
    auto got = co_await std::move(g);
    CO_ASSERT(got && *got);
    EXPECT_EQ(**got, d);
  });
}

// What survives a reopen: only the stores that persist (the memory store is lost by design).
template <class Kind>
class ArStorePersistent : public ArStore<Kind> {};
using persistent_kinds = ::testing::Types<sqlite_kind, redis_kind>;
TYPED_TEST_SUITE(ArStorePersistent, persistent_kinds, kind_names);

TYPED_TEST(ArStorePersistent, ReopenKeepsBindings) {
  const auto a = keys("a").pk;
  this->run([&](store& db) -> asio::awaitable<void> {
    auto op = db.bind("stcpr", a, data("7777", {"203.0.113.9"}));
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
  });
  this->run([&](store& db) -> asio::awaitable<void> {
    auto op = db.resolve("stcpr", a);
    auto r = co_await std::move(op);
    CO_ASSERT(r && *r);
    EXPECT_EQ(**r, data("7777", {"203.0.113.9"}));
    auto l = db.all("stcpr");
    auto listed = co_await std::move(l);
    CO_ASSERT(listed);
    EXPECT_EQ(*listed, std::vector<crypto::public_key>{a});
  });
}

TYPED_TEST(ArStore, Bounded) {
  const auto a = keys("a").pk;
  const auto b = keys("b").pk;
  const auto c = keys("c").pk;
  this->run(
      [&](store& db) -> asio::awaitable<void> {
        for (const auto& pk : {a, b}) {
          auto op = db.bind("stcpr", pk, data("1", {}));
          auto r = co_await std::move(op);
          CO_ASSERT(r);
        }
        auto third = db.bind("stcpr", c, data("1", {}));
        auto r3 = co_await std::move(third);
        if constexpr (TypeParam::bounds_writes) {
          EXPECT_EQ(r3.error(), errc::store_full);
          auto rebind = db.bind("stcpr", a, data("2", {}));
          auto again = co_await std::move(rebind);
          EXPECT_TRUE(again) << "rebinding a bound key always succeeds";
          auto other = db.bind("sudph", c, data("1", {}));
          auto other_type = co_await std::move(other);
          EXPECT_TRUE(other_type) << "the bound is per type";
          auto del = db.del_bind("stcpr", b);
          auto deleted = co_await std::move(del);
          CO_ASSERT(deleted);
          auto room = db.bind("stcpr", c, data("1", {}));
          auto fits = co_await std::move(room);
          EXPECT_TRUE(fits) << "unbinding makes room";
        } else {
          CO_ASSERT(r3);
          auto l = db.all("stcpr");
          auto listed = co_await std::move(l);
          EXPECT_EQ(listed.error(), common::redis_errc::reply_too_large) << "a listing never exceeds the bound";
        }
      },
      2);
}

// ---- Redis: the Go resolver's layout ----

TEST(ArRedisStore, GoKeyLayout) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  test::redis_process server;
  ASSERT_TRUE(server.ready());
  const auto ours = keys("ours").pk;
  const auto gos = keys("go").pk;
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto url = common::parse_redis_url(server.url());
    common::redis_client raw(ctx.get_executor(), *url);
    auto op = open_redis_store(ctx.get_executor(), *url);
    auto opened = co_await std::move(op);
    CO_ASSERT(opened);
    store& db = **opened;

    auto b = db.bind("stcpr", ours, data("7777", {"203.0.113.5"}));
    auto bound = co_await std::move(b);
    CO_ASSERT(bound);
    auto g = raw.command({"GET", "address-resolver:stcpr:" + ours.to_hex()});
    auto stored = co_await std::move(g);
    CO_ASSERT(stored);
    EXPECT_EQ(stored->str, R"({"remote_addr":"203.0.113.5","port":"7777","addresses":["203.0.113.5"]})")
        << "json.Marshal(VisorData), what Go's resolver GETs";
    auto t = raw.command({"TTL", "address-resolver:stcpr:" + ours.to_hex()});
    auto ttl = co_await std::move(t);
    CO_ASSERT(ttl);
    EXPECT_EQ(ttl->integer, -1) << "no expiry, like Go's SET with expiry 0";

    // A binding as Go's resolver writes it (is_local omitted, addresses null).
    auto s = raw.command({"SET", "address-resolver:sudph:" + gos.to_hex(),
                          R"({"remote_addr":"198.51.100.1:5000","port":"","addresses":null})"});
    auto set = co_await std::move(s);
    CO_ASSERT(set);
    auto r = db.resolve("sudph", gos);
    auto resolved = co_await std::move(r);
    CO_ASSERT(resolved && *resolved);
    EXPECT_EQ((*resolved)->remote_addr, "198.51.100.1:5000");
    EXPECT_TRUE((*resolved)->addresses.empty());
    // Keys that merely look alike are not bindings.
    auto j1 = raw.command({"SET", "address-resolver:sudph:not-a-key", "{}"});
    auto junk1 = co_await std::move(j1);
    CO_ASSERT(junk1);
    auto j2 = raw.command({"SET", "address-resolver:sudphx:" + ours.to_hex(), "{}"});
    auto junk2 = co_await std::move(j2);
    CO_ASSERT(junk2);
    auto l = db.all("sudph");
    auto listed = co_await std::move(l);
    CO_ASSERT(listed);
    EXPECT_EQ(*listed, std::vector<crypto::public_key>{gos});

    // A value that is not VisorData (someone else's data in a shared Redis): an error, not a crash.
    auto h = raw.command({"SET", "address-resolver:stcpr:" + gos.to_hex(), "[1,2,"});
    auto hostile = co_await std::move(h);
    CO_ASSERT(hostile);
    auto r2 = db.resolve("stcpr", gos);
    auto bad = co_await std::move(r2);
    EXPECT_FALSE(bad);
    auto h2 = raw.command({"DEL", "address-resolver:stcpr:" + ours.to_hex()});
    (void)co_await std::move(h2);
    auto h3 = raw.command({"SADD", "address-resolver:stcpr:" + ours.to_hex(), "m"});
    (void)co_await std::move(h3);
    auto r3 = db.resolve("stcpr", ours);
    auto wrongtype = co_await std::move(r3);
    EXPECT_EQ(wrongtype.error(), common::redis_errc::server_error) << "WRONGTYPE";
  }());
}

TEST(ArRedisStore, UnreachableIsAnOpenError) {
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    common::redis_url url;
    url.host = "127.0.0.1";
    url.port = test::free_loopback_port();
    auto op = open_redis_store(ctx.get_executor(), url);
    auto r = co_await std::move(op);
    EXPECT_FALSE(r);
  }());
}

TEST(ArSqliteStore, UnopenableFileIsAnOpenError) {
  auto r = open_sqlite_store("/nonexistent-dir/ar.db");
  EXPECT_FALSE(r);
  const auto file = temp_file("garbage.db");
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just text that is long enough to have a header", f);
    std::fclose(f);
  }
  auto corrupt = open_sqlite_store(file.string());
  EXPECT_FALSE(corrupt) << "a corrupt file is a clear error at open";
  std::filesystem::remove(file);
}

// ---- the HTTP API over the database stores ----

void api_over(store& db, asio::io_context& ctx) {
  const auto a = keys("a");
  const auto b = keys("b");
  auto nonces = httpauth::make_memory_nonce_store();
  base::manual_clock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
  service_options opt;
  opt.host = "127.0.0.1";
  opt.port = 0;
  opt.api.local_mode = true;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = ctx.get_executor();
    service svc(ex, db, *nonces, clock, base::make_null_logger("ar"), opt);
    auto port = svc.start();
    CO_ASSERT(port);
    const std::string url = "http://127.0.0.1:" + std::to_string(*port);
    auto http = std::make_shared<net::http_client>(ex);
    disc::addr_resolver_client ar_a(std::make_shared<disc::httpauth_client>(ex, http, url, a));
    disc::addr_resolver_client ar_b(std::make_shared<disc::httpauth_client>(ex, http, url, b));
    auto bind_op = ar_a.bind_stcpr("7777", {"127.0.0.1"});
    auto bound = co_await std::move(bind_op);
    EXPECT_TRUE(bound) << ar_a.last_error();
    auto res_op = ar_b.resolve("stcpr", a.pk);
    auto resolved = co_await std::move(res_op);
    EXPECT_TRUE(resolved) << ar_b.last_error();
    if (resolved) {
      EXPECT_EQ(resolved->remote_addr, "127.0.0.1");
      EXPECT_EQ(resolved->port, "7777");
    }
    auto all_op = ar_b.transports();
    auto all = co_await std::move(all_op);
    EXPECT_TRUE(all);
    if (all) {
      EXPECT_EQ(all->count(a.pk), 1u);
    }
    auto del_op = ar_a.delete_bind_stcpr();
    auto deleted = co_await std::move(del_op);
    EXPECT_TRUE(deleted) << ar_a.last_error();
    auto gone_op = ar_b.resolve("stcpr", a.pk);
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.error(), disc::errc::no_entry);
    co_await svc.shutdown(1s);
  }());
}

TEST(ArApiOverStores, Redis) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  test::redis_process server;
  ASSERT_TRUE(server.ready());
  asio::io_context ctx;
  std::unique_ptr<store> db;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto op = open_redis_store(ctx.get_executor(), *common::parse_redis_url(server.url()));
    auto r = co_await std::move(op);
    CO_ASSERT(r);
    db = std::move(*r);
  }());
  ASSERT_TRUE(db);
  ctx.restart();
  api_over(*db, ctx);
}

TEST(ArApiOverStores, Sqlite) {
  const auto file = temp_file("api.db");
  auto db = open_sqlite_store(file.string());
  ASSERT_TRUE(db);
  asio::io_context ctx;
  api_over(**db, ctx);
  db->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
}

}  // namespace
}  // namespace skywire::svc::address_resolver
