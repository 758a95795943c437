// sudph across network namespaces (label netns) under "loss 5% delay 100ms" on both ends of the
// veth (RTT ≥ 200 ms, 5% loss each way): the address resolver and visor B in one namespace, visor
// A in the other. Both bind over KCP through the lossy link, A dials B by pk through the resolver,
// and a 256 KiB transfer plus its echo arrive intact — KCP's retransmissions carry the handshake,
// Noise and the data. The same runs across a plain veth. The impairment is `tc netem` where the
// kernel has sch_netem, else the same loss and delay applied through NFQUEUE (impaired_egress.hpp).
// Visors behind masquerading NAT are in nat_netns_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "address-resolver/service.hpp"
#include "impaired_egress.hpp"
#include "netns.hpp"
#include "netns_thread.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/sudph.hpp"
#include "resolver_fixture.hpp"

namespace skywire::transport {
namespace {

namespace asio = boost::asio;
namespace ar_svc = svc::address_resolver;
using namespace std::chrono_literals;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

using skywire::test::wait_for;
using test::make_ar;
using test::read_full;

sudph_config config(const std::string& ip, const std::string& ar_udp) {
  sudph_config cfg;
  cfg.listen_host = ip;
  cfg.addresses = {ip};
  cfg.ar_udp_address = ar_udp;
  cfg.bind_backoff_initial = 200ms;
  cfg.bind_backoff_max = 1s;
  // The raw handshake's 10 s and Noise's 5 s are Go's; keep them: at 5% loss and 200 ms RTT
  // they are what a real lossy path gets.
  return cfg;
}

bytes pattern(std::size_t n) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 29 + 3);
  return b;
}

// Whether the kernel has the netem qdisc (sch_netem): not every test machine's kernel does.
bool netem_available() {
  skywire::test::netns probe("sudph-probe");
  if (probe.exec("ip link add swq0 type veth peer name swq1") != 0) return false;
  return probe.exec("tc qdisc add dev swq0 root netem delay 1ms 2>/dev/null") == 0;
}

