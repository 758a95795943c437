// http_client against a tiny Beast server on 127.0.0.1:0, in the same io_context.
#include "skywire/net/http_client.hpp"

#include "skywire/net/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "run.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

namespace skywire::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;
using test::run;

asio::awaitable<void> write_raw(tcp::socket& s, std::string_view text) {
  co_await asio::async_write(s, asio::buffer(text.data(), text.size()), asio::use_awaitable);
  s.shutdown(tcp::socket::shutdown_both);
}

asio::awaitable<void> handle(tcp::socket s) {
  boost::beast::flat_buffer buf;
  http::request<http::string_body> req;
  co_await http::async_read(s, buf, req, asio::use_awaitable);
  const std::string target(req.target());
  if (target == "/hang") {
    asio::steady_timer t(s.get_executor(), 60s);
    co_await t.async_wait(asio::use_awaitable);
    co_return;
  }
  if (target == "/eof-body") {
    co_await write_raw(s, "HTTP/1.1 200 OK\r\n\r\nuntil-eof");
    co_return;
  }
  if (target == "/truncated") {
    co_await write_raw(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    co_return;
  }
  if (target == "/garbage") {
    co_await write_raw(s, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
    co_return;
  }
  http::response<http::string_body> res{http::status::ok, 11};
  res.keep_alive(false);
  if (target == "/hello") {
    res.set(http::field::content_type, "text/plain");
    res.body() = "hello world";
  } else if (target.starts_with("/echo")) {
    res.set("X-Method", std::string(req.method_string()));
    res.set("X-Custom", std::string(req["X-Custom"]));
    res.set("X-Target", target);
    res.set("X-UA", std::string(req[http::field::user_agent]));
    res.body() = req.body();
  } else if (target == "/big") {
    res.body() = std::string(2 * 1024 * 1024, 'x');
  } else if (target == "/big-chunked") {
    res.chunked(true);
    res.body() = std::string(2 * 1024 * 1024, 'y');
  } else {
    res.result(http::status::not_found);
    res.body() = "not found";
  }
  res.prepare_payload();
  if (target == "/big-chunked") res.chunked(true);
  co_await http::async_write(s, res, asio::use_awaitable);
  error_code ignored;
  s.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> serve(tcp::acceptor& acc, task_group& conns) {
  for (;;) {
    auto [ec, s] = co_await acc.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    (void)conns.spawn(handle(std::move(s)));
  }
}

// Starts the server, runs `client`, then cancels the server's connections.
struct http_fixture : ::testing::Test {
  asio::io_context ctx;
  tcp::acceptor acc{ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  task_group conns{ctx.get_executor(), 16};

  std::string url(std::string_view path) const {
    return "http://127.0.0.1:" + std::to_string(acc.local_endpoint().port()) + std::string(path);
  }

  void run_client(asio::awaitable<void> client) {
    auto server = serve(acc, conns);
    asio::co_spawn(ctx, std::move(server), asio::detached);
    run(ctx, std::move(client));
  }
};

TEST_F(http_fixture, get) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);
    auto r = co_await c.request(http_method::get, url("/hello"));
    EXPECT_TRUE(r.has_value()) << r.error().message();
    if (!r) co_return;
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "hello world");
    EXPECT_EQ(r->header("content-type"), "text/plain");
  };
  run_client(body());
}

TEST_F(http_fixture, post_with_body_and_headers) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_options c_opts{.user_agent = "test-agent"};
    http_client c(ex, c_opts);
    http_headers hs{{"X-Custom", "v"}, {"Content-Type", "application/json"}};
    auto op = c.request(http_method::post, url("/echo?a=1&b=%20"), "{\"k\":1}", std::move(hs));
    auto r = co_await std::move(op);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    if (!r) co_return;
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "{\"k\":1}");
    EXPECT_EQ(r->header("X-Method"), "POST");
    EXPECT_EQ(r->header("X-Custom"), "v");
    EXPECT_EQ(r->header("X-Target"), "/echo?a=1&b=%20");
    EXPECT_EQ(r->header("X-UA"), "test-agent");
  };
  run_client(body());
}

