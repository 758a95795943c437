// Load test (label `load`): 10,000 concurrent dmsg streams relayed by one of our dmsg servers
// (DESIGN.md §7, issue 3), and what each costs the server in memory.
//
// A forked child runs a dmsg discovery (memory store, test mode) and one dmsg server, so the
// child's VmRSS is the relay's. The parent runs `pairs` client pairs (A_i dials, B_i listens on
// port 1): each A_i opens its share of the streams (64 dials in flight per client; a refused
// dial is retried, up to 3 times), each stream carries one byte to B_i and back, and every
// stream stays open until all are up. The server's RSS is read with the sessions only and again
// with every stream open. The test asserts that every stream was established and echoed; the
// figures (streams/s, server bytes per stream) are printed, never asserted.
//
// Streams per session are capped by yamux (limits::max_streams = 4096), hence several pairs.
// N comes from SKYWIRE_LOAD_STREAMS (default 10000). Measure from a Release build.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "dmsg-discovery/service.hpp"
#include "dmsg-discovery/store.hpp"
#include "load_support.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/task_group.hpp"

namespace skywire::dmsg {
namespace {

namespace asio = boost::asio;
namespace disc_svc = svc::dmsg_discovery;
using namespace std::chrono_literals;
using test::settle;

constexpr std::size_t streams_per_pair = 2500;  // well under yamux's 4096 per session
constexpr int dials_in_flight = 64;
constexpr int dial_attempts = 3;
constexpr std::uint16_t echo_port = 1;

struct shared_page {
  std::atomic<std::uint32_t> disc_port{0};
  std::atomic<std::uint32_t> ready{0};  // server entry published
};

asio::awaitable<void> publish_ready(server& srv, shared_page& page) {
  while (!srv.entry_published()) co_await settle(20ms);
  page.ready.store(1);
}

// The child: a discovery and a dmsg server on 127.0.0.1, until the parent kills it.
[[noreturn]] void run_relay_child(shared_page& page, const crypto::key_pair& kp) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  asio::io_context ctx;
  base::system_clock clock;
  auto db = disc_svc::make_memory_store();
  disc_svc::service_options opt;
  opt.host = "127.0.0.1";
  opt.port = 0;
  opt.api.test_mode = true;
  disc_svc::service disc(ctx.get_executor(), *db, clock, base::make_null_logger("load-disc"), opt);
  auto disc_port = disc.start();
  if (!disc_port) std::_Exit(2);
  server_config cfg{kp};
  cfg.listen_host = "127.0.0.1";
  cfg.discovery_url = "http://127.0.0.1:" + std::to_string(*disc_port);
  cfg.max_sessions_per_ip = 1000;
  cfg.retry_interval = 100ms;
  server srv(ctx.get_executor(), cfg, clock, base::make_null_logger("load-srv"));
  if (!srv.start()) std::_Exit(3);
  page.disc_port.store(*disc_port);
  asio::co_spawn(ctx, publish_ready(srv, page), asio::detached);
  ctx.run();
  std::_Exit(0);
}

// B side: accept, echo one byte, keep the stream.
asio::awaitable<void> echo_one(std::unique_ptr<net::stream> s, std::vector<std::unique_ptr<net::stream>>& kept,
                               std::size_t& echoed) {
  std::array<std::uint8_t, 1> b{};
  auto n = co_await s->read_some(b);
  if (!n) co_return;
  auto w = co_await s->write_all(b);
  if (!w) co_return;
  ++echoed;
  kept.push_back(std::move(s));
}

asio::awaitable<void> accept_loop(listener& l, net::task_group& g, std::vector<std::unique_ptr<net::stream>>& kept,
                                  std::size_t& echoed) {
  for (;;) {
    auto s = co_await l.accept();
    if (!s) co_return;
    (void)g.spawn(echo_one(std::move(*s), kept, echoed));
  }
}

struct pair_side {
  std::unique_ptr<client> a, b;
  std::unique_ptr<listener> l;
  std::vector<std::unique_ptr<net::stream>> a_streams, b_streams;
  std::size_t target = 0, next = 0, failures = 0, retries = 0, b_echoed = 0;
  std::map<std::string, std::size_t> errors;  // why dials failed, for the report
};

// A side: dial, send one byte, read it back, keep the stream.
asio::awaitable<void> dialer(pair_side& p) {
  while (p.next < p.target) {
    ++p.next;
    for (int attempt = 1; attempt <= dial_attempts; ++attempt) {
      auto s = co_await p.a->dial(p.b->pk(), echo_port);
      if (!s) ++p.errors["dial: " + s.error().message()];
      if (s) {
        std::array<std::uint8_t, 1> b{0x5a};
        auto w = co_await (*s)->write_all(b);
        std::array<std::uint8_t, 1> back{};
        result<std::size_t> r = net::errc::closed;
        if (w) r = co_await (*s)->read_some(back);
        if (!r) ++p.errors["echo: " + r.error().message()];
        if (r && back[0] == 0x5a) {
          p.a_streams.push_back(std::move(*s));
          break;
        }
      }
      if (attempt == dial_attempts) {
        ++p.failures;
      } else {
        ++p.retries;
      }
    }
  }
}

asio::awaitable<void> open_streams(pair_side& p) {
  net::task_group g(co_await asio::this_coro::executor, dials_in_flight);
  for (int i = 0; i < dials_in_flight; ++i) EXPECT_TRUE(g.spawn(dialer(p)));
  co_await g.join();
}

TEST(DmsgLoad, ConcurrentStreamsThroughOneServer) {
  const std::size_t n = test::count_from_env("SKYWIRE_LOAD_STREAMS", 10000);
  ASSERT_GT(n, 0u);
  test::raise_fd_limit(4096);
  void* mem = mmap(nullptr, sizeof(shared_page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* page = new (mem) shared_page{};
  crypto::system_random rng;
  const crypto::key_pair server_keys = crypto::generate_key_pair(rng);

  std::fflush(stdout);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) run_relay_child(*page, server_keys);
  struct reaper {
    pid_t pid;
    ~reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reap{child};
  for (int i = 0; i < 1000 && page->ready.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(page->ready.load(), 1u) << "relay child did not start";

  asio::io_context ctx;
  base::system_clock clock;
  const std::string disc_url = "http://127.0.0.1:" + std::to_string(page->disc_port.load());
  const std::size_t pairs = (n + streams_per_pair - 1) / streams_per_pair;
  std::vector<pair_side> sides(pairs);
  long rss_sessions = 0, rss_streams = 0;
  double open_seconds = 0;
  std::size_t established = 0, echoed = 0, failures = 0, retries = 0;
  std::map<std::string, std::size_t> errors;

  auto body = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    net::task_group acceptors(ex, pairs);
    net::task_group echoes(ex, n + 1024);
    for (std::size_t i = 0; i < pairs; ++i) {
      auto& p = sides[i];
      p.target = n / pairs + (i < n % pairs ? 1 : 0);
      p.a = std::make_unique<client>(ex, client_config{.keys = crypto::generate_key_pair(rng), .discovery_url = disc_url},
                                     clock, base::make_null_logger("load-a"));
      p.b = std::make_unique<client>(ex, client_config{.keys = crypto::generate_key_pair(rng), .discovery_url = disc_url},
                                     clock, base::make_null_logger("load-b"));
      p.a->start();
      p.b->start();
      auto ra = co_await p.a->wait_ready(20s);
      auto rb = co_await p.b->wait_ready(20s);
      EXPECT_TRUE(ra && rb) << "pair " << i << " did not join";
      if (!ra || !rb) co_return;
      auto l = p.b->listen(echo_port);
      EXPECT_TRUE(l);
      if (!l) co_return;
      p.l = std::make_unique<listener>(std::move(*l));
      EXPECT_TRUE(acceptors.spawn(accept_loop(*p.l, echoes, p.b_streams, p.b_echoed)));
    }
    co_await settle(1000ms);
    rss_sessions = test::vm_rss_kib(child);
    const auto t0 = std::chrono::steady_clock::now();
    net::task_group openers(ex, pairs);
    for (auto& p : sides) EXPECT_TRUE(openers.spawn(open_streams(p)));
    co_await openers.join();
    open_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    co_await settle(1000ms);
    rss_streams = test::vm_rss_kib(child);
    for (auto& p : sides) {
      established += p.a_streams.size();
      echoed += p.b_echoed;
      failures += p.failures;
      retries += p.retries;
      for (const auto& [what, count] : p.errors) errors[what] += count;
    }
    for (auto& p : sides) {
      p.a_streams.clear();
      p.l->close();
    }
    acceptors.cancel();
    co_await acceptors.join();
    echoes.cancel();
    co_await echoes.join();
    for (auto& p : sides) {
      p.b_streams.clear();
      co_await p.a->close();
      co_await p.b->close();
    }
  };
  asio::co_spawn(ctx, body(), [&](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    ctx.stop();
  });
  ctx.run();

  const double per_stream =
      established ? static_cast<double>(rss_streams - rss_sessions) * 1024.0 / static_cast<double>(established) : 0;
  std::printf(
      "load: streams wanted %zu over %zu client pairs, established and echoed %zu (B echoed %zu, retried dials %zu, "
      "failures %zu) in %.1f s (%.0f streams/s)\n"
      "load: relay VmRSS with %zu sessions %ld KiB, with %zu open streams %ld KiB: %.0f bytes (%.2f KiB) per stream\n",
      n, pairs, established, echoed, retries, failures, open_seconds,
      open_seconds > 0 ? static_cast<double>(established) / open_seconds : 0.0, 2 * pairs, rss_sessions, established,
      rss_streams, per_stream, per_stream / 1024.0);
  for (const auto& [what, count] : errors) std::printf("load: %zu failed attempts: %s\n", count, what.c_str());
  std::fflush(stdout);
  EXPECT_EQ(established, n);
  EXPECT_EQ(echoed, n);
  EXPECT_EQ(failures, 0u);
  munmap(mem, sizeof(shared_page));
}

}  // namespace
}  // namespace skywire::dmsg
