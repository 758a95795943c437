// Route benches (bench/harness.hpp rows; spec/skywire.md §3–4, issue 5): four visors in one
// process, each a real transport::manager with an stcp network on 127.0.0.1 and a
// router::router, linked by stcp transports A—B (direct) and A—C—D—B. Paths come from a fixed
// table (no route finder). Routes are installed either by an in-process stand-in for the setup
// node that reserves ids, runs routing::count_route_ids / generate_rules and calls each router's
// route_handler methods directly (as router_test does; no dmsg, RPC or HTTP), or, for the last
// rows, by the real deployment: dmsg discovery + dmsg server, a setup::node on dmsg port 36 and
// a setup::visor_gateway per visor on port 136, the routers using visor::make_dmsg_route_setup
// as a visor does. Everything runs on ONE thread (one io_context): every AEAD pass and every
// ECDH of every visor (and of the dmsg server and setup node) shares one core, which is what
// the baselines below assume. There is no Go baseline (Go skywire could not be installed), so
// every row compares against a bound measured in the same run.
//
//   - route throughput A → B, encrypted route group (end-to-end Noise over the transports'
//     Noise), 4070-byte messages (one Noise frame, route_group::max_message()), written with
//     route_group::write as fast as its back-pressure allows and counted (payload bytes) as
//     route_group::read returns them. 1 hop (A—B) and 3 hops (A—C—D—B). Batches are sized to
//     take about 2 s at the rate a 16 MiB probe batch showed (at most 256 MiB); best of 3.
//     vs the single-core AEAD bound: ChaCha20-Poly1305 seal of 4070 B (crypto::aead_seal)
//     divided by the passes every byte takes (route seal + open, and a transport seal + open per
//     hop: 4 passes at 1 hop, 8 at 3); target 0.30.
//   - route setup latency, the routers' part: 200 dials of the 3-hop route (after 5 warm-up
//     dials, each a fresh route group closed after), from router::dial to the dialler's route
//     group open (paths from the table, rules installed in process by the stand-in, the route's
//     Handshake and Noise KK across three hops), not the setup node's RPC. Reported as rates
//     (1/p50, 1/p95) so higher is better: 1/p50 vs 1/(20 ms), target 1 (i.e. p50 ≤ 20 ms); and
//     both vs one raw loopback TCP connect + accept (1/median of 200), informational.
//   - route setup latency through the setup node over dmsg: the same 200 dials, the route
//     installed the way a visor's is: DialRouteGroup on a dmsg stream to the node's port 36;
//     the node dials the four visors' port 136, ReserveIDs, AddIntermediaryRules, AddEdgeRules;
//     the reply; then the route's Handshake and Noise KK. 1/p50 vs 1/(20 ms), target 1 (issue 5:
//     p50 ≤ 20 ms); 1/p95 vs the same, informational; 1/p50 vs one dmsg stream dial + accept A → B
//     through the dmsg server (1/p50 of 200, the unit the node's fan-out is built of),
//     informational. The node's own stats must count every dial as succeeded.
//   - packets forwarded per second at a hop: C's router counters().forwarded during the 3-hop
//     batches ÷ their seconds (best batch); vs a raw relay in the same thread (a writer → TCP
//     → a relay coroutine reading and writing one route-Data-packet-sized record (4103 bytes:
//     7-byte header + a 4096-byte Noise frame of 4070 plaintext bytes) at a time → TCP → a sink);
//     informational.
//   - whole-process CPU seconds per Gbit of route payload during the 3-hop batches (getrusage;
//     all four visors; lower is better) vs 8 AEAD passes on one core; informational.
// Files: routes/network.{hpp,cpp} (the visors, the path table, the stand-in),
// routes/dmsg_deployment.{hpp,cpp} (discovery, server, setup node, gateways),
// routes/throughput.cpp, routes/setup_latency.cpp (routes/measures.hpp); shared helpers in
// support.hpp.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "routes/measures.hpp"

using namespace skywire;
using namespace skywire::bench::routes;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr double setup_budget_ms = 20.0;
constexpr auto watchdog_limit = 15min;  // the whole run