TEST_F(http_fixture, not_found_is_a_status) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);
    auto r = co_await c.request(http_method::get, url("/missing"));
    EXPECT_TRUE(r.has_value());
    if (!r) co_return;
    EXPECT_EQ(r->status, 404u);
    EXPECT_EQ(r->body, "not found");
  };
  run_client(body());
}

TEST_F(http_fixture, head_has_no_body) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);
    auto r = co_await c.request(http_method::head, url("/hello"));
    EXPECT_TRUE(r.has_value()) << r.error().message();
    if (!r) co_return;
    EXPECT_EQ(r->status, 200u);
    EXPECT_TRUE(r->body.empty());
  };
  run_client(body());
}

TEST_F(http_fixture, silent_server_times_out) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_options c_opts{.request_timeout = 200ms};
    http_client c(ex, c_opts);
    const auto start = std::chrono::steady_clock::now();
    auto r = co_await c.request(http_method::get, url("/hang"));
    EXPECT_EQ(r.error(), errc::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  };
  run_client(body());
}

TEST_F(http_fixture, body_limit) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);  // max_body defaults to 1 MiB
    auto r1 = co_await c.request(http_method::get, url("/big"));
    EXPECT_EQ(r1.error(), errc::body_too_large);
    auto r2 = co_await c.request(http_method::get, url("/big-chunked"));
    EXPECT_EQ(r2.error(), errc::body_too_large);
    http_options roomy_opts{.max_body = 4 << 20};
    http_client roomy(ex, roomy_opts);
    auto r3 = co_await roomy.request(http_method::get, url("/big"));
    EXPECT_TRUE(r3 && r3->body.size() == 2u * 1024 * 1024);
  };
  run_client(body());
}

// Collects what a streaming request hands over, and can fail on demand.
struct collecting_sink final : http_body_sink {
  unsigned status = 0;
  std::optional<std::uint64_t> length;
  int begins = 0;
  std::size_t pieces = 0;
  std::string body;
  std::size_t fail_after = SIZE_MAX;  // fail write() once this many bytes arrived

  result<void> begin(unsigned s, const http_headers&, std::optional<std::uint64_t> l) override {
    ++begins;
    status = s;
    length = l;
    return {};
  }
  result<void> write(byte_view piece) override {
    ++pieces;
    body.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    if (body.size() >= fail_after) return make_error_code(std::errc::no_space_on_device);
    return {};
  }
};

TEST_F(http_fixture, streamed_bodies_reach_the_sink_in_pieces) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_options o{.max_body = 4 << 20};
    http_client c(ex, o);
    for (const char* path : {"/big", "/big-chunked"}) {
      collecting_sink sink;
      auto op = c.request(http_method::get, url(path), std::string{}, http_headers{}, sink);
      auto r = co_await std::move(op);
      EXPECT_TRUE(r.has_value()) << path;
      if (!r) co_return;
      EXPECT_EQ(r->status, 200u);
      EXPECT_TRUE(r->body.empty()) << "the body went to the sink, not the response";
      EXPECT_EQ(sink.begins, 1);
      EXPECT_EQ(sink.status, 200u);
      EXPECT_EQ(sink.body.size(), 2u * 1024 * 1024) << path;
      EXPECT_GT(sink.pieces, 1u) << "streamed, not buffered whole";
      if (std::string_view(path) == "/big") {
        EXPECT_EQ(sink.length, std::optional<std::uint64_t>(2u * 1024 * 1024));
      } else {
        EXPECT_FALSE(sink.length.has_value());
      }
    }
    // An error status still begins the sink, so it can tell a body to keep from one to drop.
    collecting_sink missing;
    auto op404 = c.request(http_method::get, url("/missing"), std::string{}, http_headers{}, missing);
    auto r404 = co_await std::move(op404);
    EXPECT_TRUE(r404 && r404->status == 404u);
    EXPECT_EQ(missing.status, 404u);
    EXPECT_EQ(missing.body, "not found");
  };
  run_client(body());
}

