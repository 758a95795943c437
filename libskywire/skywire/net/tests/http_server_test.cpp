// http_server on 127.0.0.1:0 with raw client sockets in the same io_context: routing, keep-alive,
// limits, connection cap and graceful stop.
#include "skywire/net/http_server.hpp"

#include "skywire/net/errc.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_parser.hpp"
#include "run.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <memory>
#include <chrono>
#include <string>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using test::run;

http_handler make_handler() {
  http_router r;
  r.add(http_method::get, "/hello", [](const http_request& req) {
    http_reply rep;
    rep.body = "{\"hello\":\"" + req.query_param("name").value_or("world") + "\"}";
    return rep;
  });
  r.add(http_method::post, "/echo", [](const http_request& req) {
    http_reply rep;
    rep.content_type = "text/plain";
    rep.body = req.body;
    return rep;
  });
  r.add_prefix(http_method::get, "/p/", [](const http_request& req) {
    http_reply rep;
    rep.body = req.path;
    return rep;
  });
  return r.handler();
}

asio::awaitable<tcp::socket> connect(std::uint16_t port) {
  tcp::socket s(co_await asio::this_coro::executor);
  const tcp::endpoint ep(asio::ip::address_v4::loopback(), port);
  co_await s.async_connect(ep, asio::use_awaitable);
  co_return s;
}

asio::awaitable<void> send(tcp::socket& s, std::string_view text) {
  co_await asio::async_write(s, asio::buffer(text.data(), text.size()), asio::use_awaitable);
}

// Reads one response; error (closed) when the server closed first.
asio::awaitable<result<http_response>> read_response(tcp::socket& s) {
  http_response_parser p(http_limits{16 * 1024, 1024 * 1024});
  std::array<std::uint8_t, 4096> buf;
  bytes pending;
  while (!p.done()) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return error_code(errc::closed);
    pending.insert(pending.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    std::size_t off = 0;
    while (off < pending.size() && !p.done()) {
      auto used = p.put(byte_view(pending).subspan(off));
      if (!used) co_return used.error();
      if (*used == 0) break;
      off += *used;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(off));
  }
  co_return p.release();
}

asio::awaitable<bool> closed_by_peer(tcp::socket& s) {
  std::array<char, 64> buf;
  auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
  (void)n;
  co_return ec == asio::error::eof || ec == asio::error::connection_reset;
}

