// The route finder on 127.0.0.1:0 over a real transport discovery (its memory store filled
// directly, read back by the route finder through GET /all-transports), driven by raw HTTP for
// the exact bytes and by disc::rf_client: B.4's request and answer, shortest-first paths of 1 to
// 3 hops, the hop bounds, Go's 404 bodies and their order, malformed bodies (400, 413), hostile
// sizes, /health and unknown routes, loop routes, and the graph cache (one refresh shared by
// concurrent requests, refreshed after max_age, a stale graph served during a short discovery
// outage and a 500 after it).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <string>

#include "httpauth/nonce_store.hpp"
#include "route-finder/service.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "transport-discovery/service.hpp"

namespace skywire::svc::route_finder {
namespace {

namespace asio = boost::asio;
namespace wt = wire::transport;
namespace tpd = svc::transport_discovery;
using namespace std::chrono_literals;
using disc::rf_edge;
using disc::rf_options;
using net::http_method;

crypto::public_key pk(std::string_view seed) { return crypto::deterministic_key_pair(as_bytes(seed))->pk; }

// Appendix B keys.
const std::string pk1_hex = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
const std::string pk2_hex = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";

struct running {
  std::string url;          // the route finder
  std::string tpd_url;
  asio::any_io_executor ex;
  cached_source* source = nullptr;
  tpd::service* tpd = nullptr;
  bool tpd_stopped = false;
};

struct harness {
  base::manual_clock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
  std::unique_ptr<tpd::store> db = tpd::make_memory_store();
  std::unique_ptr<svc::httpauth::nonce_store> nonces = svc::httpauth::make_memory_nonce_store();
  cache_options cache;
  service_options opt;
  harness() {
    opt.host = "127.0.0.1";
    opt.port = 0;
  }

  void run(std::function<asio::awaitable<void>(running&)> body) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex_op = asio::this_coro::executor;
      auto ex = co_await std::move(ex_op);
      tpd::service_options topt;
      topt.host = "127.0.0.1";
      topt.port = 0;
      tpd::service discovery(ex, *db, *nonces, clock, base::make_null_logger("tpd"), topt);
      auto tport = discovery.start();
      EXPECT_TRUE(tport);
      running r;
      r.ex = ex;
      r.tpd = &discovery;
      r.tpd_url = "http://127.0.0.1:" + std::to_string(tport ? *tport : 0);
      auto http = std::make_shared<net::http_client>(ex, tpd_http_options());
      cached_source source(ex, make_tpd_fetcher(http, r.tpd_url), clock, base::make_null_logger("rf"), cache);
      r.source = &source;
      service rf(ex, source, clock, base::make_null_logger("rf"), opt);
      auto port = rf.start();
      EXPECT_TRUE(port);
      r.url = "http://127.0.0.1:" + std::to_string(port ? *port : 0);
      auto test_body = body(r);
      co_await std::move(test_body);
      co_await rf.shutdown(1s);
      if (!r.tpd_stopped) co_await discovery.shutdown(1s);
    }());
  }

  asio::awaitable<void> link(crypto::public_key a, crypto::public_key b, std::string type = "stcpr") {
    auto op = db->register_transport(wt::make_entry(a, b, type, wt::label_user));
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
  }
};

asio::awaitable<net::http_response> raw(http_method m, std::string url, std::string body = {}) {
  auto ex_op = asio::this_coro::executor;
  auto ex = co_await std::move(ex_op);
  net::http_client c(ex);
  net::http_headers h{{"Content-Type", "application/json"}};
  auto op = c.request(m, std::move(url), std::move(body), std::move(h));
  auto r = co_await std::move(op);
  EXPECT_TRUE(r) << r.error().message();
  co_return r ? std::move(*r) : net::http_response{};
}

asio::awaitable<net::http_response> post_routes(std::string url, std::string body) {
  auto op = raw(http_method::post, std::move(url) + "/routes", std::move(body));
  co_return co_await std::move(op);
}

