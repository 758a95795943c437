// Our KCP (transport/kcp core, kcp_stream, udp_mux) against Go's kcp-go v5 as Skywire's sudph
// uses it (no block crypt, no FEC), run by the Go reference program (goref kcp-echo / kcp-dial,
// tests/interop/goref/kcp.go), over UDP on 127.0.0.1:
//   * our udp_mux dial -> kcp-go listener that echoes every message: a 9-byte "get_nonce"
//     message, messages of every size class up to the mss, and ~200 KB of bulk data come back
//     intact (kcp-go must parse our segments, ACK them, and we must parse its data and ACKs);
//   * kcp-go DialWithOptions -> our udp_mux listener, whose accepted session echoes: kcp-go
//     writes 300 messages of 1..1376 bytes, reads the echo back and compares (exit 0, "ok").
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/net/timeout.hpp"
#include "skywire/transport/tests/test_util.hpp"
#include "skywire/transport/udp_mux.hpp"

extern char** environ;

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::udp;

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

// goref <args> as a child process with piped stdin (closing it stops kcp-echo) and stdout.
// The destructor closes stdin, then terminates and reaps the child if it has not exited.
struct go_child {
  pid_t pid = -1;
  int in = -1;
  FILE* out = nullptr;
  int status = -1;  // waitpid status once reaped

  bool start(std::vector<std::string> args) {
    int ip[2], op[2];
    if (::pipe2(ip, O_CLOEXEC) != 0) return false;
    if (::pipe2(op, O_CLOEXEC) != 0) return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, ip[0], 0);
    posix_spawn_file_actions_adddup2(&fa, op[1], 1);
    const std::string path = goref_path();
    std::vector<char*> argv{const_cast<char*>(path.c_str())};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = ::posix_spawn(&pid, path.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(ip[0]);
    ::close(op[1]);
    in = ip[1];
    out = ::fdopen(op[0], "r");
    if (rc != 0) pid = -1;
    return rc == 0 && out != nullptr;
  }

  std::string read_line() {
    std::array<char, 256> line{};
    if (out == nullptr || std::fgets(line.data(), line.size(), out) == nullptr) return {};
    std::string s = line.data();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  // Non-blocking: true once the child has exited (status set).
  bool exited() {
    if (pid <= 0) return true;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      return true;
    }
    return false;
  }

  ~go_child() {
    if (in >= 0) ::close(in);
    if (pid > 0) {
      for (int i = 0; i < 100 && !exited(); ++i) ::usleep(10'000);
      if (pid > 0) {
        ::kill(pid, SIGTERM);
        ::waitpid(pid, &status, 0);
      }
    }
    if (out != nullptr) std::fclose(out);
  }
};

std::shared_ptr<udp_mux> open_mux(asio::any_io_executor ex) {
  auto m = udp_mux::open(ex, udp::endpoint(asio::ip::address_v4::loopback(), 0), {});
  if (!m) throw std::runtime_error(m.error().message());
  return *m;
}

std::string pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 31) % 91);
  return s;
}

// Reads exactly n bytes (or fewer if the stream fails).
asio::awaitable<std::string> read_n(net::stream& s, std::size_t n) {
  std::string out;
  std::vector<std::uint8_t> buf(4096);
  while (out.size() < n) {
    auto r = co_await s.read_some(buf);
    if (!r) break;
    out.append(reinterpret_cast<const char*>(buf.data()), *r);
  }
  co_return out;
}

