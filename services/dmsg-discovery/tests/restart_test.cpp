// Fault test "a discovery restart loses nothing": entries posted over HTTP to a discovery on
// SQLite (or Redis) are served identically by a completely new discovery (new service, new
// store object, new io_context) on the same file (or the same, still running, Redis).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "dmsg-discovery/redis_store.hpp"
#include "dmsg-discovery/service.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/wire/disc/entry.hpp"
#include "store_support.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using net::http_method;

asio::awaitable<net::http_response> request(http_method m, std::string url, std::string body) {
  net::http_client c(co_await asio::this_coro::executor);
  auto op = c.request(m, std::move(url), std::move(body));
  auto r = co_await std::move(op);
  EXPECT_TRUE(r) << r.error().message();
  co_return r ? std::move(*r) : net::http_response{};
}

// What a discovery serves, endpoint by endpoint (path -> status and body).
using snapshot = std::map<std::string, std::pair<unsigned, std::string>>;

struct fixture {
  base::manual_clock clock{std::chrono::system_clock::now()};
  std::string kind;  // "sqlite" or "redis"
  std::string sqlite_path;
  const svc::test::redis_process* redis = nullptr;
  std::vector<std::string> pks;

  asio::awaitable<std::unique_ptr<store>> open() {
    if (kind == "sqlite") {
      auto s = open_sqlite_store(sqlite_path);
      EXPECT_TRUE(s) << s.error().message();
      co_return s ? std::move(*s) : nullptr;
    }
    auto op = open_redis_store(co_await asio::this_coro::executor, test::redis_url_of(*redis));
    auto s = co_await std::move(op);
    EXPECT_TRUE(s) << s.error().message();
    co_return s ? std::move(*s) : nullptr;
  }

  // One whole discovery life: open the store, serve, run `body`, shut down, destroy everything.
  void life(std::function<asio::awaitable<void>(std::string url)> body) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      auto db = co_await open();
      if (!db) co_return;
      service_options opt;
      opt.host = "127.0.0.1";
      opt.port = 0;
      opt.api.test_mode = true;  // the server entry advertises 127.0.0.1
      auto svc = std::make_unique<service>(ex, *db, clock, base::make_null_logger("disc"), opt);
      auto port = svc->start();
      EXPECT_TRUE(port);
      if (!port) co_return;
      auto op = body("http://127.0.0.1:" + std::to_string(*port));
      co_await std::move(op);
      auto stop = svc->shutdown(1s);
      co_await std::move(stop);
      svc.reset();
      db.reset();
    }());
  }

  asio::awaitable<void> post_all(std::string url) {
    const std::int64_t now = base::unix_nanos(clock.wall_now());
    auto a = *crypto::deterministic_key_pair(as_bytes(std::string_view("restart-a")));
    auto b = *crypto::deterministic_key_pair(as_bytes(std::string_view("restart-b")));
    auto s = *crypto::deterministic_key_pair(as_bytes(std::string_view("restart-s")));
    auto ea = wire::disc::make_client_entry(a.pk, 0, now, std::vector<crypto::public_key>{s.pk});
    ea.client_type = "visor";
    wire::disc::sign(ea, a.sk);
    auto eb = wire::disc::make_client_entry(b.pk, 3, now, std::vector<crypto::public_key>{});
    wire::disc::sign(eb, b.sk);
    auto es = wire::disc::make_server_entry(s.pk, 1, now, "127.0.0.1:30080", 100);
    wire::disc::sign(es, s.sk);
    const std::pair<std::string, std::string> posts[] = {
        {url + "/dmsg-discovery/entry/", wire::disc::to_json(ea)},
        {url + "/dmsg-discovery/entry/?timeout=true", wire::disc::to_json(eb)},  // expires in 3 min
        {url + "/dmsg-discovery/entry/", wire::disc::to_json(es)},
    };
    for (const auto& [u, body] : posts) {
      auto op = request(http_method::post, u, body);
      auto r = co_await std::move(op);
      EXPECT_EQ(r.status, 200u) << r.body;
    }
    pks = {a.pk.to_hex(), b.pk.to_hex(), s.pk.to_hex()};
  }

  asio::awaitable<snapshot> read_all(std::string url) {
    snapshot out;
    std::vector<std::string> paths;
    for (const auto& pk : pks) paths.push_back("/dmsg-discovery/entry/" + pk);
    for (const char* p : {"/dmsg-discovery/entries", "/dmsg-discovery/visorEntries",
                          "/dmsg-discovery/all_servers", "/dmsg-discovery/available_servers"})
      paths.emplace_back(p);
    for (const auto& p : paths) {
      auto op = request(http_method::get, url + p, std::string{});
      auto r = co_await std::move(op);
      out[p] = {r.status, r.body};
    }
    co_return out;
  }
};

void restart_loses_nothing(fixture& f) {
  snapshot before, after;
  f.life([&](std::string url) -> asio::awaitable<void> {
    auto post = f.post_all(url);
    co_await std::move(post);
    auto read = f.read_all(url);
    before = co_await std::move(read);
  });
  ASSERT_EQ(before.size(), 7u);
  for (const auto& [path, reply] : before) EXPECT_EQ(reply.first, 200u) << path << ": " << reply.second;
  f.life([&](std::string url) -> asio::awaitable<void> {
    auto read = f.read_all(url);
    after = co_await std::move(read);
  });
  EXPECT_EQ(after, before);
}

TEST(DiscoveryRestart, LosesNothingOnSqlite) {
  const auto dir = std::filesystem::temp_directory_path() / ("skywire-disc-restart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  fixture f;
  f.kind = "sqlite";
  f.sqlite_path = (dir / "disc.db").string();
  restart_loses_nothing(f);
  std::filesystem::remove_all(dir);
}

TEST(DiscoveryRestart, LosesNothingOnRedis) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  svc::test::redis_process redis;
  ASSERT_TRUE(redis.ready());
  fixture f;
  f.kind = "redis";
  f.redis = &redis;
  restart_loses_nothing(f);
}

}  // namespace
}  // namespace skywire::svc::dmsg_discovery