std::string error_body(unsigned code, std::string_view message) {
  return R"({"error":{"message":")" + std::string(message) + R"(","code":)" + std::to_string(code) + "}}";
}

std::string request(const std::vector<rf_edge>& edges, std::optional<rf_options> opts = rf_options{0, 50}) {
  return disc::rf_request_json(edges, opts);
}

TEST(RouteFinder, B4RequestGetsB4Answer) {
  harness h;
  const auto pk1 = *crypto::public_key::from_text(pk1_hex);
  const auto pk2 = *crypto::public_key::from_text(pk2_hex);
  h.run([&](running& r) -> asio::awaitable<void> {
    auto l = h.link(pk1, pk2);
    co_await std::move(l);
    const std::string b4_request = R"({"Edges":[")" + pk1_hex + ":" + pk2_hex + R"("],"Opts":{"MinHops":0,"MaxHops":50}})";
    auto op = post_routes(r.url, b4_request);
    auto res = co_await std::move(op);
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(res.header("Content-Type"), "application/json");
    EXPECT_EQ(res.body, R"({")" + pk1_hex + ":" + pk2_hex + R"(":[[{"TpID":"a283e9bc-e5b4-03f8-a640-a4c189c21e04","From":")" +
                            pk1_hex + R"(","To":")" + pk2_hex + R"("}]]})");
  });
}

TEST(RouteFinder, ShortestFirstPathsOfOneToThreeHopsAndHopBounds) {
  harness h;
  const auto a = pk("a"), b = pk("b"), c = pk("c"), d = pk("d"), e = pk("e");
  h.run([&](running& r) -> asio::awaitable<void> {
    const std::vector<std::pair<crypto::public_key, crypto::public_key>> links{
        {a, b}, {a, c}, {c, b}, {a, d}, {d, e}, {e, b}};
    for (const auto& [x, y] : links) {
      auto l = h.link(x, y);
      co_await std::move(l);
    }
    auto http = std::make_shared<net::http_client>(r.ex);
    disc::rf_client rf(http, r.url);
    std::vector<rf_edge> both{{a, b}, {b, a}};
    auto op = rf.find_routes(both, rf_options{0, 50});
    auto routes = co_await std::move(op);
    EXPECT_TRUE(routes) << routes.error().message();
    if (routes) {
      for (const auto& edge : both) {
        const auto& paths = routes->at(edge);
        EXPECT_EQ(paths.size(), 3u);
        if (paths.size() != 3) continue;
        EXPECT_EQ(paths[0].size(), 1u);
        EXPECT_EQ(paths[1].size(), 2u);
        EXPECT_EQ(paths[2].size(), 3u);
      }
      const auto& three = routes->at({a, b})[2];
      EXPECT_EQ(three[0].to, d);
      EXPECT_EQ(three[1].tp_id, wt::make_transport_id(d, e, wt::type_stcpr));
      EXPECT_EQ(three[2].to, b);
    }

    std::vector<rf_edge> ab{{a, b}};
    auto min_op = rf.find_routes(ab, rf_options{2, 50});
    auto min2 = co_await std::move(min_op);
    EXPECT_TRUE(min2 && min2->at({a, b}).size() == 2 && min2->at({a, b})[0].size() == 2);
    auto exact_op = rf.find_routes(ab, rf_options{3, 3});
    auto exact3 = co_await std::move(exact_op);
    EXPECT_TRUE(exact3 && exact3->at({a, b}).size() == 1 && exact3->at({a, b})[0].size() == 3);
    auto max_op = rf.find_routes(ab, rf_options{0, 1});
    auto max1 = co_await std::move(max_op);
    EXPECT_TRUE(max1 && max1->at({a, b}).size() == 1);

    auto pair_op = rf.find_route_pair(a, b, rf_options{2, 50});
    auto pair = co_await std::move(pair_op);
    EXPECT_TRUE(pair && pair->forward.size() == 2 && pair->reverse.size() == 2);

    auto loop_op = rf.find_route_pair(a, a, rf_options{0, 2});
    auto loop = co_await std::move(loop_op);
    EXPECT_TRUE(loop) << "a loop route, as Go's ping asks";
    if (loop) {
      EXPECT_EQ(loop->forward.size(), 2u);
      EXPECT_EQ(loop->forward.front().from, a);
      EXPECT_EQ(loop->forward.back().to, a);
    }
  });
}

