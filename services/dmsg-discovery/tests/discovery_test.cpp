// The dmsg discovery on 127.0.0.1:0, driven through the disc client and through raw HTTP
// (net::http_client), with a manual clock for timestamps and expiry.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "dmsg-discovery/service.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/disc/client.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/wire/disc/parse.hpp"
#include "skywire/wire/errc.hpp"
#include "vectors.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using net::http_method;
using wire::disc::entry;

using body_fn = std::function<asio::awaitable<void>(service&, std::string)>;

struct harness {
  base::manual_clock clock{std::chrono::system_clock::now()};
  std::unique_ptr<store> db = make_memory_store();
  service_options opt;
  harness() {
    opt.host = "127.0.0.1";
    opt.port = 0;
  }

  void run(body_fn body) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      service svc(ex, *db, clock, base::make_null_logger("disc"), opt);
      auto port = svc.start();
      EXPECT_TRUE(port);
      const std::string url = "http://127.0.0.1:" + std::to_string(*port);
      co_await body(svc, url);
      co_await svc.shutdown(1s);
    }());
  }

  std::int64_t now() const { return base::unix_nanos(clock.wall_now()); }
};

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

entry client_entry(const crypto::key_pair& kp, std::uint64_t seq, std::int64_t ts) {
  auto e = wire::disc::make_client_entry(kp.pk, seq, ts, std::vector<crypto::public_key>{});
  wire::disc::sign(e, kp.sk);
  return e;
}

entry server_entry(const crypto::key_pair& kp, std::uint64_t seq, std::int64_t ts, std::string addr,
                   std::int64_t sessions) {
  auto e = wire::disc::make_server_entry(kp.pk, seq, ts, std::move(addr), sessions);
  wire::disc::sign(e, kp.sk);
  return e;
}

std::string msg(unsigned code, std::string_view text) {
  return "{\"message\":\"" + std::string(text) + "\",\"code\":" + std::to_string(code) + "}";
}

// One raw request with a fresh client (names every argument before co_await).
asio::awaitable<net::http_response> raw(http_method m, std::string url, std::string body) {
  net::http_client c(co_await asio::this_coro::executor);
  auto op = c.request(m, std::move(url), std::move(body));
  auto r = co_await std::move(op);
  EXPECT_TRUE(r) << r.error().message();
  co_return r ? std::move(*r) : net::http_response{};
}

asio::awaitable<net::http_response> raw(http_method m, std::string url) {
  auto op = raw(m, std::move(url), std::string{});
  co_return co_await std::move(op);
}

disc::client make_client(asio::any_io_executor ex, const std::string& url, const base::clock& clock) {
  return disc::client(std::make_shared<net::http_client>(ex), url, clock);
}

TEST(Discovery, VectorClientEntryPostAndGet) {
  harness h;
  const auto& v = test::dmsg_vectors();
  const std::string body = test::str(v, "discovery_entries.0.http_body");
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    auto r = co_await raw(http_method::post, url + "/dmsg-discovery/entry/", body);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, msg(200, "wrote a new entry"));
    EXPECT_EQ(r.header("content-type"), "application/json");
    const std::string pk = test::str(v, "keys.client_A.pk");
    auto g = co_await raw(http_method::get, url + "/dmsg-discovery/entry/" + pk);
    EXPECT_EQ(g.status, 200u);
    EXPECT_EQ(g.body, body);  // canonical JSON, exactly as Go serves it
    auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
    auto e = co_await dc.get_entry(*crypto::public_key::from_text(pk));
    EXPECT_TRUE(e);
    EXPECT_EQ(*e, *wire::disc::parse_entry(body));
    EXPECT_TRUE(wire::disc::verify_signature(*e));
    // Same sequence again: 422 with Go's text.
    auto again = co_await raw(http_method::post, url + "/dmsg-discovery/entry/", body);
    EXPECT_EQ(again.status, 422u);
    EXPECT_EQ(again.body,
              msg(422, "entry validation error: sequence field of new entry is not sequence of old entry + 1"));
    // Higher sequence, signed with client A's key: an iteration (also via /entry/{pk}).
    auto next = *e;
    next.sequence = 5;
    next.timestamp += 1;
    wire::disc::sign(next, *crypto::secret_key::from_text(test::str(v, "keys.client_A.sk")));
    auto it = co_await raw(http_method::post, url + "/dmsg-discovery/entry/" + pk, wire::disc::to_json(next));
    EXPECT_EQ(it.status, 200u);
    EXPECT_EQ(it.body, msg(200, "wrote new entry iteration"));
    // Older timestamp with a higher sequence.
    auto older = next;
    older.sequence = 6;
    older.timestamp -= 10;
    wire::disc::sign(older, *crypto::secret_key::from_text(test::str(v, "keys.client_A.sk")));
    auto o = co_await raw(http_method::post, url + "/dmsg-discovery/entry/", wire::disc::to_json(older));
    EXPECT_EQ(o.body, msg(422, "entry validation error: advertised entry timestamp is not greater than previous"));
    auto list = co_await raw(http_method::get, url + "/dmsg-discovery/entries");
    EXPECT_EQ(list.body, "[\"" + pk + "\"]");
  });
}

