// disc::rf_client: the pure codec (B.4's request and answer bytes, edge text, the path checks)
// and the client against a stand-in route finder (net::http_server on 127.0.0.1:0) that answers
// what a hostile or broken server could: looping, broken, misdirected, too long or too many
// paths, unasked or missing edges, 404 and other statuses, and transient errors that
// find_route_pair retries. The real service is exercised in services/route-finder/tests.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <string>

#include "skywire/disc/errc.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_server.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::disc {
namespace {

namespace asio = boost::asio;
namespace wt = wire::transport;
using namespace std::chrono_literals;

crypto::public_key pk(std::string_view seed) { return crypto::deterministic_key_pair(as_bytes(seed))->pk; }

// Appendix B keys.
const std::string pk1_hex = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
const std::string pk2_hex = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";

rf_hop hop(const crypto::public_key& from, const crypto::public_key& to, std::string_view type = wt::type_stcpr) {
  return {wt::make_transport_id(from, to, type), from, to};
}

TEST(RfCodec, RequestAndAnswerAreB4sBytes) {
  const auto pk1 = *crypto::public_key::from_text(pk1_hex);
  const auto pk2 = *crypto::public_key::from_text(pk2_hex);
  EXPECT_EQ(rf_request_json({{pk1, pk2}}, rf_options{0, 50}),
            R"({"Edges":[")" + pk1_hex + ":" + pk2_hex + R"("],"Opts":{"MinHops":0,"MaxHops":50}})");
  EXPECT_EQ(rf_request_json({{pk1, pk2}}, std::nullopt),
            R"({"Edges":[")" + pk1_hex + ":" + pk2_hex + R"("],"Opts":null})");

  const std::string answer = R"({")" + pk1_hex + ":" + pk2_hex +
                             R"(":[[{"TpID":"a283e9bc-e5b4-03f8-a640-a4c189c21e04","From":")" + pk1_hex +
                             R"(","To":")" + pk2_hex + R"("}]]})";
  const rf_edge edge{pk1, pk2};
  rf_routes routes{{edge, {{hop(pk1, pk2)}}}};
  EXPECT_EQ(rf_routes_json(routes), answer) << "the B.4 transport id is MakeTransportID(pk1, pk2, stcpr)";
  auto parsed = parse_rf_routes(answer);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, routes);
  EXPECT_TRUE(check_rf_path(parsed->at(edge)[0], edge));
}

TEST(RfCodec, EdgeTextFollowsPathEdgesUnmarshalText) {
  const auto a = pk("a"), b = pk("b");
  auto e = parse_rf_edge(rf_edge_text({a, b}));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, (rf_edge{a, b}));
  std::string other_sep = rf_edge_text({a, b});
  other_sep[66] = '-';
  EXPECT_TRUE(parse_rf_edge(other_sep)) << "Go never looks at the separator";
  EXPECT_FALSE(parse_rf_edge(a.to_hex())) << "66 characters: Go slices past the end (a panic)";
  EXPECT_FALSE(parse_rf_edge(a.to_hex() + ":" + b.to_hex().substr(2)));
  EXPECT_FALSE(parse_rf_edge(a.to_hex() + ":" + b.to_hex() + "00"));
  auto zero = parse_rf_edge(std::string(66, '0') + ":");
  ASSERT_TRUE(zero) << "Go's '0'-only quirk: the null key";
  EXPECT_TRUE(zero->first.is_null() && zero->second.is_null());
}