TEST(RouteFinder, GoBodiesFor404InGosOrder) {
  harness h;
  const auto a = pk("a"), b = pk("b"), x = pk("x"), y = pk("y"), nobody = pk("nobody");
  h.run([&](running& r) -> asio::awaitable<void> {
    auto l1 = h.link(a, b);
    co_await std::move(l1);
    auto l2 = h.link(x, y);
    co_await std::move(l2);
    struct expect {
      std::string body;
      std::string message;
    };
    const std::vector<expect> cases = {
        {request({{nobody, b}}), "transport not found"},
        {request({{a, x}}), "no route to destination"},
        {request({{a, b}}, std::nullopt), "route not found"},  // Opts null: 0/0
        {request({{a, b}}, rf_options{2, 50}), "route not found"},
        // Every source is looked up before any edge is searched (Go builds the graphs first).
        {request({{a, x}, {nobody, b}}), "transport not found"},
        {request({{a, b}, {a, x}}), "no route to destination"},
    };
    for (const auto& c : cases) {
      auto op = post_routes(r.url, c.body);
      auto res = co_await std::move(op);
      EXPECT_EQ(res.status, 404u) << c.body;
      EXPECT_EQ(res.body, error_body(404, c.message)) << c.body;
      EXPECT_EQ(res.header("Content-Type"), "application/json");
    }
    auto http = std::make_shared<net::http_client>(r.ex);
    disc::rf_client rf(http, r.url);
    std::vector<rf_edge> unknown{{nobody, b}};
    auto op = rf.find_routes(unknown, rf_options{});
    auto res = co_await std::move(op);
    EXPECT_EQ(res.error(), disc::errc::no_route);
  });
}

TEST(RouteFinder, MalformedBodiesAre400AndGoLeniencyIsKept) {
  harness h;
  const auto a = pk("a"), b = pk("b");
  h.opt.max_body = 16 * 1024;
  h.run([&](running& r) -> asio::awaitable<void> {
    auto l = h.link(a, b);
    co_await std::move(l);
    const std::string edge = disc::rf_edge_text({a, b});
    const std::vector<std::string> bad = {
        "",
        "not json",
        "[1]",
        "{} trailing",
        R"({"Edges":[1]})",
        R"({"Edges":"x"})",
        R"({"Edges":["abc"]})",
        R"({"Edges":[")" + a.to_hex() + R"("]})",  // 66 characters: Go panics (500)
        R"({"Edges":[")" + a.to_hex() + ":" + b.to_hex().substr(1) + "x" + R"("]})",
        R"({"Edges":[")" + edge + R"("],"Opts":5})",
        R"({"Edges":[")" + edge + R"("],"Opts":{"MinHops":-1}})",
        R"({"Edges":[")" + edge + R"("],"Opts":{"MaxHops":65536}})",
        R"({"Edges":[")" + edge + R"("],"Opts":{"MaxHops":1.5}})",
        R"({"Edges":[")" + edge + R"("],"Opts":{"MaxHops":"50"}})",
    };
    for (const auto& body : bad) {
      auto op = post_routes(r.url, body);
      auto res = co_await std::move(op);
      EXPECT_EQ(res.status, 400u) << body;
      EXPECT_NE(res.body.find(R"(,"code":400}})"), std::string::npos) << body << " -> " << res.body;
    }

    // As Go's decoder: keys in any case, unknown keys ignored, duplicates answered once, a
    // null body or no edges answer {}.
    const std::string loose = R"({"edges":[")" + edge + R"(",")" + edge + R"("],"opts":{"minhops":0,"MAXHOPS":9},"x":[1]})";
    auto loose_op = post_routes(r.url, loose);
    auto loose_res = co_await std::move(loose_op);
    EXPECT_EQ(loose_res.status, 200u) << loose_res.body;
    disc::rf_routes one{{{a, b}, {{disc::rf_hop{wt::make_transport_id(a, b, wt::type_stcpr), a, b}}}}};
    EXPECT_EQ(loose_res.body, disc::rf_routes_json(one));
    for (const std::string body : {"null", "{}", R"({"Edges":[]})", R"({"Edges":null,"Opts":null})"}) {
      auto op = post_routes(r.url, body);
      auto res = co_await std::move(op);
      EXPECT_EQ(res.status, 200u) << body;
      EXPECT_EQ(res.body, "{}") << body;
    }
  });
}