TEST(Discovery, RefusalsAndStatusCodes) {
  harness h;
  const auto kp = keys("refusals");
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    const std::string post_url = url + "/dmsg-discovery/entry/";
    // Bad signature.
    auto e = client_entry(kp, 0, h.now());
    e.sequence = 1;  // signature no longer matches the values
    auto r = co_await raw(http_method::post, post_url, wire::disc::to_json(e));
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.body, msg(401, "invalid signature"));
    // Malformed JSON.
    r = co_await raw(http_method::post, post_url, "{\"version\":");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.body, msg(500, "something unexpected happened"));
    // No version.
    auto nv = client_entry(kp, 0, h.now());
    nv.version.clear();
    wire::disc::sign(nv, kp.sk);
    r = co_await raw(http_method::post, post_url, wire::disc::to_json(nv));
    EXPECT_EQ(r.body, msg(422, "entry validation error: entry has no version"));
    // Server entry with an old timestamp.
    auto old = server_entry(kp, 0, h.now() - 61'000'000'000, "1.2.3.4:8081", 10);
    r = co_await raw(http_method::post, post_url, wire::disc::to_json(old));
    EXPECT_EQ(r.status, 422u);
    EXPECT_EQ(r.body, msg(422, "entry validation error: advertised entry has outdated timestamp"));
    // Loopback server address without test mode.
    auto lo = server_entry(kp, 0, h.now(), "127.0.0.1:8081", 10);
    r = co_await raw(http_method::post, post_url, wire::disc::to_json(lo));
    EXPECT_EQ(r.body, msg(422,
                          "entry validation error: advertising localhost listening address is not "
                          "allowed in production mode"));
    // Paths: no slash = 405, bad pk = 400, unknown pk = 404, unknown path = 404 text.
    r = co_await raw(http_method::post, url + "/dmsg-discovery/entry", wire::disc::to_json(lo));
    EXPECT_EQ(r.status, 405u);
    r = co_await raw(http_method::get, url + "/dmsg-discovery/entry/zz");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.body, msg(400, "error bad input"));
    r = co_await raw(http_method::get, url + "/dmsg-discovery/entry/" + kp.pk.to_hex());
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.body, msg(404, "entry of public key is not found"));
    r = co_await raw(http_method::get, url + "/dmsg-discovery/nothing");
    EXPECT_EQ(r.status, 404u);
    r = co_await raw(http_method::get, url + "/dmsg-discovery/available_servers");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.body, msg(404, "no delegated dmsg servers available for remote"));
    r = co_await raw(http_method::get, url + "/dmsg-discovery/all_servers");
    EXPECT_EQ(r.status, 404u);
    // The disc client maps the texts back.
    auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
    auto none = co_await dc.available_servers();
    EXPECT_EQ(none.error(), disc::errc::no_available_servers);
    auto missing = co_await dc.get_entry(kp.pk);
    EXPECT_EQ(missing.error(), disc::errc::entry_not_found);
    auto lp = co_await dc.post_entry(lo);
    EXPECT_EQ(lp.error(), wire::errc::disc_loopback_address);
    auto bs = co_await dc.post_entry(e);
    EXPECT_EQ(bs.error(), disc::errc::unauthorized);
    // Health.
    r = co_await raw(http_method::get, url + "/health");
    EXPECT_EQ(r.status, 200u);
    auto hv = boost::json::parse(r.body);
    EXPECT_EQ(hv.at("build_info").at("version").as_string(), "unknown");
    EXPECT_TRUE(hv.at("started_at").as_string().ends_with("Z"));
  });
}