TEST_F(http_fixture, sink_errors_abort_the_request_unchanged) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_options o{.max_body = 4 << 20};
    http_client c(ex, o);
    collecting_sink sink;
    sink.fail_after = 100 * 1024;
    auto op = c.request(http_method::get, url("/big"), std::string{}, http_headers{}, sink);
    auto r = co_await std::move(op);
    EXPECT_EQ(r.error(), make_error_code(std::errc::no_space_on_device));
    EXPECT_LT(sink.body.size(), 2u * 1024 * 1024);
  };
  run_client(body());
}

TEST_F(http_fixture, streaming_timeout_is_an_idle_bound) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_options o{.request_timeout = 200ms};
    http_client c(ex, o);
    collecting_sink sink;
    auto op = c.request(http_method::get, url("/hang"), std::string{}, http_headers{}, sink);
    auto r = co_await std::move(op);
    EXPECT_EQ(r.error(), errc::timeout);
    EXPECT_EQ(sink.begins, 0);
  };
  run_client(body());
}

TEST_F(http_fixture, eof_delimited_and_truncated_bodies) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);
    auto ok = co_await c.request(http_method::get, url("/eof-body"));
    EXPECT_TRUE(ok && ok->body == "until-eof");
    auto cut = co_await c.request(http_method::get, url("/truncated"));
    EXPECT_EQ(cut.error(), errc::closed);
    auto junk = co_await c.request(http_method::get, url("/garbage"));
    EXPECT_EQ(junk.error(), errc::bad_response);
  };
  run_client(body());
}

TEST_F(http_fixture, bad_urls_and_headers) {
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);
    for (const char* bad : {"not a url", "http://", "http://127.0.0.1:99999/", "http://u:p@127.0.0.1/",
                            "127.0.0.1:80/x", ""}) {
      auto r = co_await c.request(http_method::get, bad);
      EXPECT_EQ(r.error(), errc::bad_url) << bad;
    }
    auto tls = co_await c.request(http_method::get, "https://127.0.0.1/");
    EXPECT_EQ(tls.error(), errc::unsupported_scheme);
    http_headers injected{{"X-A", "b\r\nInjected: 1"}};
    auto inj_op = c.request(http_method::get, url("/echo"), "", std::move(injected));
    auto inj = co_await std::move(inj_op);
    EXPECT_EQ(inj.error(), errc::bad_header);
    http_headers framing{{"Content-Length", "5"}};
    auto len_op = c.request(http_method::post, url("/echo"), "x", std::move(framing));
    auto len = co_await std::move(len_op);
    EXPECT_EQ(len.error(), errc::bad_header);
  };
  run_client(body());
}

TEST(http_client, connection_refused) {
  asio::io_context ctx;
  std::uint16_t port = 0;
  {
    tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = a.local_endpoint().port();
  }  // closed: nothing listens on `port` now
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_client c(ex);
    const std::string target = "http://127.0.0.1:" + std::to_string(port) + "/";
    auto r = co_await c.request(http_method::get, target);
    EXPECT_EQ(r.error(), asio::error::connection_refused) << r.error().message();
  };
  run(ctx, body());
}

// A dialer that never connects: exercises the injected-dialer seam and connect_timeout.
class stuck_dialer final : public stream_dialer {
 public:
  asio::awaitable<result<std::unique_ptr<stream>>> dial(std::string host, std::uint16_t port) override {
    last_host = host;
    last_port = port;
    asio::steady_timer t(co_await asio::this_coro::executor, 60s);
    auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec ? ec : error_code(asio::error::timed_out);
  }
  std::string last_host;
  std::uint16_t last_port = 0;
};

TEST(http_client, injected_dialer_and_connect_timeout) {
  asio::io_context ctx;
  auto dialer = std::make_shared<stuck_dialer>();
  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    http_options c_opts{.connect_timeout = 100ms};
    http_client c(ex, dialer, c_opts);
    auto r = co_await c.request(http_method::get, "http://example.invalid/x");
    EXPECT_EQ(r.error(), errc::timeout);
  };
  run(ctx, body());
  EXPECT_EQ(dialer->last_host, "example.invalid");
  EXPECT_EQ(dialer->last_port, 80);
}

}  // namespace
}  // namespace skywire::net