TEST(RfCodec, AnswerParsingFollowsGoAndIsBounded) {
  const auto a = pk("a"), b = pk("b");
  const std::string key = rf_edge_text({a, b});
  const std::string tp = hop(a, b).tp_id.to_string();
  // Keys case-insensitive, unknown keys ignored, null paths are empty.
  auto loose = parse_rf_routes(R"({")" + key + R"(":[[{"tpid":")" + tp + R"(","FROM":")" + a.to_hex() +
                               R"(","to":")" + b.to_hex() + R"(","Extra":{"x":1}}]]})");
  ASSERT_TRUE(loose);
  EXPECT_EQ(loose->at({a, b}), std::vector<rf_path>{{hop(a, b)}});
  EXPECT_TRUE(parse_rf_routes("null")->empty());
  EXPECT_TRUE(parse_rf_routes(R"({")" + key + R"(":null})")->at({a, b}).empty());

  EXPECT_EQ(parse_rf_routes("[]").error(), errc::bad_response);
  EXPECT_EQ(parse_rf_routes(R"({"short":[]})").error(), errc::bad_response);
  EXPECT_EQ(parse_rf_routes(R"({")" + key + R"(":[[{"TpID":"not-a-uuid"}]]})").error(), errc::bad_response);
  EXPECT_EQ(parse_rf_routes(R"({")" + key + R"(":[[{"From":5}]]})").error(), errc::bad_response);
  EXPECT_EQ(parse_rf_routes(R"({")" + key + R"(":[[[[[[]]]]]]})").error(), errc::bad_response) << "depth";
  std::string six = R"({")" + key + R"(":[)";
  for (int i = 0; i < 6; ++i) six += std::string(i ? "," : "") + "[]";
  EXPECT_EQ(parse_rf_routes(six + "]}").error(), errc::bad_response) << "more than 5 paths";
  std::string long_path = R"({")" + key + R"(":[[)";
  for (std::size_t i = 0; i <= max_rf_hops; ++i) long_path += std::string(i ? "," : "") + "null";
  EXPECT_EQ(parse_rf_routes(long_path + "]]}").error(), errc::bad_response) << "more than 50 hops";
}

TEST(RfCodec, PathChecksRefuseLoopsBreaksAndWrongEnds) {
  const auto a = pk("a"), b = pk("b"), c = pk("c"), d = pk("d");
  const rf_edge ab{a, b};
  EXPECT_TRUE(check_rf_path({hop(a, b)}, ab));
  EXPECT_TRUE(check_rf_path({hop(a, c), hop(c, b)}, ab));
  EXPECT_EQ(check_rf_path({}, ab).error(), errc::bad_route);
  EXPECT_EQ(check_rf_path({hop(a, c)}, ab).error(), errc::bad_route) << "ends elsewhere";
  EXPECT_EQ(check_rf_path({hop(c, b)}, ab).error(), errc::bad_route) << "starts elsewhere";
  EXPECT_EQ(check_rf_path({hop(a, c), hop(d, b)}, ab).error(), errc::bad_route) << "broken";
  EXPECT_EQ(check_rf_path({hop(a, c), hop(c, a), hop(a, b)}, ab).error(), errc::bad_route) << "revisits a";
  EXPECT_EQ(check_rf_path({hop(a, c), hop(c, d), hop(d, c), hop(c, b)}, ab).error(), errc::bad_route);
  EXPECT_EQ(check_rf_path({hop(a, a), hop(a, b)}, ab).error(), errc::bad_route) << "a hop to itself";
  rf_hop nil = hop(a, b);
  nil.tp_id = {};
  EXPECT_EQ(check_rf_path({nil}, ab).error(), errc::bad_route) << "nil transport id";
  EXPECT_EQ(check_rf_path({rf_hop{}}, {crypto::public_key{}, crypto::public_key{}}).error(), errc::bad_route);
  rf_path too_long;
  auto prev = a;
  for (std::size_t i = 0; i < max_rf_hops; ++i) {
    const auto next = pk("n" + std::to_string(i));
    too_long.push_back(hop(prev, next));
    prev = next;
  }
  too_long.push_back(hop(prev, b));
  EXPECT_EQ(check_rf_path(too_long, ab).error(), errc::bad_route);
  too_long.erase(too_long.begin() + 1, too_long.begin() + 2);
  too_long[0].to = too_long[1].from;
  EXPECT_TRUE(check_rf_path(too_long, ab)) << "exactly 50 hops";

  // Loop routes (Go's ping): src == dst; only the last hop may come back, and out-and-back over
  // one transport is what Go's finder answers.
  const rf_edge aa{a, a};
  EXPECT_TRUE(check_rf_path({hop(a, c), hop(c, a)}, aa));
  EXPECT_TRUE(check_rf_path({hop(a, c), hop(c, d), hop(d, a)}, aa));
  EXPECT_EQ(check_rf_path({hop(a, c), hop(c, a), hop(a, c), hop(c, a)}, aa).error(), errc::bad_route);
  EXPECT_EQ(check_rf_path({hop(a, c), hop(c, d), hop(d, c), hop(c, a)}, aa).error(), errc::bad_route);
}

