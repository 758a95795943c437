// Our net/rpc (skywire/rpc) and dmsgpty against Go's standard net/rpc + encoding/gob, run by the
// Go reference program (goref rpc-pty-server / rpc-pty-client, tests/interop/goref/rpc.go),
// over loopback TCP:
//   * our pty_client and rpc::client  -> Go net/rpc server with dmsgpty's types (canned pty)
//   * Go net/rpc client (dmsgpty's calls) -> our dmsgpty host with a real pty
// Go's gob decoder checks every wire type against its Go type, so a call that succeeds proves
// our bytes are what Go expects (and vice versa).
#include <gtest/gtest.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "dmsgpty/host.hpp"
#include "dmsgpty/protocol.hpp"
#include "dmsgpty/pty_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/rpc/client.hpp"
#include "skywire/rpc/tests/test_streams.hpp"

extern char** environ;

namespace skywire::dmsgpty {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::string goref_path() {
  if (const char* env = std::getenv("SKYWIRE_GOREF"); env && *env) return env;
  return SKYWIRE_GOREF_DEFAULT;
}

#define REQUIRE_GOREF()                                                                    \
  do {                                                                                     \
    if (!std::filesystem::exists(goref_path())) {                                          \
      if (std::getenv("CI") != nullptr) FAIL() << "Go reference missing in CI: " << goref_path(); \
      GTEST_SKIP() << "Go reference not built (" << goref_path()                           \
                   << " missing): run scripts/setup-interop or set SKYWIRE_GOREF";         \
    }                                                                                      \
  } while (0)

// goref rpc-pty-server as a child process; its first stdout line is its address.
struct go_server {
  pid_t pid = -1;
  std::string addr;
  FILE* out = nullptr;

  bool start() {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    const std::string path = goref_path();
    std::string sub = "rpc-pty-server";
    char* argv[] = {const_cast<char*>(path.c_str()), sub.data(), nullptr};
    const int rc = ::posix_spawn(&pid, path.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      return false;
    }
    out = ::fdopen(fds[0], "r");
    std::array<char, 128> line{};
    if (out == nullptr || std::fgets(line.data(), line.size(), out) == nullptr) return false;
    addr = line.data();
    while (!addr.empty() && (addr.back() == '\n' || addr.back() == '\r')) addr.pop_back();
    return true;
  }
  ~go_server() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    if (out != nullptr) std::fclose(out);
  }
};

asio::awaitable<std::unique_ptr<net::stream>> connect(const std::string& addr) {
  auto ex = co_await asio::this_coro::executor;
  const auto colon = addr.rfind(':');
  tcp::endpoint ep(asio::ip::make_address(addr.substr(0, colon)),
                   static_cast<std::uint16_t>(std::stoi(addr.substr(colon + 1))));
  tcp::socket s(ex);
  auto op1 = s.async_connect(ep, asio::use_awaitable);
  co_await std::move(op1);
  co_return std::make_unique<rpc::test::tcp_stream>(std::move(s));
}

TEST(InteropRpc, OurClientAgainstGoNetRpcServer) {
  REQUIRE_GOREF();
  go_server go;
  ASSERT_TRUE(go.start());
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    {
      auto s = co_await connect(go.addr);
      auto op2 = pty_client::open(ex, std::move(s));
      auto c = co_await std::move(op2);
      CO_ASSERT(c);
      auto op3 = (*c)->start({"missing", {}, {}});
      auto missing = co_await std::move(op3);
      CO_ASSERT(missing);
      EXPECT_EQ(*missing, "exec: \"missing\": executable file not found in $PATH");
      auto op4 = (*c)->start({"sh", {"-c", "x y"}, win_size{0, 0, 24, 80}});
      auto started = co_await std::move(op4);
      CO_ASSERT(started);
      EXPECT_EQ(*started, "");
      auto op5 = (*c)->start({"sh", {}, {}});
      auto again = co_await std::move(op5);
      CO_ASSERT(again);
      EXPECT_EQ(*again, err_already_running);
      const std::string text = "h\xc3\xa9llo\n";
      auto op6 = (*c)->write(bytes(text.begin(), text.end()));
      auto w = co_await std::move(op6);
      CO_ASSERT(w);
      EXPECT_TRUE(w->ok()) << w->error;
      EXPECT_EQ(w->value, 7);
      auto op7 = (*c)->set_size({3, 4, 50, 100});
      auto sz = co_await std::move(op7);
      CO_ASSERT(sz);
      EXPECT_EQ(*sz, "");
      auto op8 = (*c)->read(max_read);
      auto r = co_await std::move(op8);
      CO_ASSERT(r);
      EXPECT_TRUE(r->ok()) << r->error;
      EXPECT_EQ(std::string(as_chars(r->value)),
                "go-pty name=sh args=-c,x y size=3,4,50,100 wrote=\"h\xc3\xa9llo\\n\"\n");
      // The canned pty has ended: Go's EIO text, as a real pty gives after the child exits.
      auto op9 = (*c)->read(5);
      r = co_await std::move(op9);
      CO_ASSERT(r);
      EXPECT_EQ(r->error, err_eio);
      auto op10 = (*c)->stop();
      auto stopped = co_await std::move(op10);
      CO_ASSERT(stopped);
      EXPECT_EQ(*stopped, "");
      auto op11 = (*c)->stop();
      stopped = co_await std::move(op11);
      CO_ASSERT(stopped);
      EXPECT_EQ(*stopped, err_not_running);
      (*c)->close();
    }
    {
      // Generic rpc::client after a manual handshake: Go's lookup-error texts, and a Start
      // without Size (nil *WinSize omitted).
      auto s = co_await connect(go.addr);
      auto req = encode_request(pty_uri);
      auto sent = co_await s->write_all(*req);
      CO_ASSERT(sent);
      std::uint8_t b = 9;
      auto op12 = s->read_some(mutable_byte_view(&b, 1));
      auto n = co_await std::move(op12);
      CO_ASSERT(n);
      EXPECT_EQ(b, accept_byte);
      rpc::client c(ex, std::move(s));
      auto op13 = c.call("pty.Nope", rpc::empty_struct_type(), rpc::empty_struct());
      auto r = co_await std::move(op13);
      CO_ASSERT(r);
      EXPECT_EQ(r->error, "rpc: can't find method pty.Nope");
      auto op14 = c.call("nope.Read", rpc::empty_struct_type(), rpc::empty_struct());
      r = co_await std::move(op14);
      CO_ASSERT(r);
      EXPECT_EQ(r->error, "rpc: can't find service nope.Read");
      auto v = to_value(command_req{"x", {}, {}});
      auto op15 = c.call("pty.Start", *types().command_req, std::move(v));
      r = co_await std::move(op15);
      CO_ASSERT(r);
      EXPECT_EQ(r->error, "");
      auto op16 = c.call("pty.Read", gob::int_type(), gob::make_int(1000));
      r = co_await std::move(op16);
      CO_ASSERT(r);
      EXPECT_EQ(std::string(r->body.text()), "go-pty name=x args= size=nil wrote=\"\"\n");
      c.close();
    }
    {
      // Go's host rejects URIs it does not serve.
      auto s = co_await connect(go.addr);
      auto req = encode_request("dmsgpty/other");
      auto sent = co_await s->write_all(*req);
      CO_ASSERT(sent);
      std::uint8_t b = 9;
      auto op17 = s->read_some(mutable_byte_view(&b, 1));
      auto n = co_await std::move(op17);
      CO_ASSERT(n);
      EXPECT_EQ(b, reject_byte);
    }
  }());
}

