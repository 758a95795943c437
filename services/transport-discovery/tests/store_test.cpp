// The same store behaviour against every transport discovery store — memory, SQLite (a temp
// file) and PostgreSQL (a private server on 127.0.0.1, pg_server.hpp) — as a typed test:
// register/get by id/by edge/all/deregister, a duplicate t_id (overwritten in memory, refused
// by the databases with Go's text), what survives a reopen, the bounds. Then PostgreSQL against
// Go's gorm schema (a table made by Go's DDL, rows written by Go, its constraint's name), rows
// that are not entries, and the HTTP API over PostgreSQL and SQLite.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>

#include "common/pg_client.hpp"
#include "common/tests/pg_server.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "transport-discovery/postgres_store.hpp"
#include "transport-discovery/service.hpp"
#include "transport-discovery/sqlite_store.hpp"

namespace skywire::svc::transport_discovery {
namespace {

namespace asio = boost::asio;
namespace wt = wire::transport;
using namespace std::chrono_literals;
using params = std::vector<std::optional<std::string>>;

#define CO_ASSERT(cond)                \
  if (!(cond)) {                       \
    ADD_FAILURE() << "failed: " #cond; \
    co_return;                         \
  }

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

std::filesystem::path temp_file(const std::string& name) {
  static int counter = 0;
  return std::filesystem::temp_directory_path() /
         ("skywire-tpd-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" + name);
}

void remove_sqlite(const std::filesystem::path& file) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix, ignored);
}

// A database of its own on the shared server, for each test that asks.
std::string fresh_database() {
  static std::atomic<int> counter{0};
  const std::string name = "tpd_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  EXPECT_TRUE(svc::test::shared_pg_server().create_database(name));
  return name;
}

common::pg_options pg_options_for(const std::string& dbname) {
  common::pg_options o;
  o.params = svc::test::pg_params(svc::test::shared_pg_server(), dbname);
  return o;
}

struct memory_kind {
  static constexpr bool refuses_duplicates = false;
  static constexpr bool bounds_writes = true;
  void prepare() {}
  asio::awaitable<result<std::unique_ptr<store>>> open(asio::any_io_executor, std::size_t max) {
    co_return make_memory_store(max);
  }
};

struct sqlite_kind {
  static constexpr bool refuses_duplicates = true;
  static constexpr bool bounds_writes = true;
  std::filesystem::path file = temp_file("store.db");
  ~sqlite_kind() { remove_sqlite(file); }
  void prepare() {}
  asio::awaitable<result<std::unique_ptr<store>>> open(asio::any_io_executor, std::size_t max) {
    co_return open_sqlite_store(file.string(), max);
  }
};

struct postgres_kind {
  static constexpr bool refuses_duplicates = true;
  static constexpr bool bounds_writes = false;  // lists are bounded instead (postgres_store.hpp)
  std::string dbname;
  void prepare() {
    ASSERT_TRUE(svc::test::shared_pg_server().ready()) << "PostgreSQL did not start";
    dbname = fresh_database();
  }
  asio::awaitable<result<std::unique_ptr<store>>> open(asio::any_io_executor ex, std::size_t max) {
    auto op = open_postgres_store(ex, pg_options_for(dbname), base::make_null_logger("pg"), max);
    co_return co_await std::move(op);
  }
};

