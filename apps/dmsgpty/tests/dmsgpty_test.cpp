// dmsgpty host <-> client with real ptys and real commands: first over loopback TCP (the host
// serves any net::stream), then over a local dmsg network (our discovery in test mode and one
// of our dmsg servers on 127.0.0.1), where the host listens on dmsg port 22.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dmsg-discovery/service.hpp"
#include "dmsgpty/host.hpp"
#include "dmsgpty/protocol.hpp"
#include "dmsgpty/pty_client.hpp"
#include "dmsgpty/terminal.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/rpc/tests/test_streams.hpp"

namespace skywire::dmsgpty {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

void run(std::function<asio::awaitable<void>()> body) {
  asio::io_context ctx;
  net::test::run(ctx, body());
}

// Reads until the host reports the end of the command's output; returns the text, or "" and
// a test failure if the session ended any other way.
asio::awaitable<std::string> read_all(pty_client& c) {
  std::string out;
  for (;;) {
    auto r = co_await c.read(max_read);
    EXPECT_TRUE(r);
    if (!r) break;
    if (!r->ok()) {
      EXPECT_EQ(r->error, err_eio);
      break;
    }
    out.append(as_chars(r->value));
  }
  co_return out;
}

// A host serving the far end of a TCP pair as if it came from `remote`. The serving coroutine
// owns the host and its stream, so nothing it uses can die before it does.
struct tcp_session {
  std::unique_ptr<net::stream> near;
};

asio::awaitable<void> serve_far(std::shared_ptr<host> h, std::unique_ptr<net::stream> far, crypto::public_key pk) {
  co_await h->serve_stream(*far, pk);
}

asio::awaitable<tcp_session> tcp_host(host_options opt, crypto::public_key remote) {
  auto ex = co_await asio::this_coro::executor;
  tcp_session s;
  auto h = std::make_shared<host>(ex, std::move(opt), base::make_null_logger("host"));
  auto [a, b] = co_await rpc::test::tcp_pair();
  s.near = std::move(a);
  auto task = serve_far(std::move(h), std::move(b), remote);
  asio::co_spawn(ex, std::move(task), asio::detached);
  co_return s;
}

TEST(DmsgPty, ProtocolHelpers) {
  auto r = encode_request("dmsgpty/pty");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], 11);
  EXPECT_FALSE(encode_request(std::string(256, 'a')));
  EXPECT_EQ(request_path("/dmsgpty/pty?x=1"), "dmsgpty/pty");
  command_req c{"sh", {"-c", "true"}, win_size{1, 2, 24, 80}};
  auto back = parse_command_req(to_value(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, "sh");
  EXPECT_EQ(back->args, c.args);
  EXPECT_EQ(back->size, c.size);
  EXPECT_FALSE(parse_win_size(gob::make_struct({{"Rows", gob::make_uint(70000)}})));
  EXPECT_FALSE(parse_command_req(gob::make_int(1)));
}

TEST(DmsgPty, RunsCommandOverTcp) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto me = keys("pty-client");
    auto op1 = tcp_host({.whitelist = {me.pk}}, me.pk);
    auto s = co_await std::move(op1);
    auto op2 = pty_client::open(ex, std::move(s.near));
    auto c = co_await std::move(op2);
    CO_ASSERT(c);
    auto op3 = (*c)->start({"echo", {"hello", "pty"}, win_size{0, 0, 24, 80}});
    auto started = co_await std::move(op3);
    CO_ASSERT(started);
    EXPECT_EQ(*started, "");
    auto out = co_await read_all(**c);
    EXPECT_NE(out.find("hello pty"), std::string::npos) << out;
    auto op4 = (*c)->stop();
    auto stopped = co_await std::move(op4);
    CO_ASSERT(stopped);
    EXPECT_EQ(*stopped, "");
    // A second Stop finds nothing running: Go's text.
    auto op5 = (*c)->stop();
    stopped = co_await std::move(op5);
    CO_ASSERT(stopped);
    EXPECT_EQ(*stopped, err_not_running);
    (*c)->close();
  });
}