void print_rows(const figures& f) {
  using bench::mib;
  using bench::row;
  const double bound1 = f.aead / 4, bound3 = f.aead / 8;
  const double budget = 1e3 / setup_budget_ms;
  row("route A->B 1 hop, encrypted route group, 4070 B messages, ~2 s batches, 2 visors on one thread vs "
      "single-core AEAD bound (4070 B seal / 4 passes: route + transport seal and open); no Go baseline",
      f.one_hop / mib, bound1 / mib, "MiB/s", 0.30);
  row("route A->C->D->B 3 hops, encrypted route group, 4070 B messages, ~2 s batches, 4 visors on one thread "
      "vs single-core AEAD bound (4070 B seal / 8 passes: route + 3 transports seal and open); no Go baseline",
      f.three_hop / mib, bound3 / mib, "MiB/s", 0.30);
  row("3-hop route setup, routers' part (dial to route group open, in-process setup node stand-in, 200 dials), "
      "1/p50 vs 1/20 ms (met = p50 <= 20 ms)",
      1.0 / f.setup.p50, budget, "dials/s", 1.0);
  row("3-hop route setup, routers' part, 1/p50 vs raw loopback TCP connect+accept (1/median of 200; "
      "informational)",
      1.0 / f.setup.p50, 1.0 / f.tcp_connect, "dials/s", 0);
  row("3-hop route setup, routers' part, 1/p95 vs raw loopback TCP connect+accept (1/median of 200; "
      "informational)",
      1.0 / f.setup.p95, 1.0 / f.tcp_connect, "dials/s", 0);
  row("3-hop route setup through the setup node over dmsg (router::dial to route group open: fixed path table, "
      "DialRouteGroup on dmsg port 36, the node's RPCs to 4 visor gateways on port 136, route handshake; dmsg "
      "discovery, server, node and 4 visors on one thread; 200 dials), 1/p50 vs 1/20 ms (met = p50 <= 20 ms)",
      1.0 / f.dmsg_setup.p50, budget, "dials/s", 1.0);
  row("3-hop route setup through the setup node over dmsg, 1/p95 vs 1/20 ms (informational)",
      1.0 / f.dmsg_setup.p95, budget, "dials/s", 0);
  row("3-hop route setup through the setup node over dmsg, 1/p50 vs dmsg stream dial+accept A->B through the "
      "dmsg server (1/p50 of 200; informational)",
      1.0 / f.dmsg_setup.p50, 1.0 / f.dmsg_stream.p50, "dials/s", 0);
  row("packets forwarded per second by the first hop of the 3-hop route (4103 B Data packets, 4 visors on "
      "one thread) vs raw TCP relay of 4103 B records in one thread (writer, relay, sink; informational)",
      f.forwarded, f.relay, "packets/s", 0);
  row("3-hop route whole-process CPU-s per Gbit of payload (4 visors: 2 ends + 2 hops; lower is better; "
      "baseline = 8 AEAD passes on one core; informational)",
      f.bytes3 > 0 ? f.cpu3 / (f.bytes3 * 8 / 1e9) : 0, 8.0 * (1e9 / 8) / f.aead, "CPU-s/Gbit", 0);
}

asio::awaitable<void> bench_body() {
  auto ex = co_await asio::this_coro::executor;
  network net;
  net.start(ex, 4);
  co_await net.link(0, 1);  // A — B
  co_await net.link(0, 2);  // A — C
  co_await net.link(2, 3);  // C — D
  co_await net.link(3, 1);  // D — B
  figures f;
  co_await throughput_1hop(net, f);
  co_await throughput_3hop(net, f);
  co_await setup_latency(net, f);
  // The dmsg deployment only now, so its background work (entries, keep-alives) stays out of
  // the rows above.
  dmsg_deployment d;
  co_await d.start(net);
  co_await dmsg_setup_latency(net, d, f);
  co_await d.stop();
  co_await net.close();
  print_rows(f);
}

}  // namespace

int main() {
  bench::watchdog dog(watchdog_limit);
  asio::io_context ctx;
  asio::co_spawn(ctx, bench_body(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::fprintf(stderr, "bench_routes: %s\n", x.what());
    }
    std::exit(1);
  });
  ctx.run();
}