template <class Kind>
class TpdStore : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::is_same_v<Kind, postgres_kind>) {
      SKYWIRE_REQUIRE_PG_SERVER();
    }
    kind.prepare();
  }

  void run(std::function<asio::awaitable<void>(store&)> body, std::size_t max = default_max_transports) {
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

using kinds = ::testing::Types<memory_kind, sqlite_kind, postgres_kind>;
class kind_names {
 public:
  template <class T>
  static std::string GetName(int) {
    if (std::is_same_v<T, memory_kind>) return "memory";
    if (std::is_same_v<T, sqlite_kind>) return "sqlite";
    return "postgres";
  }
};
TYPED_TEST_SUITE(TpdStore, kinds, kind_names);

std::vector<entry> sorted_by_id(std::vector<entry> v) {
  std::sort(v.begin(), v.end(), [](const entry& x, const entry& y) { return x.id < y.id; });
  return v;
}

TYPED_TEST(TpdStore, RegisterGetByEdgeAllDeregister) {
  const auto a = keys("a").pk;
  const auto b = keys("b").pk;
  const auto c = keys("c").pk;
  const entry ab = wt::make_entry(a, b, "stcpr", wt::label_user);
  const entry ac = wt::make_entry(a, c, "dmsg", wt::label_automatic);
  const entry bc = wt::make_entry(b, c, "sudph", wt::label_skycoin);
  this->run([&](store& db) -> asio::awaitable<void> {
    for (const auto& e : {ab, ac, bc}) {
      auto op = db.register_transport(e);
      auto r = co_await std::move(op);
      CO_ASSERT(r);
    }
    auto g = db.get_by_id(ac.id);
    auto got = co_await std::move(g);
    CO_ASSERT(got && *got);
    EXPECT_EQ(**got, ac) << "id, edges (in order), type and label come back";
    auto ge = db.get_by_edge(a);
    auto of_a = co_await std::move(ge);
    CO_ASSERT(of_a);
    EXPECT_EQ(*of_a, sorted_by_id({ab, ac})) << "by ascending ID";
    auto gn = db.get_by_edge(keys("nobody").pk);
    auto none = co_await std::move(gn);
    CO_ASSERT(none);
    EXPECT_TRUE(none->empty());
    auto al = db.all();
    auto all = co_await std::move(al);
    CO_ASSERT(all);
    EXPECT_EQ(*all, sorted_by_id({ab, ac, bc}));

    auto d1 = db.deregister_transport(ab.id);
    auto removed = co_await std::move(d1);
    CO_ASSERT(removed);
    EXPECT_TRUE(*removed);
    auto d2 = db.deregister_transport(ab.id);
    auto again = co_await std::move(d2);
    CO_ASSERT(again);
    EXPECT_FALSE(*again) << "nothing left to remove";
    auto g2 = db.get_by_id(ab.id);
    auto gone = co_await std::move(g2);
    CO_ASSERT(gone);
    EXPECT_FALSE(*gone);
    auto ge2 = db.get_by_edge(b);
    auto of_b = co_await std::move(ge2);
    CO_ASSERT(of_b);
    EXPECT_EQ(*of_b, std::vector<entry>{bc});
  });
}

TYPED_TEST(TpdStore, SelfTransportIsListedOnce) {
  const auto a = keys("a").pk;
  const entry aa = wt::make_entry(a, a, "stcpr", wt::label_user);
  this->run([&](store& db) -> asio::awaitable<void> {
    auto op = db.register_transport(aa);
    auto r = co_await std::move(op);
    CO_ASSERT(r);
    auto ge = db.get_by_edge(a);
    auto of_a = co_await std::move(ge);
    CO_ASSERT(of_a);
    EXPECT_EQ(*of_a, std::vector<entry>{aa});
  });
}

TYPED_TEST(TpdStore, DuplicateId) {
  const auto a = keys("a").pk;
  const auto b = keys("b").pk;
  const entry first = wt::make_entry(a, b, "stcpr", wt::label_user);
  entry second = first;
  second.label = std::string(wt::label_automatic);
  this->run([&](store& db) -> asio::awaitable<void> {
    auto r1 = db.register_transport(first);
    auto ok = co_await std::move(r1);
    CO_ASSERT(ok);
    auto r2 = db.register_transport(second);
    auto dup = co_await std::move(r2);
    auto g = db.get_by_id(first.id);
    auto got = co_await std::move(g);
    CO_ASSERT(got && *got);
    if constexpr (TypeParam::refuses_duplicates) {
      EXPECT_EQ(dup.error(), errc::duplicate_id);
      EXPECT_EQ(dup.error().message(), duplicate_id_text) << "Go's 500 body";
      EXPECT_EQ(**got, first) << "the first registration stays";
    } else {
      EXPECT_TRUE(dup) << "the memory store overwrites, like Go's";
      EXPECT_EQ(**got, second);
    }
    auto al = db.all();
    auto all = co_await std::move(al);
    CO_ASSERT(all);
    EXPECT_EQ(all->size(), 1u);
  });
}

// What survives a reopen: only the stores that persist (the memory store is lost by design).
template <class Kind>
class TpdStorePersistent : public TpdStore<Kind> {};
using persistent_kinds = ::testing::Types<sqlite_kind, postgres_kind>;
TYPED_TEST_SUITE(TpdStorePersistent, persistent_kinds, kind_names);

TYPED_TEST(TpdStorePersistent, ReopenKeepsTransports) {
  const entry ab = wt::make_entry(keys("a").pk, keys("b").pk, "stcpr", wt::label_user);
  this->run([&](store& db) -> asio::awaitable<void> {
    auto op = db.register_transport(ab);
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
  });
  this->run([&](store& db) -> asio::awaitable<void> {
    auto op = db.get_by_id(ab.id);
    auto r = co_await std::move(op);
    CO_ASSERT(r && *r);
    EXPECT_EQ(**r, ab);
    auto again = db.register_transport(ab);
    auto dup = co_await std::move(again);
    EXPECT_EQ(dup.error(), errc::duplicate_id) << "the unique constraint survives too";
  });
}

TYPED_TEST(TpdStore, Bounded) {
  const auto a = keys("a").pk;
  const entry e1 = wt::make_entry(a, keys("b").pk, "stcpr", wt::label_user);
  const entry e2 = wt::make_entry(a, keys("c").pk, "stcpr", wt::label_user);
  const entry e3 = wt::make_entry(a, keys("d").pk, "stcpr", wt::label_user);
  this->run(
      [&](store& db) -> asio::awaitable<void> {
        for (const auto& e : {e1, e2}) {
          auto op = db.register_transport(e);
          auto r = co_await std::move(op);
          CO_ASSERT(r);
        }
        auto third = db.register_transport(e3);
        auto r3 = co_await std::move(third);
        if constexpr (TypeParam::bounds_writes) {
          EXPECT_EQ(r3.error(), errc::store_full);
          auto del = db.deregister_transport(e1.id);
          auto removed = co_await std::move(del);
          CO_ASSERT(removed);
          auto room = db.register_transport(e3);
          auto fits = co_await std::move(room);
          EXPECT_TRUE(fits) << "deregistering makes room";
        } else {
          CO_ASSERT(r3);
          auto al = db.all();
          auto all = co_await std::move(al);
          EXPECT_EQ(all.error(), common::pg_errc::too_many_rows) << "a listing never exceeds the bound";
          auto ge = db.get_by_edge(a);
          auto of_a = co_await std::move(ge);
          EXPECT_EQ(of_a.error(), common::pg_errc::too_many_rows);
        }
      },
      2);
}

// ---- PostgreSQL: Go's schema ----

// gorm's AutoMigrate of Go's Transport model (its CREATE TABLE, verbatim).
constexpr const char* go_ddl =
    R"(CREATE TABLE "transports" ("id" bigserial,"created_at" timestamptz,"transport_id" text UNIQUE,)"
    R"("edge_a" text,"edge_b" text,"type" text,"label" text,PRIMARY KEY ("id")))";

TEST(TpdPostgresStore, SharesGoSchemaAndRows) {
  SKYWIRE_REQUIRE_PG_SERVER();
  ASSERT_TRUE(svc::test::shared_pg_server().ready());
  const std::string dbname = fresh_database();
  const auto a = keys("a").pk;
  const auto b = keys("b").pk;
  const entry go_entry = wt::make_entry(a, b, "sudph", wt::label_automatic);
  const entry our_entry = wt::make_entry(a, keys("c").pk, "stcpr", wt::label_user);
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = ctx.get_executor();
    common::pg_client raw(ex, pg_options_for(dbname), base::make_null_logger("pg"));
    auto ddl = raw.exec(go_ddl);
    auto made = co_await std::move(ddl);
    CO_ASSERT(made);
    // A row as Go's gorm Save writes it.
    auto ins = raw.query(
        "INSERT INTO transports (created_at, transport_id, edge_a, edge_b, type, label) VALUES (now(),$1,$2,$3,$4,$5)",
        params{go_entry.id.to_string(), go_entry.edges[0].to_hex(), go_entry.edges[1].to_hex(), "sudph", "automatic"},
        0);
    auto inserted = co_await std::move(ins);
    CO_ASSERT(inserted);

    auto op = open_postgres_store(ex, pg_options_for(dbname), base::make_null_logger("pg"));
    auto opened = co_await std::move(op);
    CO_ASSERT(opened);
    store& db = **opened;
    auto g = db.get_by_id(go_entry.id);
    auto got = co_await std::move(g);
    CO_ASSERT(got && *got);
    EXPECT_EQ(**got, go_entry) << "a row written by Go is served";
    auto reg = db.register_transport(our_entry);
    auto registered = co_await std::move(reg);
    CO_ASSERT(registered);
    auto sel = raw.query("SELECT transport_id, edge_a, edge_b, type, label, created_at IS NOT NULL, id > 0 "
                         "FROM transports WHERE transport_id = $1",
                         params{our_entry.id.to_string()}, 1);
    auto row = co_await std::move(sel);
    CO_ASSERT(row && row->rows.size() == 1u);
    const params want{our_entry.id.to_string(), our_entry.edges[0].to_hex(), our_entry.edges[1].to_hex(), "stcpr",
                      "user", "t", "t"};
    EXPECT_EQ(row->rows[0], want) << "our row is what Go's makeEntry reads";

    // The duplicate's text is the server's own, the one our errc reproduces.
    auto dup = raw.query("INSERT INTO transports (transport_id) VALUES ($1)", params{go_entry.id.to_string()}, 0);
    auto refused = co_await std::move(dup);
    EXPECT_EQ(refused.error(), common::pg_errc::unique_violation);
    EXPECT_EQ(raw.last_error(), duplicate_id_text);

    // A row that is not an entry (foreign data): an error, never a crash or a half entry.
    auto junk = raw.query("INSERT INTO transports (transport_id, edge_a, edge_b, type, label) VALUES ($1,$2,$3,$4,$5)",
                          params{"not-a-uuid", a.to_hex(), b.to_hex(), "stcpr", "user"}, 0);
    auto junked = co_await std::move(junk);
    CO_ASSERT(junked);
    auto al = db.all();
    auto all = co_await std::move(al);
    EXPECT_EQ(all.error(), errc::bad_record);
    auto nul = raw.query("UPDATE transports SET transport_id = $1, label = NULL WHERE transport_id = 'not-a-uuid'",
                         params{"00000000-0000-0000-0000-000000000001"}, 0);
    auto nulled = co_await std::move(nul);
    CO_ASSERT(nulled);
    auto ge = db.get_by_edge(a);
    auto of_a = co_await std::move(ge);
    EXPECT_EQ(of_a.error(), errc::bad_record) << "a NULL column";
  }());
}