// A stand-in route finder answering whatever `answer` says; records the request.
struct stand_in {
  std::function<net::http_reply(const net::http_request&)> answer;
  std::string last_body, last_type;
  int requests = 0;

  void run(std::function<asio::awaitable<void>(std::shared_ptr<rf_client>)> body) {
    net::http_router r;
    r.add(net::http_method::post, "/routes", [this](const net::http_request& req) {
      ++requests;
      last_body = req.body;
      last_type = std::string(req.header("Content-Type"));
      return answer(req);
    });
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      net::http_server srv(ex, r.handler(), net::http_server_options{}, base::make_null_logger("rf"));
      auto port = srv.listen("127.0.0.1", 0);
      EXPECT_TRUE(port);
      EXPECT_TRUE(srv.start());
      auto http = std::make_shared<net::http_client>(ex);
      auto client = std::make_shared<rf_client>(http, "127.0.0.1:" + std::to_string(*port) + "/");
      auto test_body = body(client);
      co_await std::move(test_body);
      co_await srv.shutdown(1s);
    }());
  }
};

net::http_reply reply(unsigned status, std::string body) {
  net::http_reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(RfClient, AsksOnceForDistinctEdgesAndChecksTheAnswer) {
  const auto a = pk("a"), b = pk("b"), c = pk("c");
  const rf_edge ab{a, b}, ba{b, a};
  stand_in s;
  s.answer = [&](const net::http_request&) {
    return reply(200, rf_routes_json({{ab, {{hop(a, b)}, {hop(a, c), hop(c, b)}}}, {ba, {{hop(b, a)}}}}));
  };
  s.run([&](std::shared_ptr<rf_client> rf) -> asio::awaitable<void> {
    auto routes_op = rf->find_routes({ab, ba, ab}, rf_options{0, 50});
    auto routes = co_await std::move(routes_op);
    EXPECT_TRUE(routes);
    EXPECT_EQ(s.last_body, rf_request_json({ab, ba}, rf_options{0, 50})) << "duplicates sent once";
    EXPECT_EQ(s.last_type, "application/json");
    if (routes) {
      EXPECT_EQ(routes->at(ab).size(), 2u);
      EXPECT_EQ(routes->at(ba).front(), rf_path{hop(b, a)});
    }
    auto pair_op = rf->find_route_pair(a, b, rf_options{0, 50});
    auto pair = co_await std::move(pair_op);
    EXPECT_TRUE(pair);
    if (pair) {
      EXPECT_EQ(pair->forward, rf_path{hop(a, b)}) << "the first (shortest) path";
      EXPECT_EQ(pair->reverse, rf_path{hop(b, a)});
    }
    auto none_op = rf->find_routes({}, rf_options{});
    auto none = co_await std::move(none_op);
    EXPECT_TRUE(none && none->empty());
    EXPECT_EQ(s.requests, 2) << "no request for no edges";
    auto null_key_op = rf->find_routes({{a, crypto::public_key{}}}, rf_options{});
    auto null_key = co_await std::move(null_key_op);
    EXPECT_EQ(null_key.error(), boost::system::errc::invalid_argument);
  });
}

TEST(RfClient, RefusesForgedAnswers) {
  const auto a = pk("a"), b = pk("b"), c = pk("c"), d = pk("d");
  const rf_edge ab{a, b};
  struct forged {
    const char* what;
    rf_routes routes;
    error_code expected;
  };
  const std::vector<forged> cases = {
      {"a loop through the source", {{ab, {{hop(a, c), hop(c, a), hop(a, b)}}}}, errc::bad_route},
      {"a loop in the middle", {{ab, {{hop(a, c), hop(c, d), hop(d, c), hop(c, b)}}}}, errc::bad_route},
      {"a broken chain", {{ab, {{hop(a, c), hop(d, b)}}}}, errc::bad_route},
      {"ends at another key", {{ab, {{hop(a, c)}}}}, errc::bad_route},
      {"a good path after a bad one", {{ab, {{hop(a, b)}, {hop(a, c), hop(c, c), hop(c, b)}}}}, errc::bad_route},
      {"below MinHops", {{ab, {{hop(a, b)}}}}, errc::bad_route},  // asked with MinHops 2 below
      {"an edge not asked for", {{ab, {{hop(a, b)}}}, {{b, a}, {{hop(b, a)}}}}, errc::bad_response},
      {"no paths", {{ab, {}}}, errc::bad_response},
      {"nothing", {}, errc::bad_response},
  };
  std::size_t current = 0;
  stand_in s;
  s.answer = [&](const net::http_request&) { return reply(200, rf_routes_json(cases[current].routes)); };
  s.run([&](std::shared_ptr<rf_client> rf) -> asio::awaitable<void> {
    for (current = 0; current < cases.size(); ++current) {
      const rf_options opts{static_cast<std::uint16_t>(std::string_view(cases[current].what) == "below MinHops" ? 2 : 0),
                            50};
      auto r_op = rf->find_routes({ab}, opts);
      auto r = co_await std::move(r_op);
      EXPECT_FALSE(r) << cases[current].what;
      if (!r) {
        EXPECT_EQ(r.error(), cases[current].expected) << cases[current].what;
      }
    }
  });
}

TEST(RfClient, StatusesAnd404AndRetries) {
  const auto a = pk("a"), b = pk("b");
  stand_in s;
  s.answer = [&](const net::http_request&) {
    if (s.requests == 1) return reply(404, R"({"error":{"message":"route not found","code":404}})");
    if (s.requests <= 3) return reply(500, R"({"error":{"message":"boom","code":500}})");
    return reply(200, rf_routes_json({{{a, b}, {{hop(a, b)}}}, {{b, a}, {{hop(b, a)}}}}));
  };
  s.run([&](std::shared_ptr<rf_client> rf) -> asio::awaitable<void> {
    auto not_found_op = rf->find_route_pair(a, b, rf_options{}, rf_retry{1ms, 5});
    auto not_found = co_await std::move(not_found_op);
    EXPECT_EQ(not_found.error(), errc::no_route);
    EXPECT_EQ(s.requests, 1) << "a 404 is not retried (Go's router)";

    auto once_op = rf->find_routes({{a, b}}, rf_options{});
    auto once = co_await std::move(once_op);
    EXPECT_EQ(once.error(), errc::rejected);
    EXPECT_EQ(rf->last_error(), "status 500: boom");

    auto retried_op = rf->find_route_pair(a, b, rf_options{}, rf_retry{1ms, 5});
    auto retried = co_await std::move(retried_op);
    EXPECT_TRUE(retried) << "a 500, then a 200 on the second attempt";
    EXPECT_EQ(s.requests, 4);

    s.requests = 0;
    s.answer = [&](const net::http_request&) { return reply(503, "overloaded"); };
    auto gave_up_op = rf->find_route_pair(a, b, rf_options{}, rf_retry{1ms, 3});
    auto gave_up = co_await std::move(gave_up_op);
    EXPECT_EQ(gave_up.error(), errc::rejected);
    EXPECT_EQ(s.requests, 3) << "three attempts";
    EXPECT_EQ(rf->last_error(), "status 503: overloaded");
  });
}

TEST(RfClient, LoopRouteAsksOneEdge) {
  const auto a = pk("a"), c = pk("c");
  stand_in s;
  s.answer = [&](const net::http_request&) { return reply(200, rf_routes_json({{{a, a}, {{hop(a, c), hop(c, a)}}}})); };
  s.run([&](std::shared_ptr<rf_client> rf) -> asio::awaitable<void> {
    auto loop_op = rf->find_route_pair(a, a, rf_options{0, 2});
    auto loop = co_await std::move(loop_op);
    EXPECT_TRUE(loop);
    EXPECT_EQ(s.last_body, rf_request_json({{a, a}}, rf_options{0, 2}));
    if (loop) {
      EXPECT_EQ(loop->forward, loop->reverse);
    }
  });
}

TEST(RfClient, DeadServiceIsATransportError) {
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto http = std::make_shared<net::http_client>(ex);
    rf_client rf(http, "http://127.0.0.1:1");
    auto r_op = rf.find_routes({{pk("a"), pk("b")}}, rf_options{});
    auto r = co_await std::move(r_op);
    EXPECT_FALSE(r);
    EXPECT_NE(r.error().category(), category());
  }());
}

}  // namespace
}  // namespace skywire::disc