TEST(Discovery, TestModeServersOrderingAndExpiry) {
  harness h;
  h.opt.api.test_mode = true;
  h.run([&](service& svc, std::string url) -> asio::awaitable<void> {
    auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
    const std::int64_t sessions[] = {5, 100, 0, 42, -1};
    for (int i = 0; i < 5; ++i) {
      auto kp = keys("server-" + std::to_string(i));
      auto e = server_entry(kp, 0, h.now(), "127.0.0.1:" + std::to_string(8000 + i), sessions[i]);
      auto r = co_await dc.post_entry(e);
      EXPECT_TRUE(r) << r.error().message();
    }
    auto avail = co_await dc.available_servers();
    EXPECT_TRUE(avail);
    EXPECT_EQ(avail->size(), 3u);
    if (avail->size() == 3) {
      EXPECT_EQ((*avail)[0].server->available_sessions, 100);
      EXPECT_EQ((*avail)[1].server->available_sessions, 42);
      EXPECT_EQ((*avail)[2].server->available_sessions, 5);
    }
    auto all = co_await dc.all_servers();
    EXPECT_EQ(all->size(), 5u);
    // A client entry with ?timeout=true expires after 3 min, a plain one never.
    auto tc = client_entry(keys("timeout-client"), 0, h.now());
    auto r = co_await raw(http_method::post, url + "/dmsg-discovery/entry/?timeout=true", wire::disc::to_json(tc));
    EXPECT_EQ(r.status, 200u);
    auto pc = client_entry(keys("plain-client"), 0, h.now());
    auto ok1 = co_await dc.post_entry(pc);
    EXPECT_TRUE(ok1);
    // Server entries live 2 min.
    h.clock.advance(119s);
    auto ok2 = co_await dc.get_entry(keys("server-1").pk);
    EXPECT_TRUE(ok2);
    h.clock.advance(2s);
    auto gone = co_await dc.get_entry(keys("server-1").pk);
    EXPECT_EQ(gone.error(), disc::errc::entry_not_found);
    auto none = co_await dc.all_servers();
    EXPECT_EQ(none.error(), disc::errc::no_available_servers);
    auto sweep1 = svc.api().sweep();
    EXPECT_EQ(*co_await std::move(sweep1), 5u);
    h.clock.advance(60s);
    auto sweep2 = svc.api().sweep();
    EXPECT_EQ(*co_await std::move(sweep2), 1u);
    auto pks = co_await dc.client_pks();
    EXPECT_EQ(*pks, std::vector<crypto::public_key>{pc.static_pk});
  });
}