TEST(InteropKcp, OurDialAgainstKcpGoEchoListener) {
  REQUIRE_GOREF();
  go_child go;
  ASSERT_TRUE(go.start({"kcp-echo"}));
  const std::string port = go.read_line();
  ASSERT_FALSE(port.empty()) << "goref kcp-echo printed no port";
  const udp::endpoint remote(asio::ip::address_v4::loopback(),
                             static_cast<std::uint16_t>(std::stoi(port)));

  test::run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto mux = open_mux(ex);
    // Whatever way the body ends, closing the mux ends the session, so the detached writer
    // below fails fast instead of outliving the body.
    struct closer {
      std::shared_ptr<udp_mux> m;
      ~closer() { m->close(); }
    } guard{mux};
    auto s = mux->dial(remote);
    CO_ASSERT(s);
    const std::shared_ptr<kcp_stream> sp = std::move(*s);
    net::stream& st = *sp;

    // The Frame0-style first message: one KCP message, echoed as one.
    CO_ASSERT(co_await st.write_all(as_bytes("get_nonce")));
    auto op1 = net::with_timeout(read_n(st, 9), 10s);
    auto nonce = co_await std::move(op1);
    CO_ASSERT(nonce);
    EXPECT_EQ(*nonce, "get_nonce");

    // Messages of sizes around the segment boundaries, one write (≤ mss: one message) each.
    std::string sent;
    for (std::size_t n : {1u, 2u, 23u, 24u, 25u, 500u, 1375u, 1376u}) {
      const std::string m = pattern(n, static_cast<char>('a' + n % 20));
      CO_ASSERT(co_await st.write_all(as_bytes(m)));
      sent += m;
    }
    auto op2 = net::with_timeout(read_n(st, sent.size()), 10s);
    auto echoed = co_await std::move(op2);
    CO_ASSERT(echoed);
    EXPECT_TRUE(*echoed == sent) << "echo of sized messages differs (" << echoed->size() << " bytes)";

    // Bulk: ~200 KB written as mss-sized messages while the echo is read back concurrently.
    const std::string bulk = pattern(200 * 1024 + 123, 'k');
    auto wrote = std::make_shared<bool>(false);
    auto writer = [](std::shared_ptr<kcp_stream> out, std::string data,
                     std::shared_ptr<bool> ok) -> asio::awaitable<void> {
      *ok = static_cast<bool>(co_await out->write_all(as_bytes(data)));
    };
    auto w = writer(sp, bulk, wrote);
    asio::co_spawn(ex, std::move(w), asio::detached);
    auto op3 = net::with_timeout(read_n(st, bulk.size()), 30s);
    auto back = co_await std::move(op3);
    CO_ASSERT(back);
    EXPECT_TRUE(*wrote);
    EXPECT_EQ(back->size(), bulk.size());
    EXPECT_TRUE(*back == bulk) << "bulk echo differs";
  });
}

TEST(InteropKcp, KcpGoDialAgainstOurEchoListener) {
  REQUIRE_GOREF();
  go_child go;
  udp_mux_stats stats;
  std::uint64_t echoed = 0;
  bool started = false, child_done = false;
  test::run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto mux = open_mux(ex);  // lives and dies on the io_context's thread, inside run()
    struct closer {
      std::shared_ptr<udp_mux> m;
      udp_mux_stats* out;
      ~closer() {
        *out = m->stats();
        m->close();
      }
    } guard{mux, &stats};
    const std::string addr = "127.0.0.1:" + std::to_string(mux->local_endpoint().port());
    started = go.start({"kcp-dial", addr, "300"});
    CO_ASSERT(started);
    // Echo every accepted session until it ends (the mux closes when the child has exited).
    auto echo = [](std::shared_ptr<udp_mux> m, std::uint64_t* count) -> asio::awaitable<void> {
      auto in = co_await m->accept();
      if (!in) co_return;
      std::vector<std::uint8_t> buf(4096);
      for (;;) {
        auto n = co_await (*in)->read_some(buf);
        if (!n) co_return;
        auto w = co_await (*in)->write_all(byte_view(buf.data(), *n));
        if (!w) co_return;
        *count += *n;
      }
    };
    auto e = echo(mux, &echoed);
    asio::co_spawn(ex, std::move(e), asio::detached);
    // Poll for the child's exit (it has its own 20 s deadline), bounded at 30 s here.
    asio::steady_timer t(ex);
    for (int i = 0; i < 600 && !(child_done = go.exited()); ++i) {
      t.expires_after(50ms);
      co_await t.async_wait(test::use_tuple);
    }
  });
  ASSERT_TRUE(started) << "could not start goref kcp-dial";
  ASSERT_TRUE(child_done) << "goref kcp-dial did not exit within 30 s";
  ASSERT_TRUE(WIFEXITED(go.status));
  EXPECT_EQ(WEXITSTATUS(go.status), 0) << "goref kcp-dial failed (its stderr says why)";
  EXPECT_EQ(go.read_line(), "ok");
  const auto& st = stats;
  EXPECT_GT(echoed, 0u) << "datagrams received " << st.received << ", sessions created "
                        << st.sessions_created << ", dropped: short " << st.dropped_short
                        << " long " << st.dropped_long << " refused " << st.dropped_refused
                        << " no-session " << st.dropped_no_session;
}

}  // namespace
}  // namespace skywire::transport
