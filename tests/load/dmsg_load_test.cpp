// Load test (label `load`): how many idle dmsg sessions one of our dmsg servers holds and what
// each costs it in memory (DESIGN.md §7: ≤ 16 KiB per idle session, ≥ 20,000 sessions).
//
// The server runs alone in a forked child process (no discovery: raw sessions need no entries),
// so its VmRSS is the server's alone. The parent opens N raw client sessions: TCP connect →
// Noise XK (client_session_handshake) → yamux client session, each with a fresh client key,
// 32 handshakes in flight. The child publishes its session count through a shared page; the
// test asserts only that every session was established, and prints the figures (sessions,
// server RSS before/after, bytes per idle session, time taken). Timings are never asserted.
//
// N comes from SKYWIRE_LOAD_SESSIONS (default 20000) and is clamped to what RLIMIT_NOFILE
// allows (one descriptor per session on each side; the limit is raised first, past the hard
// limit when running as root). The test
// stops opening sessions after 240 s and then fails (bounded in time, under CTest's 300 s).
// Measure from a Release build: ASan's shadow memory and redzones inflate RSS several times.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/dmsg/session_handshake.hpp"
#include "skywire/dmsg/yamux/session.hpp"
#include "skywire/net/task_group.hpp"
#include "load_support.hpp"

namespace skywire::dmsg {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using test::settle;
using test::vm_rss_kib;

constexpr int parallel_handshakes = 32;
constexpr auto open_deadline = 240s;

// Shared between the parent and the server child (one anonymous shared page).
struct shared_page {
  std::atomic<std::uint64_t> sessions{0};
  std::atomic<std::uint32_t> port{0};
};

asio::awaitable<void> publish_count(server& srv, shared_page& page) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  for (;;) {
    page.sessions.store(srv.session_count());
    t.expires_after(20ms);
    co_await t.async_wait(asio::use_awaitable);
  }
}

// The child: a dmsg server on 127.0.0.1, forever (the parent kills it).
[[noreturn]] void run_server_child(shared_page& page, const crypto::key_pair& kp) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  asio::io_context ctx;
  base::system_clock clock;
  server_config cfg{kp};
  cfg.listen_host = "127.0.0.1";
  cfg.max_sessions = 1'000'000;
  cfg.max_sessions_per_ip = 1'000'000;
  server srv(ctx.get_executor(), cfg, clock, base::make_null_logger("load-srv"));
  auto port = srv.start();
  if (!port) std::_Exit(2);
  page.port.store(*port);
  asio::co_spawn(ctx, publish_count(srv, page), asio::detached);
  ctx.run();
  std::_Exit(0);
}

struct client_side {
  tcp::endpoint ep;
  crypto::public_key server_pk;
  std::size_t target = 0;
  std::size_t next = 0;
  std::size_t failures = 0;
  std::chrono::steady_clock::time_point deadline;
  std::vector<yamux::session> sessions;
};

asio::awaitable<void> opener(client_side& c) {
  crypto::system_random rng;
  auto ex = co_await asio::this_coro::executor;
  while (c.next < c.target && std::chrono::steady_clock::now() < c.deadline) {
    ++c.next;
    const crypto::key_pair kp = crypto::generate_key_pair(rng);
    tcp::socket s(ex);
    auto [ec] = co_await s.async_connect(c.ep, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      ++c.failures;
      continue;
    }
    auto op = client_session_handshake(std::move(s), kp, c.server_pk, rng);
    auto keys = co_await std::move(op);
    if (!keys) {
      ++c.failures;
      continue;
    }
    c.sessions.emplace_back(std::move(keys->socket), yamux::role::client);
  }
}

asio::awaitable<void> open_all(client_side& c) {
  net::task_group g(co_await asio::this_coro::executor, parallel_handshakes);
  for (int i = 0; i < parallel_handshakes; ++i) EXPECT_TRUE(g.spawn(opener(c)));
  co_await g.join();
}

asio::awaitable<bool> wait_count(const shared_page& page, std::uint64_t want, std::chrono::seconds limit) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (page.sessions.load() != want) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    t.expires_after(20ms);
    co_await t.async_wait(asio::use_awaitable);
  }
  co_return true;
}

std::size_t sessions_wanted() {
  std::size_t n = test::count_from_env("SKYWIRE_LOAD_SESSIONS", 20000);
  // One descriptor per session on each side.
  const std::size_t fd_cap = test::raise_fd_limit(n);
  if (n > fd_cap) {
    std::printf("load: RLIMIT_NOFILE allows %zu: clamping %zu sessions to it\n", fd_cap, n);
    n = fd_cap;
  }
  return n;
}

TEST(DmsgLoad, IdleSessionsOnOneServer) {
  const std::size_t n = sessions_wanted();
  ASSERT_GT(n, 0u);
  void* mem = mmap(nullptr, sizeof(shared_page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* page = new (mem) shared_page{};
  crypto::system_random rng;
  const crypto::key_pair server_keys = crypto::generate_key_pair(rng);

  std::fflush(stdout);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) run_server_child(*page, server_keys);

  struct reaper {
    pid_t pid;
    ~reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reap{child};

  for (int i = 0; i < 500 && page->port.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_NE(page->port.load(), 0u) << "server child did not start";

  asio::io_context ctx;
  client_side c;
  c.ep = tcp::endpoint(asio::ip::address_v4::loopback(), static_cast<std::uint16_t>(page->port.load()));
  c.server_pk = server_keys.pk;
  c.target = n;
  c.sessions.reserve(n);

  long rss_before = 0, rss_after = 0;
  double open_seconds = 0;
  bool all_seen = false;
  std::uint64_t server_saw = 0;
  auto body = [&]() -> asio::awaitable<void> {
    co_await settle(300ms);
    rss_before = vm_rss_kib(child);
    const auto t0 = std::chrono::steady_clock::now();
    c.deadline = t0 + open_deadline;
    co_await open_all(c);
    open_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    all_seen = co_await wait_count(*page, c.sessions.size(), 30s);
    co_await settle(1000ms);  // let per-session start-up allocations settle
    rss_after = vm_rss_kib(child);
    server_saw = page->sessions.load();
    for (auto& s : c.sessions) s.close();
    co_await settle(200ms);
  };
  asio::co_spawn(ctx, body(), [&](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    ctx.stop();
  });
  ctx.run();

  const std::size_t got = c.sessions.size();
  const double per_session = got ? static_cast<double>(rss_after - rss_before) * 1024.0 / static_cast<double>(got) : 0;
  std::printf(
      "load: sessions wanted %zu, established %zu (failures %zu, server saw %llu) in %.1f s (%.0f sessions/s)\n"
      "load: server VmRSS before %ld KiB, with %zu idle sessions %ld KiB: %.0f bytes (%.2f KiB) per idle session\n",
      n, got, c.failures, static_cast<unsigned long long>(server_saw), open_seconds,
      open_seconds > 0 ? static_cast<double>(got) / open_seconds : 0.0, rss_before, got, rss_after, per_session,
      per_session / 1024.0);
  std::fflush(stdout);
  EXPECT_EQ(got, n);
  EXPECT_EQ(c.failures, 0u);
  EXPECT_TRUE(all_seen) << "the server did not report every session";
  munmap(mem, sizeof(shared_page));
}

}  // namespace
}  // namespace skywire::dmsg