// --auth / --official-servers: the stored serverType is the discovery's verdict, the posted
// signature is kept, and an unset passphrase never matches (stricter than Go).
TEST(Discovery, ServersClassifiedOfficialOrCommunity) {
  harness h;
  h.opt.api.test_mode = true;
  h.opt.api.auth_passphrase = "s3cret";
  h.opt.api.official_servers = {keys("listed").pk};
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
    const struct {
      const char* seed;
      const char* posted;
      const char* stored;
    } cases[] = {{"with-pass", "s3cret", "official"},
                 {"wrong-pass", "guess", "community"},
                 {"no-type", "", "community"},
                 {"listed", "", "official"},
                 {"claims-official", "official", "community"}};
    for (const auto& c : cases) {
      auto kp = keys(c.seed);
      auto e = wire::disc::make_server_entry(kp.pk, 0, h.now(), "127.0.0.1:9000", 10);
      e.server->server_type = c.posted;
      wire::disc::sign(e, kp.sk);
      auto posted = co_await dc.post_entry(e);
      EXPECT_TRUE(posted) << c.seed;
      auto got = co_await dc.get_entry(kp.pk);
      EXPECT_TRUE(got && got->server) << c.seed;
      if (!got || !got->server) continue;
      EXPECT_EQ(got->server->server_type, c.stored) << c.seed;
      EXPECT_EQ(got->signature, e.signature) << c.seed << ": the posted signature is kept";
    }
  });

  harness plain;  // neither option: entries are stored as posted
  plain.opt.api.test_mode = true;
  plain.run([&](service&, std::string url) -> asio::awaitable<void> {
    auto dc = make_client(co_await asio::this_coro::executor, url, plain.clock);
    auto kp = keys("as-posted");
    auto e = wire::disc::make_server_entry(kp.pk, 0, plain.now(), "127.0.0.1:9000", 10);
    wire::disc::sign(e, kp.sk);
    EXPECT_TRUE(co_await dc.post_entry(e));
    auto got = co_await dc.get_entry(kp.pk);
    EXPECT_TRUE(got && got->server && got->server->server_type.empty());
  });
}

TEST(Discovery, ClientPutDeleteAndVisors) {
  harness h;
  const auto kp = keys("put-delete");
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
    auto e = wire::disc::make_client_entry(kp.pk, 0, 0, std::vector<crypto::public_key>{keys("s").pk});
    e.client_type = "visor";
    auto first = co_await dc.put_entry(e, kp.sk);  // nothing stored: posted as sequence 0
    EXPECT_TRUE(first) << first.error().message();
    EXPECT_EQ(e.sequence, 0u);
    h.clock.advance(1s);
    auto second = co_await dc.put_entry(e, kp.sk);
    EXPECT_TRUE(second) << second.error().message();
    EXPECT_EQ(e.sequence, 1u);
    auto got = co_await dc.get_entry(kp.pk);
    EXPECT_EQ(*got, e);
    auto visors = co_await raw(http_method::get, url + "/dmsg-discovery/visorEntries");
    EXPECT_EQ(visors.body, "[\"" + kp.pk.to_hex() + "\"]");
    // A stale copy (sequence 0) still gets through put_entry: it re-reads the current one.
    auto stale = wire::disc::make_client_entry(kp.pk, 0, 0, std::nullopt);
    auto third = co_await dc.put_entry(stale, kp.sk);
    EXPECT_TRUE(third);
    EXPECT_EQ(stale.sequence, 2u);
    // DELETE with a bad signature, then properly.
    auto forged = stale;
    forged.sequence = 99;
    auto bad = co_await dc.delete_entry(forged);
    EXPECT_EQ(bad.error(), disc::errc::unauthorized);
    auto del = co_await raw(http_method::delete_, url + "/dmsg-discovery/entry", wire::disc::to_json(stale));
    EXPECT_EQ(del.status, 200u);
    EXPECT_EQ(del.body, msg(200, "deleted entry"));
    auto after = co_await dc.get_entry(kp.pk);
    EXPECT_EQ(after.error(), disc::errc::entry_not_found);
    auto ok3 = co_await dc.delete_entry(stale);
    EXPECT_TRUE(ok3);  // nothing stored: still 200
  });
}

