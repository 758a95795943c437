// Route benches (bench/harness.hpp rows; spec/skywire.md §3–4, issue 5): four visors in one
// process, each a real transport::manager with an stcp network on 127.0.0.1 and a
// router::router, linked by stcp transports A—B (direct) and A—C—D—B. Paths come from a fixed
// table; routes are installed by an in-process stand-in for the setup node that reserves ids,
// runs routing::count_route_ids / generate_rules and calls each router's route_handler methods
// directly (as router_test does), so no dmsg, RPC or HTTP is measured here. All four visors run
// on ONE thread (one io_context): every AEAD pass of every visor shares one core, which is what
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
//   - route setup latency: 200 dials of the 3-hop route (after 5 warm-up dials), from
//     router::dial to the dialler's route group open (paths from the table, rules installed in
//     process, the route's Handshake and Noise KK across three hops); the routers' part of a
//     setup, not the setup node's RPC. Reported as rates (1/p50, 1/p95) so higher is better:
//     1/p50 vs 1/(20 ms), target 1 (i.e. p50 ≤ 20 ms); and both vs one raw loopback TCP
//     connect + accept (1/median of 200), informational.
//   - packets forwarded per second at a hop: C's router counters().forwarded during the 3-hop
//     batches ÷ their seconds (best batch); vs a raw relay in the same thread (a writer → TCP
//     → a relay coroutine reading and writing one route-Data-packet-sized record (4103 bytes:
//     7-byte header + a 4096-byte Noise frame of 4070 plaintext bytes) at a time → TCP → a sink);
//     informational.
//   - whole-process CPU seconds per Gbit of route payload during the 3-hop batches (getrusage;
//     all four visors; lower is better) vs 8 AEAD passes on one core; informational.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "harness.hpp"
#include "skywire/crypto/aead.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/noise/limits.hpp"
#include "skywire/router/errc.hpp"
#include "skywire/router/router.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/transport/transport_id.hpp"

using namespace skywire;
namespace asio = boost::asio;
namespace wr = wire::routing;
namespace wt = wire::transport;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t message_size = noise::limits::max_data_plaintext;  // 4070
// A route Data packet carrying one such message: header ‖ u16 length ‖ frame body.
constexpr std::size_t route_packet_size =
    wr::header_size + noise::limits::length_prefix_len + noise::limits::max_frame_body;  // 4103
constexpr std::size_t probe_bytes = 16u << 20;
constexpr std::size_t max_batch_bytes = 256u << 20;
constexpr double batch_seconds = 2.0;
constexpr int transfer_batches = 3;
constexpr int setup_warmup = 5;
constexpr int setup_dials = 200;
constexpr double setup_budget_ms = 20.0;
constexpr auto read_limit = 10s;        // one message; beyond it the bench fails
constexpr auto watchdog_limit = 15min;  // the whole run
constexpr double mib = 1024.0 * 1024.0;

const base::system_clock sys_clock;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench_routes: %s failed\n", what);
    std::exit(1);
  }
}

template <class T>
void check_result(const result<T>& r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "bench_routes: %s failed: %s\n", what, r.error().message().c_str());
    std::exit(1);
  }
}