TEST(RouteFinder, HostileSizesAreBounded) {
  harness h;
  h.opt.max_body = 16 * 1024;
  std::vector<crypto::public_key> chain;
  for (int i = 0; i <= 56; ++i) chain.push_back(pk("chain" + std::to_string(i)));
  h.run([&](running& r) -> asio::awaitable<void> {
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
      auto l = h.link(chain[i], chain[i + 1]);
      co_await std::move(l);
    }
    // More edges than allowed, and a body over max_body.
    std::vector<rf_edge> many;
    for (std::size_t i = 0; i <= disc::max_rf_edges; ++i) many.push_back({chain[0], pk("far" + std::to_string(i))});
    auto many_op = post_routes(r.url, request(many));
    auto many_res = co_await std::move(many_op);
    EXPECT_EQ(many_res.status, 400u);
    EXPECT_EQ(many_res.body, error_body(400, "too many edges (at most 64)"));
    auto huge_op = post_routes(r.url, R"({"Edges":[],"x":")" + std::string(20000, 'x') + R"("})");
    auto huge = co_await std::move(huge_op);
    EXPECT_EQ(huge.status, 413u);
    EXPECT_NE(huge.body.find(R"("code":413)"), std::string::npos) << huge.body;
    auto deep_op = post_routes(r.url, R"({"x":)" + std::string(100, '[') + std::string(100, ']') + "}");
    auto deep = co_await std::move(deep_op);
    EXPECT_EQ(deep.status, 400u);

    // MaxHops above 50 is 50: the 50-hop path is found, the 55-hop one is not.
    auto fifty_op = post_routes(r.url, request({{chain[0], chain[50]}}, rf_options{0, 65535}));
    auto fifty = co_await std::move(fifty_op);
    EXPECT_EQ(fifty.status, 200u);
    auto parsed = disc::parse_rf_routes(fifty.body);
    EXPECT_TRUE(parsed && parsed->at({chain[0], chain[50]}).front().size() == 50u);
    auto far_op = post_routes(r.url, request({{chain[0], chain[55]}}, rf_options{0, 65535}));
    auto far = co_await std::move(far_op);
    EXPECT_EQ(far.status, 404u);
    EXPECT_EQ(far.body, error_body(404, "route not found"));
  });
}

TEST(RouteFinder, HealthAndUnknownRoutes) {
  harness h;
  h.run([&](running& r) -> asio::awaitable<void> {
    auto health_op = raw(http_method::get, r.url + "/health");
    auto health = co_await std::move(health_op);
    EXPECT_EQ(health.status, 200u);
    EXPECT_EQ(health.body, R"({"build_info":{"version":"unknown","commit":"unknown","date":"unknown"},)"
                           R"("started_at":"2023-11-14T22:13:20Z"})");
    auto get_op = raw(http_method::get, r.url + "/routes");
    auto get = co_await std::move(get_op);
    EXPECT_EQ(get.status, 405u);
    auto other_op = raw(http_method::get, r.url + "/nope");
    auto other = co_await std::move(other_op);
    EXPECT_EQ(other.status, 404u);
    EXPECT_EQ(other.body, "404 page not found\n");
  });
}