TEST(Discovery, Deregister) {
  harness h;
  const auto nm = keys("network-monitor");
  const auto victim = keys("victim");
  h.opt.api.nm_whitelist = {nm.pk};
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
    auto victim_entry = client_entry(victim, 0, h.now());
    auto ok4 = co_await dc.post_entry(victim_entry);
    EXPECT_TRUE(ok4);
    const std::string nm_hex = nm.pk.to_hex();
    const std::string sig = crypto::sign_payload(as_bytes(nm_hex), nm.sk).to_hex();
    net::http_client c(co_await asio::this_coro::executor);
    std::string dereg = url + "/dmsg-discovery/deregister";
    std::string keys_body = "[\"" + victim.pk.to_hex() + "\"]";
    net::http_headers no_auth{{"NM-PK", victim.pk.to_hex()}, {"NM-Sign", sig}};
    auto op1 = c.request(http_method::delete_, dereg, keys_body, no_auth);
    auto r1 = co_await std::move(op1);
    EXPECT_EQ(r1->status, 403u);
    net::http_headers auth{{"NM-PK", nm_hex}, {"NM-Sign", sig}};
    auto op2 = c.request(http_method::delete_, dereg, keys_body, auth);
    auto r2 = co_await std::move(op2);
    EXPECT_EQ(r2->status, 200u);
    EXPECT_EQ(r2->body, "null");
    auto gone = co_await dc.get_entry(victim.pk);
    EXPECT_EQ(gone.error(), disc::errc::entry_not_found);
  });
}

TEST(Discovery, HugeBodyRefusedAndServiceStaysUp) {
  harness h;
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    std::string huge(10 * 1024 * 1024, ' ');
    net::http_client c(co_await asio::this_coro::executor);
    auto op = c.request(http_method::post, url + "/dmsg-discovery/entry/", std::move(huge));
    auto r = co_await std::move(op);
    // Either the 413 arrives or the upload is cut off; nothing is buffered beyond the limit.
    if (r) {
      EXPECT_EQ(r->status, 413u);
      EXPECT_EQ(r->body, msg(413, "request body too large"));
    }
    auto ok = co_await raw(http_method::get, url + "/health");
    EXPECT_EQ(ok.status, 200u);
    // Just above the 64 KiB limit: a clean 413.
    std::string big(64 * 1024 + 1, ' ');
    auto r2 = co_await raw(http_method::post, url + "/dmsg-discovery/entry/", std::move(big));
    EXPECT_EQ(r2.status, 413u);
  });
}

asio::awaitable<void> post_one(disc::client& dc, entry e, int& ok) {
  auto op = dc.post_entry(std::move(e));
  auto r = co_await std::move(op);
  if (r) ++ok;
}

TEST(Discovery, FiftyConcurrentClients) {
  harness h;
  h.run([&](service&, std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto dc = make_client(ex, url, h.clock);
    int ok = 0;
    net::task_group g(ex, 64);
    for (int i = 0; i < 50; ++i) {
      auto e = client_entry(keys("concurrent-" + std::to_string(i)), 0, h.now());
      EXPECT_TRUE(g.spawn(post_one(dc, std::move(e), ok)));
    }
    co_await g.join();
    EXPECT_EQ(ok, 50);
    auto pks = co_await dc.client_pks();
    EXPECT_EQ(pks->size(), 50u);
  });
}

TEST(Discovery, SqliteRestartKeepsEntries) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("skywire-disc-restart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "disc.db").string();
  const auto kp = keys("persistent");
  entry posted;
  {
    harness h;
    h.db = std::move(*open_sqlite_store(path));
    posted = client_entry(kp, 3, h.now());
    h.run([&](service&, std::string url) -> asio::awaitable<void> {
      auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
      auto ok5 = co_await dc.post_entry(posted);
      EXPECT_TRUE(ok5);
    });
  }
  {
    harness h;
    h.db = std::move(*open_sqlite_store(path));
    h.run([&](service&, std::string url) -> asio::awaitable<void> {
      auto dc = make_client(co_await asio::this_coro::executor, url, h.clock);
      auto e = co_await dc.get_entry(kp.pk);
      EXPECT_TRUE(e);
      if (e) {
        EXPECT_EQ(*e, posted);
      }
      auto again = co_await dc.post_entry(posted);  // the old sequence is still known
      EXPECT_EQ(again.error(), wire::errc::disc_wrong_sequence);
    });
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace skywire::svc::dmsg_discovery