std::map<std::string, std::string> parse_report(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    pos = nl + 1;
  }
  return out;
}

TEST(InteropRpc, GoNetRpcClientAgainstOurPtyHost) {
  REQUIRE_GOREF();
  asio::io_context ctx;
  tcp::acceptor acc(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const auto port = acc.local_endpoint().port();
  const auto client_pk = crypto::deterministic_key_pair(as_bytes(std::string_view("go-client")))->pk;
  host h(ctx.get_executor(), {.whitelist = {client_pk}}, base::make_null_logger("host"));
  // Our host serves one connection on the io thread while the Go client runs as a process.
  std::thread io([&] {
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto op18 = acc.async_accept(asio::use_awaitable);
      auto sock = co_await std::move(op18);
      rpc::test::tcp_stream s(std::move(sock));
      co_await h.serve_stream(s, client_pk);
    }());
  });
  const std::string cmd = "'" + goref_path() + "' rpc-pty-client -addr 127.0.0.1:" + std::to_string(port) +
                          " -cmd /bin/sh -arg -c -arg 'read x; echo got-$x' 2>&1";
  std::string text;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  const int status = ::pclose(p);
  io.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
  auto rep = parse_report(text);
  EXPECT_EQ(rep["accepted"], "\"true\"") << text;
  EXPECT_EQ(rep["start"], "\"ok\"") << text;
  EXPECT_EQ(rep["write"], "\"ok\"") << text;
  EXPECT_EQ(rep["write_n"], "\"5\"") << text;
  EXPECT_EQ(rep["size"], "\"ok\"") << text;
  EXPECT_EQ(rep["read_end"], "\"read /dev/ptmx: input/output error\"") << text;
  EXPECT_NE(rep["output"].find("got-ping"), std::string::npos) << text;
  EXPECT_EQ(rep["unknown_method"], "\"error: rpc: can't find method pty.Nope\"") << text;
  EXPECT_EQ(rep["unknown_service"], "\"error: rpc: can't find service nope.Read\"") << text;
  EXPECT_EQ(rep["stop"], "\"ok\"") << text;
  EXPECT_EQ(rep["stop_again"], "\"error: no active pty session\"") << text;
}

TEST(InteropRpc, GoClientRejectedByWhitelist) {
  REQUIRE_GOREF();
  asio::io_context ctx;
  tcp::acceptor acc(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  const auto port = acc.local_endpoint().port();
  const auto other = crypto::deterministic_key_pair(as_bytes(std::string_view("someone")))->pk;
  const auto remote = crypto::deterministic_key_pair(as_bytes(std::string_view("go-client")))->pk;
  host h(ctx.get_executor(), {.whitelist = {other}}, base::make_null_logger("host"));
  std::thread io([&] {
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto op19 = acc.async_accept(asio::use_awaitable);
      auto sock = co_await std::move(op19);
      rpc::test::tcp_stream s(std::move(sock));
      co_await h.serve_stream(s, remote);
    }());
  });
  const std::string cmd = "'" + goref_path() + "' rpc-pty-client -addr 127.0.0.1:" + std::to_string(port) + " 2>&1";
  std::string text;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) text.append(buf.data(), n);
  ::pclose(p);
  io.join();
  EXPECT_EQ(parse_report(text)["accepted"], "\"false\"") << text;
}

}  // namespace
}  // namespace skywire::dmsgpty