TEST(TpdPostgresStore, UnreachableIsAnOpenError) {
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    common::pg_options o;
    o.params = {{"host", "127.0.0.1"}, {"port", std::to_string(svc::test::free_loopback_port())}, {"user", "x"}};
    auto op = open_postgres_store(ctx.get_executor(), o, base::make_null_logger("pg"));
    auto r = co_await std::move(op);
    EXPECT_EQ(r.error(), common::pg_errc::connect_failed);
  }());
}

TEST(TpdSqliteStore, CorruptFileIsAnOpenError) {
  const auto file = temp_file("garbage.db");
  {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just text that is long enough to have a header", f);
    std::fclose(f);
  }
  auto r = open_sqlite_store(file.string());
  EXPECT_FALSE(r);
  remove_sqlite(file);
}

// ---- the HTTP API over the database stores ----

wt::signed_entry signed_by_both(const crypto::key_pair& a, const crypto::key_pair& b) {
  wt::signed_entry se;
  se.entry = wt::make_entry(a.pk, b.pk, "stcpr", wt::label_user);
  EXPECT_TRUE(wt::sign_entry(se, a));
  EXPECT_TRUE(wt::sign_entry(se, b));
  return se;
}

void api_over(store& db, asio::io_context& ctx) {
  const auto a = keys("a");
  const auto b = keys("b");
  const auto se = signed_by_both(a, b);
  auto nonces = httpauth::make_memory_nonce_store();
  base::manual_clock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
  service_options opt;
  opt.host = "127.0.0.1";
  opt.port = 0;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = ctx.get_executor();
    service svc(ex, db, *nonces, clock, base::make_null_logger("tpd"), opt);
    auto port = svc.start();
    CO_ASSERT(port);
    const std::string url = "http://127.0.0.1:" + std::to_string(*port);
    auto http = std::make_shared<net::http_client>(ex);
    disc::httpauth_client ca(ex, http, url, a);
    const std::string body = "[" + wt::to_json(se) + "]\n";
    auto r1 = ca.request(net::http_method::post, "/transports/", body);
    auto reg = co_await std::move(r1);
    CO_ASSERT(reg);
    EXPECT_EQ(reg->status, 201u) << reg->body;
    auto r2 = ca.request(net::http_method::post, "/transports/", body);
    auto dup = co_await std::move(r2);
    CO_ASSERT(dup);
    EXPECT_EQ(dup->status, 500u);
    EXPECT_EQ(dup->body,
              "{\"error\":\"ERROR: duplicate key value violates unique constraint "
              "\\\"transports_transport_id_key\\\" (SQLSTATE 23505)\"}\n")
        << "Go's answer from its PostgreSQL store";
    auto r3 = ca.request(net::http_method::get, "/transports/id:" + se.entry->id.to_string(), {});
    auto by_id = co_await std::move(r3);
    CO_ASSERT(by_id);
    EXPECT_EQ(by_id->status, 200u);
    EXPECT_EQ(by_id->body, wt::to_json(*se.entry) + "\n");
    auto r4 = ca.request(net::http_method::get, "/transports/edge:" + b.pk.to_hex(), {});
    auto by_edge = co_await std::move(r4);
    CO_ASSERT(by_edge);
    EXPECT_EQ(by_edge->body, "[" + wt::to_json(*se.entry) + "]\n");
    auto r5 = ca.request(net::http_method::delete_, "/transports/id:" + se.entry->id.to_string(), {});
    auto del = co_await std::move(r5);
    CO_ASSERT(del);
    EXPECT_EQ(del->status, 200u) << del->body;
    auto r6 = ca.request(net::http_method::get, "/transports/id:" + se.entry->id.to_string(), {});
    auto gone = co_await std::move(r6);
    CO_ASSERT(gone);
    EXPECT_EQ(gone->status, 404u);
    co_await svc.shutdown(1s);
  }());
}

TEST(TpdApiOverStores, Postgres) {
  SKYWIRE_REQUIRE_PG_SERVER();
  ASSERT_TRUE(svc::test::shared_pg_server().ready());
  const std::string dbname = fresh_database();
  asio::io_context ctx;
  std::unique_ptr<store> db;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto op = open_postgres_store(ctx.get_executor(), pg_options_for(dbname), base::make_null_logger("pg"));
    auto r = co_await std::move(op);
    CO_ASSERT(r);
    db = std::move(*r);
  }());
  ASSERT_TRUE(db);
  ctx.restart();
  api_over(*db, ctx);
}

TEST(TpdApiOverStores, Sqlite) {
  const auto file = temp_file("api.db");
  auto db = open_sqlite_store(file.string());
  ASSERT_TRUE(db);
  asio::io_context ctx;
  api_over(**db, ctx);
  db->reset();
  remove_sqlite(file);
}

}  // namespace
}  // namespace skywire::svc::transport_discovery