TEST(HttpServer, RoutingKeepAliveAndPipelining) {
  asio::io_context ctx;
  run(ctx, []() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_server srv(ex, make_handler(), http_server_options{}, base::make_null_logger("t"));
    auto port = srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(port && *port != 0);
    EXPECT_TRUE(srv.start());
    auto s = co_await connect(*port);
    co_await send(s, "GET /hello?name=a%20b HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r1 = co_await read_response(s);
    EXPECT_TRUE(r1);
    EXPECT_EQ(r1->status, 200u);
    EXPECT_EQ(r1->body, "{\"hello\":\"a b\"}");
    EXPECT_EQ(r1->header("content-type"), "application/json");
    // Same connection, two pipelined requests.
    co_await send(s,
                  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                  "GET /p/x/y HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r2 = co_await read_response(s);
    auto r3 = co_await read_response(s);
    EXPECT_TRUE(r2 && r3);
    EXPECT_EQ(r2->body, "abc");
    EXPECT_EQ(r3->body, "/p/x/y");
    co_await send(s, "POST /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r4 = co_await read_response(s);
    auto r5 = co_await read_response(s);
    EXPECT_EQ(r4->status, 405u);
    EXPECT_EQ(r5->status, 404u);
    EXPECT_EQ(r5->body, "404 page not found\n");
    // Connection: close is honoured.
    co_await send(s, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r6 = co_await read_response(s);
    EXPECT_TRUE(r6);
    const auto v1 = co_await closed_by_peer(s);
    EXPECT_TRUE(v1);
    co_await srv.shutdown(1s);
  }());
}

TEST(HttpServer, LimitsAndMalformedRequests) {
  asio::io_context ctx;
  run(ctx, []() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_server_options opt;
    opt.max_body = 100;
    opt.error_reply = [](unsigned status, std::string_view reason) {
      http_reply r;
      r.status = status;
      r.body = "{\"message\":\"" + std::string(reason) + "\",\"code\":" + std::to_string(status) + "}";
      return r;
    };
    http_server srv(ex, make_handler(), opt, base::make_null_logger("t"));
    auto port = *srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(srv.start());
    {
      auto s = co_await connect(port);
      co_await send(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n");
      auto r = co_await read_response(s);
      EXPECT_TRUE(r);
      EXPECT_EQ(r->status, 413u);
      EXPECT_EQ(r->body, "{\"message\":\"request body too large\",\"code\":413}");
    }
    {  // chunked bodies are counted as they arrive
      auto s = co_await connect(port);
      const std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "64\r\n" + std::string(100, 'a') + "\r\n5\r\nbbbbb\r\n0\r\n\r\n";
      co_await send(s, req);
      auto r = co_await read_response(s);
      EXPECT_TRUE(r);
      EXPECT_EQ(r->status, 413u);
    }
    {
      auto s = co_await connect(port);
      const std::string req = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n";
      co_await send(s, req);
      auto r = co_await read_response(s);
      EXPECT_TRUE(r);
      EXPECT_EQ(r->status, 431u);
    }
    {
      auto s = co_await connect(port);
      co_await send(s, "GARBAGE\r\n\r\n");
      auto r = co_await read_response(s);
      EXPECT_TRUE(r);
      EXPECT_EQ(r->status, 400u);
    }
    co_await srv.shutdown(1s);
  }());
}

TEST(HttpServer, ReadTimeoutAndConnectionCap) {
  asio::io_context ctx;
  run(ctx, []() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_server_options opt;
    opt.max_connections = 1;
    opt.read_timeout = 200ms;
    http_server srv(ex, make_handler(), opt, base::make_null_logger("t"));
    auto port = *srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(srv.start());
    auto a = co_await connect(port);
    co_await send(a, "GET /hel");  // a started, unfinished request
    asio::steady_timer t(ex, 50ms);
    co_await t.async_wait(asio::use_awaitable);
    EXPECT_EQ(srv.connections(), 1u);
    auto b = co_await connect(port);
    const auto v2 = co_await closed_by_peer(b);
    EXPECT_TRUE(v2);  // over the cap: closed at once
    const auto v3 = co_await closed_by_peer(a);
    EXPECT_TRUE(v3);  // read timeout
    t.expires_after(50ms);
    co_await t.async_wait(asio::use_awaitable);
    EXPECT_EQ(srv.connections(), 0u);
    auto c = co_await connect(port);  // a slot is free again
    co_await send(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = co_await read_response(c);
    EXPECT_TRUE(r && r->status == 200u);
    co_await srv.shutdown(1s);
  }());
}

TEST(HttpServer, GracefulStop) {
  asio::io_context ctx;
  run(ctx, []() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_server srv(ex, make_handler(), http_server_options{}, base::make_null_logger("t"));
    auto port = *srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(srv.start());
    auto idle = co_await connect(port);
    auto busy = co_await connect(port);
    co_await send(idle, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto v4 = co_await read_response(idle);
    EXPECT_TRUE(v4);  // now idle in keep-alive
    co_await send(busy, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
    asio::steady_timer t(ex, 50ms);
    co_await t.async_wait(asio::use_awaitable);
    srv.stop();
    const auto v5 = co_await closed_by_peer(idle);
    EXPECT_TRUE(v5);
    // The in-flight request still completes, with Connection: close.
    co_await send(busy, "cd");
    auto r = co_await read_response(busy);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->body, "abcd");
    EXPECT_EQ(r->header("connection"), "close");
    const auto v6 = co_await closed_by_peer(busy);
    EXPECT_TRUE(v6);
    co_await srv.join();
    EXPECT_EQ(srv.connections(), 0u);
    // The listener is gone.
    tcp::socket s(ex);
    const tcp::endpoint ep(asio::ip::address_v4::loopback(), port);
    auto [ec] = co_await s.async_connect(ep, asio::as_tuple(asio::use_awaitable));
    EXPECT_TRUE(ec);
  }());
}

TEST(HttpServer, WorksWithHttpClient) {
  asio::io_context ctx;
  run(ctx, []() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_server srv(ex, make_handler(), http_server_options{}, base::make_null_logger("t"));
    auto port = *srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(srv.start());
    http_client c(ex);
    std::string url = "http://127.0.0.1:" + std::to_string(port) + "/echo";
    std::string body = "payload";
    auto r = co_await c.request(http_method::post, std::move(url), std::move(body));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->body, "payload");
    co_await srv.shutdown(1s);
  }());
}

// An asynchronous handler suspends without holding up other connections: the slow route waits
// (bounded) until the fast route has been served on another connection; a blocking server would
// answer it 500. Routing (405/404) is the same as for synchronous routes.
asio::awaitable<http_reply> slow_route(const bool& fast_done) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  for (int i = 0; i < 500 && !fast_done; ++i) {
    t.expires_after(10ms);
    co_await t.async_wait(asio::use_awaitable);
  }
  http_reply rep;
  rep.status = fast_done ? 200 : 500;
  rep.body = "slow";
  co_return rep;
}

TEST(HttpServer, AsyncHandlersDoNotBlock) {
  asio::io_context ctx;
  run(ctx, []() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    bool fast_done = false;
    auto router = std::make_shared<http_router>();
    router->add_async(http_method::get, "/slow", [&fast_done](const http_request&) { return slow_route(fast_done); });
    router->add(http_method::get, "/fast", [&fast_done](const http_request&) {
      fast_done = true;
      http_reply rep;
      rep.body = "fast";
      return rep;
    });
    http_async_handler h = [router](const http_request& req) { return router->route_async(req); };
    http_server srv(ex, std::move(h), http_server_options{}, base::make_null_logger("t"));
    auto port = *srv.listen("127.0.0.1", 0);
    EXPECT_TRUE(srv.start());
    auto a = co_await connect(port);
    auto b = co_await connect(port);
    co_await send(a, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    co_await send(b, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\nPUT /fast HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /none HTTP/1.1\r\nHost: x\r\n\r\n");
    auto fast = co_await read_response(b);
    EXPECT_TRUE(fast && fast->body == "fast");
    auto not_allowed = co_await read_response(b);
    EXPECT_TRUE(not_allowed && not_allowed->status == 405u);
    auto none = co_await read_response(b);
    EXPECT_TRUE(none && none->status == 404u);
    auto slow = co_await read_response(a);
    EXPECT_TRUE(slow);
    if (slow) {
      EXPECT_EQ(slow->status, 200u);
      EXPECT_EQ(slow->body, "slow");
    }
    co_await srv.shutdown(1s);
  }());
}

}  // namespace
}  // namespace skywire::net