TEST(DmsgPty, InteractiveShellAndErrors) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto me = keys("pty-client");
    auto op6 = tcp_host({.whitelist = {me.pk}}, me.pk);
    auto s = co_await std::move(op6);
    auto op7 = pty_client::open(ex, std::move(s.near));
    auto c = co_await std::move(op7);
    CO_ASSERT(c);
    // Before Start: Go's "no active pty session".
    auto op8 = (*c)->read(10);
    auto early = co_await std::move(op8);
    CO_ASSERT(early);
    EXPECT_EQ(early->error, err_not_running);
    auto op9 = (*c)->start({"no-such-command-xyz", {}, {}});
    auto bad = co_await std::move(op9);
    CO_ASSERT(bad);
    EXPECT_EQ(*bad, "exec: \"no-such-command-xyz\": executable file not found in $PATH");

    auto op10 = (*c)->start({"/bin/sh", {}, {}});
    auto started = co_await std::move(op10);
    CO_ASSERT(started);
    EXPECT_EQ(*started, "");
    auto op11 = (*c)->start({"/bin/sh", {}, {}});
    auto again = co_await std::move(op11);
    CO_ASSERT(again);
    EXPECT_EQ(*again, err_already_running);
    auto op12 = (*c)->set_size({0, 0, 40, 132});
    auto sized = co_await std::move(op12);
    CO_ASSERT(sized);
    EXPECT_EQ(*sized, "");
    const std::string input = "stty size; echo $((6*7))x; exit\n";
    auto op13 = (*c)->write(bytes(input.begin(), input.end()));
    auto w = co_await std::move(op13);
    CO_ASSERT(w);
    EXPECT_TRUE(w->ok()) << w->error;
    EXPECT_EQ(w->value, static_cast<std::int64_t>(input.size()));
    auto out = co_await read_all(**c);
    EXPECT_NE(out.find("42x"), std::string::npos) << out;
    EXPECT_NE(out.find("40 132"), std::string::npos) << out;
    (*c)->close();
  });
}

TEST(DmsgPty, WhitelistAndUriRejections) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto me = keys("pty-client");
    const auto other = keys("someone-else");
    {
      auto op14 = tcp_host({.whitelist = {other.pk}}, me.pk);
      auto s = co_await std::move(op14);
      auto op15 = pty_client::open(ex, std::move(s.near));
      auto c = co_await std::move(op15);
      CO_ASSERT(!(c));
      EXPECT_EQ(c.error(), errc::rejected);
    }
    {
      auto op16 = tcp_host({}, me.pk);
      auto s = co_await std::move(op16);  // empty whitelist: nobody
      auto op17 = pty_client::open(ex, std::move(s.near));
      auto c = co_await std::move(op17);
      CO_ASSERT(!(c));
      EXPECT_EQ(c.error(), errc::rejected);
    }
    {
      auto op18 = tcp_host({.whitelist = {me.pk}}, me.pk);
      auto s = co_await std::move(op18);
      auto req = encode_request("dmsgpty/whitelist");  // CLI-only endpoint in Go
      auto sent = co_await s.near->write_all(*req);
      CO_ASSERT(sent);
      std::uint8_t b = 0;
      auto op19 = s.near->read_some(mutable_byte_view(&b, 1));
      auto n = co_await std::move(op19);
      CO_ASSERT(n);
      EXPECT_EQ(b, reject_byte);
    }
  });
}

TEST(DmsgPty, TerminalDriverWithFiles) {
  // Non-tty input: the driver writes the file, then ^D, so the remote shell ends by itself.
  const auto dir = std::filesystem::temp_directory_path() / ("dmsgpty-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream in(dir / "in.txt");
    in << "echo from-file-$((2+3))\n";
  }
  const int in_fd = ::open((dir / "in.txt").c_str(), O_RDONLY);
  const int out_fd = ::open((dir / "out.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(in_fd, 0);
  ASSERT_GE(out_fd, 0);
  run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    const auto me = keys("pty-client");
    auto op20 = tcp_host({.whitelist = {me.pk}}, me.pk);
    auto s = co_await std::move(op20);
    auto op21 = pty_client::open(ex, std::move(s.near));
    auto c = co_await std::move(op21);
    CO_ASSERT(c);
    auto term = run_terminal(**c, {in_fd, out_fd, {"/bin/sh", {}, {}}}, base::make_null_logger("t"));
    auto op22 = net::with_timeout(std::move(term), 60s);
    auto end = co_await std::move(op22);
    CO_ASSERT(end);
    EXPECT_TRUE(end->ok) << end->message;
  });
  ::close(in_fd);
  ::close(out_fd);
  std::ifstream out(dir / "out.txt");
  std::stringstream ss;
  ss << out.rdbuf();
  EXPECT_NE(ss.str().find("from-file-5"), std::string::npos) << ss.str();
  std::filesystem::remove_all(dir);
}

asio::awaitable<void> drive_tty(int slave) {
  auto ex = co_await asio::this_coro::executor;
  const auto me = keys("pty-client");
  auto op_host = tcp_host({.whitelist = {me.pk}}, me.pk);
  auto s = co_await std::move(op_host);
  auto op_open = pty_client::open(ex, std::move(s.near));
  auto c = co_await std::move(op_open);
  CO_ASSERT(c);
  terminal_options topt;
  topt.in_fd = slave;
  topt.out_fd = slave;
  topt.cmd.name = "/bin/sh";
  auto term = run_terminal(**c, topt, base::make_null_logger("t"));
  auto end = co_await net::with_timeout(std::move(term), 60s);
  CO_ASSERT(end);
  EXPECT_TRUE(end->ok) << end->message;
}