double seconds_since(bench::bench_clock::time_point t0) {
  return std::chrono::duration<double>(bench::bench_clock::now() - t0).count();
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

crypto::key_pair keys(const std::string& seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer t(ex, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Ends the process if the run hangs anyway (every wait below has its own deadline; this is the
// last line). Joined at the end of a normal run.
class watchdog {
 public:
  explicit watchdog(std::chrono::steady_clock::duration limit)
      : th_([this, limit] {
          std::unique_lock lk(mu_);
          if (!cv_.wait_for(lk, limit, [this] { return done_; })) {
            std::fprintf(stderr, "bench_routes: watchdog: the run took longer than its limit\n");
            std::exit(1);
          }
        }) {}
  ~watchdog() {
    {
      std::lock_guard lk(mu_);
      done_ = true;
    }
    cv_.notify_one();
    th_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread th_;
};

// ---- the network (a compact router_test) ----

// The path finder: whatever the bench put into the table for (src, dst).
struct fixed_paths final : router::path_finder {
  std::map<std::pair<crypto::public_key, crypto::public_key>, routing::path> table;
  asio::awaitable<result<std::pair<routing::path, routing::path>>> find(crypto::public_key src, crypto::public_key dst,
                                                                        std::uint16_t, std::uint16_t) override {
    auto f = table.find({src, dst});
    auto r = table.find({dst, src});
    if (f == table.end() || r == table.end()) co_return error_code(routing::errc::empty_path);
    co_return std::pair{f->second, r->second};
  }
};

// The setup node's work (§4.2 step 2) in process: reserve ids, generate the rules, install the
// intermediaries', then the responder's edge rules, and reply the initiator's.
struct local_setup final : router::route_setup {
  std::map<crypto::public_key, setup::route_handler*> visors;
  crypto::public_key node_pk = keys("bench-routes-setup-node").pk;

  asio::awaitable<result<routing::edge_rules>> dial_route_group(routing::bidirectional_route route) override {
    std::map<crypto::public_key, std::vector<routing::route_id>> reserved;
    for (const auto& [pk, n] : routing::count_route_ids(route)) {
      auto v = visors.find(pk);
      if (v == visors.end()) co_return error_code(router::errc::no_transport);
      auto reserve = v->second->reserve_ids(node_pk, static_cast<std::uint8_t>(n));  // named: g++ 12
      auto ids = co_await std::move(reserve);
      if (!ids) co_return ids.error();
      reserved[pk] = std::move(*ids);
    }
    auto gen = routing::generate_rules(route, reserved);
    if (!gen) co_return gen.error();
    for (auto& [pk, rules] : gen->intermediaries) {
      auto add = visors.at(pk)->add_intermediary_rules(node_pk, rules);
      auto ok = co_await std::move(add);
      if (!ok) co_return ok.error();
    }
    auto edge = visors.at(route.desc.dst_pk)->add_edge_rules(node_pk, gen->responder);
    auto ok = co_await std::move(edge);
    if (!ok) co_return ok.error();
    co_return gen->initiator;
  }
};

struct node {
  explicit node(const std::string& seed) : keys(::keys(seed)), port(free_port()) {}
  crypto::key_pair keys;
  std::uint16_t port;
  std::unique_ptr<transport::manager> m;
  std::unique_ptr<router::router> r;
  const crypto::public_key& pk() const { return keys.pk; }
};

// Visors by index: 0 = A, 1 = B, 2 = C, 3 = D.
struct network {
  crypto::system_random rng;
  std::vector<std::unique_ptr<node>> nodes;
  std::shared_ptr<fixed_paths> paths = std::make_shared<fixed_paths>();
  std::shared_ptr<local_setup> setup = std::make_shared<local_setup>();

  void start(asio::any_io_executor ex, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) nodes.push_back(std::make_unique<node>("bench-routes-" + std::to_string(i)));
    for (auto& np : nodes) {
      node& nd = *np;
      transport::stcp_config c;
      c.listen_address = loopback(nd.port);
      for (auto& other : nodes) {
        if (other.get() != &nd) c.pk_table[other->pk()] = loopback(other->port);
      }
      auto net = transport::stcp_network::create(ex, nd.keys, std::move(c));
      check_result(net, "stcp network");
      transport::manager_config mc{.keys = nd.keys};
      nd.m = std::make_unique<transport::manager>(ex, std::move(mc), sys_clock, nullptr);
      nd.m->add_network(std::move(*net));
      nd.m->start();
      router::router_config rc{.keys = nd.keys};
      nd.r = std::make_unique<router::router>(ex, rc, *nd.m, sys_clock, rng, nullptr);
      nd.r->set_path_finder(paths);
      nd.r->set_route_setup(setup);
      nd.r->start();
      setup->visors[nd.pk()] = nd.r.get();
    }
  }

  node& operator[](std::size_t i) { return *nodes[i]; }

  // An stcp transport i — j, listed by both managers.
  asio::awaitable<void> link(std::size_t i, std::size_t j) {
    auto save = nodes[i]->m->save_transport(nodes[j]->pk(), std::string(wt::type_stcp), wt::label_user);
    auto s = co_await std::move(save);
    check_result(s, "save_transport");
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!nodes[j]->m->find(s->id).has_value()) {
      check(std::chrono::steady_clock::now() < deadline, "the remote manager listing a transport");
      co_await sleep_for(5ms);
    }
  }

  // The path idx[0] → idx[1] → … and its reverse, in the finder's table (replacing the pair's).
  void route(const std::vector<std::size_t>& idx) {
    routing::path fwd, rev;
    for (std::size_t k = 0; k + 1 < idx.size(); ++k) {
      const auto& a = nodes[idx[k]]->pk();
      const auto& b = nodes[idx[k + 1]]->pk();
      fwd.push_back({wt::make_transport_id(a, b, wt::type_stcp), a, b});
    }
    for (std::size_t k = idx.size() - 1; k > 0; --k) {
      const auto& a = nodes[idx[k]]->pk();
      const auto& b = nodes[idx[k - 1]]->pk();
      rev.push_back({wt::make_transport_id(a, b, wt::type_stcp), a, b});
    }
    paths->table[{nodes[idx.front()]->pk(), nodes[idx.back()]->pk()}] = fwd;
    paths->table[{nodes[idx.back()]->pk(), nodes[idx.front()]->pk()}] = rev;
  }

  asio::awaitable<void> close() {
    for (auto& n : nodes) co_await n->r->close();
    for (auto& n : nodes) co_await n->m->close();
  }
};

// Both ends of one route: i dials j:port while j listens.
struct route_pair {
  std::optional<router::route_group> dialer;
  std::optional<router::route_group> acceptor;
};

asio::awaitable<route_pair> open_route(network& net, router::listener& l, std::size_t i, std::size_t j,
                                       std::uint16_t port) {
  route_pair rp;
  auto dial = net[i].r->dial(net[j].pk(), port, {});
  auto g = co_await std::move(dial);
  check_result(g, "router dial");
  rp.dialer.emplace(std::move(*g));
  auto acc = l.accept();
  auto a = co_await net::with_timeout(std::move(acc), 10s);
  check_result(a, "listener accept");
  rp.acceptor.emplace(std::move(*a));
  co_return rp;
}

asio::awaitable<void> close_pair(route_pair& rp) {
  if (rp.dialer) {
    auto s = rp.dialer->shutdown();
    co_await std::move(s);
  }
  if (rp.acceptor) {
    auto s = rp.acceptor->shutdown();
    co_await std::move(s);
  }
  rp.dialer.reset();
  rp.acceptor.reset();
}

// ---- throughput ----

asio::awaitable<void> write_messages(router::route_group& g, std::uint64_t count) {
  const bytes msg(message_size, 0x5a);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto w = g.write(msg);
    auto r = co_await std::move(w);
    check_result(r, "route_group write");
  }
}

// Seconds to carry `count` messages from → to (the writer on its own task, the reader here).
asio::awaitable<double> transfer(router::route_group& from, router::route_group& to, std::uint64_t count) {
  auto ex = co_await asio::this_coro::executor;
  net::task_group g(ex, 1);
  const auto t0 = bench::bench_clock::now();
  check(g.spawn(write_messages(from, count)).has_value(), "spawn writer");
  for (std::uint64_t i = 0; i < count; ++i) {
    auto rd = to.read();
    auto got = co_await net::with_timeout(std::move(rd), read_limit);
    check_result(got, "route_group read");
    check(got->size() == message_size && got->front() == 0x5a, "a message arriving whole");
  }
  const double t = seconds_since(t0);
  co_await g.join();
  co_return t;
}

std::uint64_t messages_for(std::size_t bytes) { return (bytes + message_size - 1) / message_size; }

// Batch size: ~batch_seconds at the probe's rate, between probe_bytes and max_batch_bytes.
std::uint64_t batch_messages(double probe_rate) {
  const double b = std::clamp(probe_rate * batch_seconds, static_cast<double>(probe_bytes),
                              static_cast<double>(max_batch_bytes));
  return messages_for(static_cast<std::size_t>(b));
}

// Single-core ChaCha20-Poly1305 seal rate of 4070-byte frames, bytes per second.
double aead_seal_rate_bytes() {
  crypto::aead_key key{};
  std::fill(key.begin(), key.end(), std::uint8_t{0x42});
  const bytes plaintext(message_size, 0x5a);
  bytes ct(message_size + crypto::aead_tag_size);
  std::uint64_t nonce = 0;
  auto seal = [&] {
    crypto::aead_seal(key, ++nonce, {}, plaintext, ct);
    bench::do_not_optimize(ct.data());
  };
  return bench::rate(seal) * static_cast<double>(message_size);
}

// ---- raw baselines (same thread) ----

struct tcp_conn {
  std::optional<tcp::socket> a, b;  // connecting side, accepted side
};

asio::awaitable<tcp_conn> tcp_connect_accept(tcp::acceptor& acc) {
  tcp_conn c;
  auto ex = co_await asio::this_coro::executor;
  c.a.emplace(ex);
  auto conn = c.a->async_connect(acc.local_endpoint(), asio::use_awaitable);
  co_await std::move(conn);
  auto accept = acc.async_accept(asio::use_awaitable);
  c.b.emplace(co_await std::move(accept));
  co_return c;
}

// Median seconds of one connect + accept on loopback, over n.
asio::awaitable<double> tcp_connect_median(int n) {
  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acc(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  std::vector<double> t;
  for (int i = 0; i < n + setup_warmup; ++i) {
    const auto t0 = bench::bench_clock::now();
    auto connect = tcp_connect_accept(acc);
    auto c = co_await std::move(connect);
    if (i >= setup_warmup) t.push_back(seconds_since(t0));
  }
  std::sort(t.begin(), t.end());
  co_return t[t.size() / 2];
}

asio::awaitable<void> relay_writer(tcp::socket& s, std::uint64_t count) {
  const bytes rec(route_packet_size, 0x5a);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto w = asio::async_write(s, asio::buffer(rec), asio::use_awaitable);
    co_await std::move(w);
  }
}

// One record at a time, as a hop forwards one packet at a time.
asio::awaitable<void> relay_hop(tcp::socket& in, tcp::socket& out, std::uint64_t count) {
  bytes rec(route_packet_size);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto r = asio::async_read(in, asio::buffer(rec), asio::use_awaitable);
    co_await std::move(r);
    auto w = asio::async_write(out, asio::buffer(rec), asio::use_awaitable);
    co_await std::move(w);
  }
}

asio::awaitable<void> relay_sink(tcp::socket& s, std::uint64_t total) {
  bytes buf(64 * 1024);
  while (total > 0) {
    auto r = s.async_read_some(asio::buffer(buf), asio::use_awaitable);
    const std::size_t n = co_await std::move(r);
    total -= std::min<std::uint64_t>(total, n);
  }
}

// Records per second through writer → TCP → relay → TCP → sink, all on this thread.
asio::awaitable<double> relay_batch(tcp_conn& in, tcp_conn& out, std::uint64_t count) {
  auto ex = co_await asio::this_coro::executor;
  net::task_group g(ex, 2);
  const auto t0 = bench::bench_clock::now();
  check(g.spawn(relay_writer(*in.a, count)).has_value(), "spawn relay writer");
  check(g.spawn(relay_hop(*in.b, *out.a, count)).has_value(), "spawn relay");
  co_await relay_sink(*out.b, count * route_packet_size);
  const double t = seconds_since(t0);
  co_await g.join();
  co_return static_cast<double>(count) / t;
}

// ---- the rows ----

struct figures {
  double aead = 0;        // bytes/s, one core
  double one_hop = 0;     // payload bytes/s
  double three_hop = 0;   // payload bytes/s
  double forwarded = 0;   // packets/s at C
  double relay = 0;       // records/s
  double cpu3 = 0;        // CPU-s over the 3-hop batches
  double bytes3 = 0;      // payload bytes of those batches
  double setup_p50 = 0, setup_p95 = 0;  // seconds
  double tcp_connect = 0;               // seconds
};

asio::awaitable<void> throughput_1hop(network& net, figures& f) {
  net.route({0, 1});
  auto l = net[1].r->listen(44);
  check_result(l, "listen");
  auto rp = co_await open_route(net, *l, 0, 1, 44);
  check(rp.dialer->encrypted() && rp.acceptor->encrypted(), "an encrypted 1-hop route");
  check(rp.dialer->max_message() == message_size, "max_message 4070");
  const std::uint64_t probe = messages_for(probe_bytes);
  auto probing = transfer(*rp.dialer, *rp.acceptor, probe);
  const double probe_rate = static_cast<double>(probe * message_size) / co_await std::move(probing);
  const std::uint64_t n = batch_messages(probe_rate);
  std::fprintf(stderr, "bench_routes: 1-hop probe %.1f MiB/s, batches of %.0f MiB\n", probe_rate / mib,
               static_cast<double>(n * message_size) / mib);
  for (int b = 0; b < transfer_batches; ++b) {
    f.aead = std::max(f.aead, aead_seal_rate_bytes());
    auto batch = transfer(*rp.dialer, *rp.acceptor, n);
    const double t = co_await std::move(batch);
    f.one_hop = std::max(f.one_hop, static_cast<double>(n * message_size) / t);
  }
  const auto st = rp.dialer->stats();
  check(rp.acceptor->stats().messages_dropped == 0, "no message dropped");
  std::fprintf(stderr, "bench_routes: 1-hop route Data packets of %.0f bytes on the wire\n",
               static_cast<double>(st.bytes_sent) / static_cast<double>(probe + transfer_batches * n));
  co_await close_pair(rp);
}

asio::awaitable<void> throughput_3hop(network& net, figures& f) {
  net.route({0, 2, 3, 1});
  auto l = net[1].r->listen(45);
  check_result(l, "listen");
  auto rp = co_await open_route(net, *l, 0, 1, 45);
  check(rp.dialer->encrypted() && rp.acceptor->encrypted(), "an encrypted 3-hop route");
  check(rp.dialer->summary().transport == wt::make_transport_id(net[0].pk(), net[2].pk(), wt::type_stcp),
        "the 3-hop route leaving A towards C");
  const std::uint64_t probe = messages_for(probe_bytes);
  auto probing = transfer(*rp.dialer, *rp.acceptor, probe);
  const double probe_rate = static_cast<double>(probe * message_size) / co_await std::move(probing);
  const std::uint64_t n = batch_messages(probe_rate);
  std::fprintf(stderr, "bench_routes: 3-hop probe %.1f MiB/s, batches of %.0f MiB\n", probe_rate / mib,
               static_cast<double>(n * message_size) / mib);

  auto ex = co_await asio::this_coro::executor;
  tcp::acceptor acc(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  auto connect_in = tcp_connect_accept(acc);
  auto in = co_await std::move(connect_in);
  auto connect_out = tcp_connect_accept(acc);
  auto out = co_await std::move(connect_out);
  const std::uint64_t relay_count = messages_for(max_batch_bytes / 2);

  for (int b = 0; b < transfer_batches; ++b) {
    f.aead = std::max(f.aead, aead_seal_rate_bytes());
    auto relay = relay_batch(in, out, relay_count);
    const double relay_rate = co_await std::move(relay);
    f.relay = std::max(f.relay, relay_rate);
    const auto fwd0 = net[2].r->counters().forwarded;
    const double c0 = cpu_seconds();
    auto batch = transfer(*rp.dialer, *rp.acceptor, n);
    const double t = co_await std::move(batch);
    f.cpu3 += cpu_seconds() - c0;
    f.bytes3 += static_cast<double>(n * message_size);
    f.three_hop = std::max(f.three_hop, static_cast<double>(n * message_size) / t);
    const auto fwd = net[2].r->counters().forwarded - fwd0;
    check(fwd >= n, "C forwarding every message");
    f.forwarded = std::max(f.forwarded, static_cast<double>(fwd) / t);
  }
  check(rp.acceptor->stats().messages_dropped == 0, "no message dropped");
  for (std::size_t hop : {2u, 3u}) {
    const auto c = net[hop].r->counters();
    check(c.dropped_queue_full == 0 && c.dropped_unknown_route == 0 && c.dropped_write_error == 0,
          "a hop without drops");
  }
  co_await close_pair(rp);
}

asio::awaitable<void> setup_latency(network& net, figures& f) {
  net.route({0, 2, 3, 1});
  auto l = net[1].r->listen(46);
  check_result(l, "listen");
  std::vector<double> t;
  for (int i = 0; i < setup_warmup + setup_dials; ++i) {
    const auto t0 = bench::bench_clock::now();
    auto dial = net[0].r->dial(net[1].pk(), 46, {});
    auto g = co_await std::move(dial);
    const double dt = seconds_since(t0);
    check_result(g, "router dial (3 hops)");
    check(g->encrypted(), "an encrypted route");
    if (i >= setup_warmup) t.push_back(dt);
    route_pair rp;
    rp.dialer.emplace(std::move(*g));
    auto acc = l->accept();
    auto a = co_await net::with_timeout(std::move(acc), 10s);
    check_result(a, "listener accept");
    rp.acceptor.emplace(std::move(*a));
    co_await close_pair(rp);
  }
  std::sort(t.begin(), t.end());
  f.setup_p50 = t[t.size() / 2];
  f.setup_p95 = t[t.size() * 95 / 100];
  auto tcp = tcp_connect_median(setup_dials);
  f.tcp_connect = co_await std::move(tcp);
  // A closed route leaves no rules behind at the hops (its Close deleted them).
  co_await sleep_for(50ms);
  std::fprintf(stderr, "bench_routes: setup p50 %.2f ms, p95 %.2f ms, TCP connect+accept %.3f ms; rules left at C %zu, D %zu\n",
               f.setup_p50 * 1e3, f.setup_p95 * 1e3, f.tcp_connect * 1e3, net[2].r->rules().size(),
               net[3].r->rules().size());
}

void print_rows(const figures& f) {
  const double bound1 = f.aead / 4, bound3 = f.aead / 8;
  bench::row("route A->B 1 hop, encrypted route group, 4070 B messages, ~2 s batches, 2 visors on one thread vs "
             "single-core AEAD bound (4070 B seal / 4 passes: route + transport seal and open); no Go baseline",
             f.one_hop / mib, bound1 / mib, "MiB/s", 0.30);
  bench::row("route A->C->D->B 3 hops, encrypted route group, 4070 B messages, ~2 s batches, 4 visors on one thread "
             "vs single-core AEAD bound (4070 B seal / 8 passes: route + 3 transports seal and open); no Go baseline",
             f.three_hop / mib, bound3 / mib, "MiB/s", 0.30);
  bench::row("3-hop route setup by the routers (dial to route group open, in-process setup node stand-in, 200 dials), "
             "1/p50 vs 1/20 ms (met = p50 <= 20 ms)",
             1.0 / f.setup_p50, 1e3 / setup_budget_ms, "dials/s", 1.0);
  bench::row("3-hop route setup by the routers, 1/p50 vs raw loopback TCP connect+accept (1/median of 200; "
             "informational)",
             1.0 / f.setup_p50, 1.0 / f.tcp_connect, "dials/s", 0);
  bench::row("3-hop route setup by the routers, 1/p95 vs raw loopback TCP connect+accept (1/median of 200; "
             "informational)",
             1.0 / f.setup_p95, 1.0 / f.tcp_connect, "dials/s", 0);
  bench::row("packets forwarded per second by the first hop of the 3-hop route (4103 B Data packets, 4 visors on "
             "one thread) vs raw TCP relay of 4103 B records in one thread (writer, relay, sink; informational)",
             f.forwarded, f.relay, "packets/s", 0);
  bench::row("3-hop route whole-process CPU-s per Gbit of payload (4 visors: 2 ends + 2 hops; lower is better; "
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
  co_await net.close();
  print_rows(f);
}

}  // namespace

int main() {
  watchdog dog(watchdog_limit);
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
