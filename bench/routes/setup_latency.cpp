// bench_routes's route setup rows: 3-hop dials through the in-process setup node stand-in (the
// routers' part) and through the real setup node over dmsg (a visor's whole dial), with their
// baselines, loopback TCP connect + accept and a dmsg stream dial + accept (measures.hpp; the
// rows' meaning in bench_routes.cpp).
#include <boost/asio/ip/tcp.hpp>

#include "measures.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::bench::routes {

namespace asio = boost::asio;
namespace wt = wire::transport;
using namespace std::chrono_literals;

namespace {

constexpr int warmup = 5;
constexpr int dials = 200;
constexpr std::uint16_t stream_port = 1024;  // the dmsg stream baseline's

// Seconds of each of `dials` dials A → B:port over the 3-hop path (after `warmup` more), each a
// fresh route group that both ends then close.
asio::awaitable<std::vector<double>> dial_3hop(network& net, std::uint16_t port) {
  net.route({0, 2, 3, 1});
  auto l = net[1].r->listen(port);
  check_result(l, "listen");
  std::vector<double> t;
  for (int i = 0; i < warmup + dials; ++i) {
    const auto t0 = bench_clock::now();
    auto dial = net[0].r->dial(net[1].pk(), port, min_hops(3));
    auto g = co_await std::move(dial);
    const double dt = seconds_since(t0);
    check_result(g, "router dial (3 hops)");
    check(g->encrypted(), "an encrypted route");
    check(g->summary().transport == wt::make_transport_id(net[0].pk(), net[2].pk(), wt::type_stcp),
          "the 3-hop route leaving A towards C");
    if (i >= warmup) t.push_back(dt);
    route_pair rp;
    rp.dialer.emplace(std::move(*g));
    auto acc = l->accept();
    auto a = co_await net::with_timeout(std::move(acc), 10s);
    check_result(a, "listener accept");
    rp.acceptor.emplace(std::move(*a));
    co_await close_pair(rp);
  }
  co_return t;
}

// A closed route leaves no rules behind at the hops (its Close deleted them): said on stderr.
asio::awaitable<void> report_rules_left(network& net) {
  co_await sleep_for(50ms);
  std::fprintf(stderr, "bench_routes: rules left at C %zu, D %zu\n", net[2].r->rules().size(),
               net[3].r->rules().size());
}

// Median seconds of one loopback TCP connect + accept, over `dials` (after `warmup`).
asio::awaitable<double> tcp_connect_median() {
  auto ex = co_await asio::this_coro::executor;
  const asio::ip::tcp::endpoint loopback(asio::ip::address_v4::loopback(), 0);
  asio::ip::tcp::acceptor acc(ex, loopback);
  std::vector<double> t;
  for (int i = 0; i < warmup + dials; ++i) {
    const auto t0 = bench_clock::now();
    auto connect = tcp_connect_accept(acc);
    auto c = co_await std::move(connect);
    if (i >= warmup) t.push_back(seconds_since(t0));
  }
  co_return median(std::move(t));
}

// Seconds of each dmsg stream dial A → B plus B's accept, through the dmsg server (`dials`,
// after `warmup`); both ends closed after each.
asio::awaitable<std::vector<double>> dmsg_stream_dials(dmsg_deployment& d) {
  auto& a = *d.visors[0].dmsg;
  auto& b = *d.visors[1].dmsg;
  auto l = b.listen(stream_port);
  check_result(l, "dmsg listen");
  std::vector<double> t;
  for (int i = 0; i < warmup + dials; ++i) {
    const auto t0 = bench_clock::now();
    auto dial = a.dial(b.pk(), stream_port);
    auto s = co_await std::move(dial);
    check_result(s, "dmsg stream dial");
    auto acc = l->accept();
    auto r = co_await net::with_timeout(std::move(acc), 10s);
    check_result(r, "dmsg stream accept");
    if (i >= warmup) t.push_back(seconds_since(t0));
    (*s)->close();
    (*r)->close();
  }
  co_return t;
}

}  // namespace

void latency::set(const std::vector<double>& samples) {
  p50 = percentile(samples, 0.50);
  p95 = percentile(samples, 0.95);
}

asio::awaitable<void> setup_latency(network& net, figures& f) {
  auto dialing = dial_3hop(net, 46);
  f.setup.set(co_await std::move(dialing));
  f.tcp_connect = co_await tcp_connect_median();
  co_await report_rules_left(net);
  std::fprintf(stderr, "bench_routes: setup (stand-in) p50 %.2f ms, p95 %.2f ms, TCP connect+accept %.3f ms\n",
               f.setup.p50 * 1e3, f.setup.p95 * 1e3, f.tcp_connect * 1e3);
}

asio::awaitable<void> dmsg_setup_latency(network& net, dmsg_deployment& d, figures& f) {
  d.use_dmsg(net);
  const auto before = d.setup_node->stats();
  auto dialing = dial_3hop(net, 47);
  f.dmsg_setup.set(co_await std::move(dialing));
  const auto after = d.setup_node->stats();
  check(after.succeeded - before.succeeded == warmup + dials, "every dial set up by the setup node");
  d.use_stand_in(net);
  auto streams = dmsg_stream_dials(d);
  f.dmsg_stream.set(co_await std::move(streams));
  co_await report_rules_left(net);
  std::fprintf(stderr,
               "bench_routes: setup (setup node over dmsg) p50 %.2f ms, p95 %.2f ms; dmsg stream dial+accept "
               "p50 %.2f ms, p95 %.2f ms\n",
               f.dmsg_setup.p50 * 1e3, f.dmsg_setup.p95 * 1e3, f.dmsg_stream.p50 * 1e3, f.dmsg_stream.p95 * 1e3);
}

}  // namespace skywire::bench::routes