TEST(DmsgPty, TerminalDriverOnATty) {
  // A real terminal (openpty): its size reaches the remote command, input typed before the
  // session is delivered, and afterwards the terminal's modes and flags are as before.
  int master = -1, slave = -1;
  winsize ws{};
  ws.ws_row = 33;
  ws.ws_col = 77;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, &ws), 0);
  termios before{};
  ASSERT_EQ(::tcgetattr(slave, &before), 0);
  const int flags_before = ::fcntl(slave, F_GETFL);
  const std::string typed = "stty size; echo tty-$((3+4))\rexit\r";
  ASSERT_EQ(::write(master, typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  run([slave]() { return drive_tty(slave); });
  termios after{};
  ASSERT_EQ(::tcgetattr(slave, &after), 0);
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_iflag, before.c_iflag);
  EXPECT_EQ(after.c_oflag, before.c_oflag);
  EXPECT_EQ(::fcntl(slave, F_GETFL), flags_before);
  // Everything the session wrote to the terminal is readable on the master side.
  ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(master, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  EXPECT_NE(out.find("33 77"), std::string::npos) << out;
  EXPECT_NE(out.find("tty-7"), std::string::npos) << out;
  ::close(slave);
  ::close(master);
}

// --- over dmsg ---------------------------------------------------------------------------

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  auto op23 = t.async_wait(asio::use_awaitable);
  co_await std::move(op23);
}

TEST(DmsgPty, OverDmsgWhitelistedRunsRejectedRefused) {
  // The network is built outside the coroutine (plain objects on this stack frame).
  asio::io_context ctx;
  auto ex = ctx.get_executor();
  base::system_clock clock;
  auto db = svc::dmsg_discovery::make_memory_store();
  svc::dmsg_discovery::service_options dopt;
  dopt.host = "127.0.0.1";
  dopt.port = 0;
  dopt.api.test_mode = true;
  svc::dmsg_discovery::service disc(ex, *db, clock, base::make_null_logger("disc"), dopt);
  auto port = disc.start();
  ASSERT_TRUE(port);
  const std::string url = "http://127.0.0.1:" + std::to_string(*port);
  dmsg::server_config scfg{keys("pty-server")};
  scfg.listen_host = "127.0.0.1";
  scfg.discovery_url = url;
  scfg.retry_interval = 100ms;
  dmsg::server srv(ex, scfg, clock, base::make_null_logger("srv"));
  ASSERT_TRUE(srv.start());

  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 200 && !srv.entry_published(); ++i) co_await sleep_for(50ms);
    CO_ASSERT(srv.entry_published());

    auto make_client = [&](std::string_view seed) {
      dmsg::client_config cfg{keys(seed), url};
      cfg.dial_timeout = 5s;
      cfg.retry_interval = 100ms;
      auto c = std::make_unique<dmsg::client>(ex, cfg, clock, base::make_null_logger(std::string(seed)));
      c->start();
      return c;
    };
    auto host_c = make_client("pty-host");
    auto good_c = make_client("pty-good");
    auto bad_c = make_client("pty-bad");
    EXPECT_TRUE(co_await host_c->wait_ready(10s));
    EXPECT_TRUE(co_await good_c->wait_ready(10s));
    EXPECT_TRUE(co_await bad_c->wait_ready(10s));

    auto l = host_c->listen(default_port);
    CO_ASSERT(l);
    host h(ex, {.whitelist = {good_c->pk()}}, base::make_null_logger("host"));
    auto serving = h.serve(*l);
    asio::co_spawn(ex, std::move(serving), asio::detached);

    {
      auto op24 = good_c->dial(host_c->pk(), default_port);
      auto st = co_await std::move(op24);
      CO_ASSERT(st);
      std::unique_ptr<net::stream> ns = std::move(*st);
      auto op25 = pty_client::open(ex, std::move(ns));
      auto c = co_await std::move(op25);
      CO_ASSERT(c);
      auto op26 = (*c)->start({"echo", {"hello"}, {}});
      auto started = co_await std::move(op26);
      CO_ASSERT(started);
      EXPECT_EQ(*started, "");
      auto out = co_await read_all(**c);
      EXPECT_NE(out.find("hello"), std::string::npos) << out;
      auto op27 = (*c)->stop();
      (void)co_await std::move(op27);
      (*c)->close();
    }
    {
      auto op28 = bad_c->dial(host_c->pk(), default_port);
      auto st = co_await std::move(op28);
      CO_ASSERT(st);
      std::unique_ptr<net::stream> ns = std::move(*st);
      auto op29 = pty_client::open(ex, std::move(ns));
      auto c = co_await std::move(op29);
      CO_ASSERT(!(c));
      EXPECT_EQ(c.error(), errc::rejected);
    }

    l->close();
    co_await h.shutdown();
    co_await good_c->close();
    co_await bad_c->close();
    co_await host_c->close();
    co_await srv.stop();
    co_await disc.shutdown(1s);
  }());
}

}  // namespace
}  // namespace skywire::dmsgpty