void transfer_across_namespaces(bool lossy) {
  skywire::test::netns right_ns("sudph-r"), left_ns("sudph-l");
  skywire::test::veth link(right_ns, "198.18.7.1/24", left_ns, "198.18.7.2/24");
  // Both directions lose 5% and wait 100 ms: by netem if the kernel has it, else by NFQUEUE.
  const bool netem = lossy && netem_available();
  std::optional<skywire::test::impaired_egress> right_out, left_out;
  if (netem) {
    ASSERT_EQ(right_ns.exec("tc qdisc add dev " + link.a_if + " root netem loss 5% delay 100ms"), 0);
    ASSERT_EQ(left_ns.exec("tc qdisc add dev " + link.b_if + " root netem loss 5% delay 100ms"), 0);
  } else if (lossy) {
    right_out.emplace(right_ns, link.a_if, 0.05, 100ms);
    left_out.emplace(left_ns, link.b_if, 0.05, 100ms);
  }

  const auto ka = keys("sudph-netns-a"), kb = keys("sudph-netns-b");
  const std::size_t size = 256 * 1024;
  base::system_clock clock;
  auto db = ar_svc::make_memory_store();
  auto nonces = svc::httpauth::make_memory_nonce_store();

  skywire::test::netns_thread right(right_ns);
  std::unique_ptr<ar_svc::service> ar;
  std::unique_ptr<sudph_network> nb;
  const std::uint16_t ar_port = right.call([&]() -> std::uint16_t {
    ar_svc::service_options opt;
    opt.host = "198.18.7.1";
    opt.port = 0;
    opt.api.local_mode = true;
    ar = std::make_unique<ar_svc::service>(right.ctx.get_executor(), *db, *nonces, clock,
                                           base::make_null_logger("ar"), opt);
    auto p = ar->start();
    if (!p) return 0;
    auto n = sudph_network::create(right.ctx.get_executor(), kb,
                                   make_ar(right.ctx.get_executor(), "http://198.18.7.1:" + std::to_string(*p), kb),
                                   config("198.18.7.1", "198.18.7.1:" + std::to_string(*p)));
    if (!n) return 0;
    nb = std::move(*n);
    return *p;
  });
  ASSERT_NE(ar_port, 0);
  const std::string url = "http://198.18.7.1:" + std::to_string(ar_port);

  {
    skywire::test::netns_thread left(left_ns);
    std::unique_ptr<sudph_network> na;
    ASSERT_TRUE(left.call([&] {
      auto n = sudph_network::create(left.ctx.get_executor(), ka, make_ar(left.ctx.get_executor(), url, ka),
                                     config("198.18.7.2", "198.18.7.1:" + std::to_string(ar_port)));
      if (n) na = std::move(*n);
      return static_cast<bool>(n);
    }));
    ASSERT_TRUE(wait_for([&] { return left.call([&] { return na->bound(); }) && right.call([&] { return nb->bound(); }); },
                         60s))
        << "visors did not bind across the lossy link";

    const auto started = std::chrono::steady_clock::now();
    // B: accept, read everything, echo it back.
    auto b_side = [&]() -> asio::awaitable<bool> {
      auto tp = co_await nb->accept();
      if (!tp) co_return false;
      bytes got(size);
      auto r = co_await read_full(*tp->stream, got);
      if (!r || got != pattern(size)) co_return false;
      auto w = co_await tp->stream->write_all(got);
      if (!w) co_return false;
      bytes done(1);  // A's "got it": until then our data may still need retransmitting
      auto d = co_await net::with_timeout(tp->stream->read_some(done), 120s);
      co_return static_cast<bool>(d);
    };
    // A: dial by pk (resolve → holepunch → KCP → handshake → Noise), send, read the echo.
    std::optional<transport> a_tp;  // kept (on the left thread) until B has everything
    auto a_side = [&]() -> asio::awaitable<bool> {
      result<transport> tp = errc::network_closed;
      // not_bound until the resolver stored B (it stores a moment after B sent its addresses);
      // on a lossy path a 10 s handshake can also lose.
      for (int attempt = 0; attempt < 20 && !tp; ++attempt) {
        if (attempt > 0) {
          asio::steady_timer pause(left.ctx, 250ms);
          co_await pause.async_wait(asio::use_awaitable);
        }
        tp = co_await na->dial(kb.pk);
      }
      if (!tp) co_return false;
      a_tp = std::move(*tp);
      auto w = co_await a_tp->stream->write_all(pattern(size));
      if (!w) co_return false;
      bytes echo(size);
      auto r = co_await read_full(*a_tp->stream, echo);
      if (!r || echo != pattern(size)) co_return false;
      auto done = co_await a_tp->stream->write_all(as_bytes("x"));
      co_return static_cast<bool>(done);
    };
    auto b_task = b_side();
    auto b_done = asio::co_spawn(right.ctx, std::move(b_task), asio::use_future);
    auto a_task = a_side();
    auto a_done = asio::co_spawn(left.ctx, std::move(a_task), asio::use_future);
    ASSERT_EQ(a_done.wait_for(180s), std::future_status::ready);
    EXPECT_TRUE(a_done.get());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("netns: sudph 256 KiB each way %s in %.1f s\n",
                !lossy ? "across a plain veth"
                : netem ? "over netem loss 5% delay 100ms"
                        : "over NFQUEUE loss 5% delay 100ms",
                secs);
    if (right_out && left_out) {
      // Proof the impairment acted: with ~5% of several hundred packets each way, some were lost.
      std::printf("netns: right->left %llu passed, %llu dropped; left->right %llu passed, %llu dropped\n",
                  static_cast<unsigned long long>(right_out->passed()),
                  static_cast<unsigned long long>(right_out->dropped()),
                  static_cast<unsigned long long>(left_out->passed()),
                  static_cast<unsigned long long>(left_out->dropped()));
      EXPECT_GT(right_out->dropped() + left_out->dropped(), 0U);
    }
    if (lossy) {
      // And the delay: resolve, hole punch, handshake and two transfers are many 200 ms round trips.
      EXPECT_GT(secs, 1.0);
    }
    ASSERT_EQ(b_done.wait_for(130s), std::future_status::ready);
    EXPECT_TRUE(b_done.get());
    left.call([&] {
      a_tp.reset();
      na.reset();
      return true;
    });
  }
  right.call([&] {
    nb.reset();
    ar.reset();
    return true;
  });
}

bool namespaces_usable() {
  if (skywire::test::netns_available()) return true;
  if (std::getenv("CI")) ADD_FAILURE() << "netns tests need root and iproute2 in CI";
  return false;
}

TEST(SudphNetns, TransferAcrossNamespaces) {
  if (!namespaces_usable()) GTEST_SKIP() << "needs root and iproute2";
  transfer_across_namespaces(false);
}

TEST(SudphNetns, TransferSurvivesLossAndDelay) {
  if (!namespaces_usable()) GTEST_SKIP() << "needs root and iproute2";
  if (!netem_available() && !skywire::test::nfqueue_available()) {
    if (std::getenv("CI")) ADD_FAILURE() << "needs the netem qdisc or iptables' NFQUEUE in CI";
    GTEST_SKIP() << "the kernel has neither the netem qdisc (sch_netem) nor nfnetlink_queue";
  }
  transfer_across_namespaces(true);
}

}  // namespace
}  // namespace skywire::transport