asio::awaitable<bool> ask(std::string url, rf_edge edge) {
  auto op = post_routes(std::move(url), request({edge}));
  auto res = co_await std::move(op);
  co_return res.status == 200;
}

TEST(RouteFinder, GraphCacheSharesRefreshesAndOutlivesShortOutages) {
  harness h;
  const auto a = pk("a"), b = pk("b"), c = pk("c");
  h.run([&](running& r) -> asio::awaitable<void> {
    auto l = h.link(a, b);
    co_await std::move(l);
    // Concurrent requests on a cold cache: one fetch for all of them.
    int done = 0, ok = 0;
    for (int i = 0; i < 8; ++i) {
      auto q = ask(r.url, {a, b});
      asio::co_spawn(r.ex, std::move(q), [&](std::exception_ptr, bool good) {
        ++done;
        ok += good ? 1 : 0;
      });
    }
    for (int i = 0; i < 1000 && done < 8; ++i) {
      asio::steady_timer t(r.ex, 5ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_EQ(ok, 8);
    EXPECT_EQ(r.source->refreshes(), 1u);

    // A transport registered now is routable once the graph is older than max_age (1 s).
    auto l2 = h.link(b, c);
    co_await std::move(l2);
    auto young_op = post_routes(r.url, request({{a, c}}));
    auto young = co_await std::move(young_op);
    EXPECT_EQ(young.status, 404u) << "the cached graph is younger than 1 s";
    h.clock.advance(1s);
    auto fresh_op = post_routes(r.url, request({{a, c}}));
    auto fresh = co_await std::move(fresh_op);
    EXPECT_EQ(fresh.status, 200u);
    EXPECT_EQ(r.source->refreshes(), 2u);

    // The discovery goes away: the last graph is served for max_stale (30 s), then a 500.
    co_await r.tpd->shutdown(1s);
    r.tpd_stopped = true;
    h.clock.advance(2s);
    auto stale_op = post_routes(r.url, request({{a, c}}));
    auto stale = co_await std::move(stale_op);
    EXPECT_EQ(stale.status, 200u) << stale.body;
    EXPECT_EQ(r.source->refreshes(), 3u);
    auto again_op = post_routes(r.url, request({{a, c}}));
    auto again = co_await std::move(again_op);
    EXPECT_EQ(again.status, 200u);
    EXPECT_EQ(r.source->refreshes(), 3u) << "a failed refresh is not retried before max_age";
    h.clock.advance(40s);
    auto gone_op = post_routes(r.url, request({{a, c}}));
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.status, 500u);
    EXPECT_NE(gone.body.find(R"("code":500)"), std::string::npos) << gone.body;
  });
}

TEST(RouteFinder, InProcessSourceReadsTheDiscoveryStoreDirectly) {
  // What `svc all` can do: the route finder and the transport discovery in one process, the
  // graph fetched from the store without HTTP.
  auto db = tpd::make_memory_store();
  base::manual_clock clock;
  const auto a = pk("a"), b = pk("b");
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex_op = asio::this_coro::executor;
    auto ex = co_await std::move(ex_op);
    auto reg_op = db->register_transport(wt::make_entry(a, b, wt::type_dmsg, wt::label_user));
    auto reg = co_await std::move(reg_op);
    EXPECT_TRUE(reg);
    auto& store = *db;
    cached_source source(ex, [&store] { return store.all(); }, clock, base::make_null_logger("rf"), {});
    auto g_op = source.current();
    auto g = co_await std::move(g_op);
    EXPECT_TRUE(g);
    if (g) {
      auto paths = (*g)->shortest(b, a, rf_options{0, 50}, 5);
      EXPECT_TRUE(paths && paths->front().front().tp_id == wt::make_transport_id(a, b, wt::type_dmsg));
    }
  }());
}

}  // namespace
}  // namespace skywire::svc::route_finder
