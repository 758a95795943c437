// dmsg benches (bench/harness.hpp rows), all in one process on loopback: our dmsg discovery
// (test mode) and one dmsg server on one io_context/thread, client A and client B on one
// io_context/thread each, so the sealing client, the relaying server and the opening client can
// use separate cores. There is no Go baseline: the Go reference dmsg could not be installed (the
// Go module proxy refuses skywire-utilities), so every row compares against a bound measured in
// the same run instead.
//
//   - stream throughput A → server → B (one direction, 256 MiB per batch, best batch) vs the AEAD
//     bound of DESIGN.md §7: single-core ChaCha20-Poly1305 seal throughput at 4070-byte frames
//     (libsodium) × cores ÷ 2 passes (A seals, B opens; the server splices ciphertext); target
//     0.30. Also vs raw loopback TCP between the same two threads (informational).
//   - stream open latency, dial → first echo byte, median of 200 dials, vs loopback TCP connect
//     + one echoed byte. Reported as 1/median (opens per second) so that higher is better;
//     informational (no target in DESIGN.md).
//   - session handshakes per second (TCP connect + Noise XK + yamux session, fresh client key
//     each, counted when the server holds the session) vs the secp256k1 bound: XK = 6 ECDH + 2
//     key generations (both sides), and client and server run on two threads, so bound =
//     2 / (6 t_dh + 2 t_keygen) with t_dh, t_keygen measured here; target 0.5.
//   - CPU seconds per GB relayed, from getrusage over the throughput batches. The server runs in
//     this process, so this is the whole process (client A + server + client B), not the server
//     alone; baseline = the CPU time of the two AEAD passes alone. Lower is better; informational.
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include "dmsg-discovery/service.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/dmsg/session_handshake.hpp"
#include "skywire/dmsg/yamux/session.hpp"
#include "skywire/net/task_group.hpp"
#include "support.hpp"

using namespace skywire;
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

using bench::aead_seal_rate_bytes;
using bench::check;
using bench::cpu_seconds;
using bench::keys;
using bench::loop;
using bench::median;
using bench::mib;
using bench::on;
using bench::pump_tcp;
using bench::seconds_since;
using bench::sink_tcp;
using bench::tcp_pair;

constexpr std::size_t transfer_bytes = 256u << 20;
constexpr int transfer_batches = 3;
constexpr int open_dials = 200;
constexpr int handshake_sessions = 300;
constexpr int handshake_parallel = 8;
constexpr int handshake_batches = 3;

// ---- generic byte pumps over dmsg streams and TCP sockets ----

asio::awaitable<void> pump_dmsg(dmsg::stream& s, std::size_t total) {
  const bytes chunk(64 * 1024, 0x5a);
  while (total > 0) {
    const std::size_t n = std::min(total, chunk.size());
    auto w = co_await s.write_all(byte_view(chunk).first(n));
    check(w.has_value(), "dmsg write");
    total -= n;
  }
}

asio::awaitable<void> sink_dmsg(dmsg::stream& s, std::size_t total) {
  bytes buf(64 * 1024);
  while (total > 0) {
    auto n = co_await s.read_some(buf);
    check(n.has_value(), "dmsg read");
    total -= std::min(total, *n);
  }
}

// ---- the environment ----

struct bench_env {
  loop srv_loop, a_loop, b_loop;
  base::system_clock clock;
  std::unique_ptr<svc::dmsg_discovery::store> db = svc::dmsg_discovery::make_memory_store();
  std::unique_ptr<svc::dmsg_discovery::service> disc;
  std::unique_ptr<dmsg::server> srv;
  crypto::key_pair srv_keys = keys("bench-server");
  std::uint16_t srv_port = 0;
  std::unique_ptr<dmsg::client> a, b;
  std::optional<dmsg::listener> sink_listener, echo_listener;
  std::unique_ptr<dmsg::stream> a_stream, b_stream;  // the throughput stream, both ends
  std::unique_ptr<net::task_group> echo_tasks;       // on b_loop
};

asio::awaitable<void> wait_ready(dmsg::client& c) {
  auto op = c.wait_ready(10s);
  auto r = co_await std::move(op);
  check(r.has_value(), "client wait_ready");
}

asio::awaitable<void> listen_on(bench_env& e) {
  auto s = e.b->listen(80);
  auto t = e.b->listen(81);
  check(s && t, "listen");
  e.sink_listener.emplace(std::move(*s));
  e.echo_listener.emplace(std::move(*t));
  co_return;
}

asio::awaitable<void> accept_one(bench_env& e) {
  auto s = co_await e.sink_listener->accept();
  check(s.has_value(), "accept");
  e.b_stream = std::move(*s);
}

asio::awaitable<void> dial_sink(bench_env& e) {
  const crypto::public_key pk = e.b->pk();
  auto op = e.a->dial(pk, 80);
  auto s = co_await std::move(op);
  check(s.has_value(), "dial");
  e.a_stream = std::move(*s);
}

asio::awaitable<void> echo(std::unique_ptr<dmsg::stream> s) {
  bytes buf(4096);
  for (;;) {
    auto n = co_await s->read_some(buf);
    if (!n) break;
    auto w = co_await s->write_all(byte_view(buf).first(*n));
    if (!w) break;
  }
}

asio::awaitable<void> echo_accept_loop(bench_env& e) {
  for (;;) {
    auto s = co_await e.echo_listener->accept();
    if (!s) break;
    if (!e.echo_tasks->spawn(echo(std::move(*s)))) break;
  }
}

asio::awaitable<std::size_t> session_count(dmsg::server& s) { co_return s.session_count(); }

asio::awaitable<void> start_echo(bench_env& e) {
  e.echo_tasks = std::make_unique<net::task_group>(co_await asio::this_coro::executor, 4096);
  check(e.echo_tasks->spawn(echo_accept_loop(e)).has_value(), "spawn echo");
}

void setup(bench_env& e) {
  svc::dmsg_discovery::service_options opt;
  opt.host = "127.0.0.1";
  opt.port = 0;
  opt.api.test_mode = true;
  e.disc = std::make_unique<svc::dmsg_discovery::service>(e.srv_loop.ex(), *e.db, e.clock,
                                                          base::make_null_logger("disc"), opt);
  // start() runs on the server's thread: the loop already runs, and the objects are its own.
  std::promise<std::string> url_p;
  asio::post(e.srv_loop.ctx, [&] {
    auto port = e.disc->start();
    check(port.has_value(), "discovery start");
    const std::string url = "http://127.0.0.1:" + std::to_string(*port);
    dmsg::server_config cfg{e.srv_keys};
    cfg.listen_host = "127.0.0.1";
    cfg.discovery_url = url;
    cfg.max_sessions = 100000;
    cfg.max_sessions_per_ip = 100000;
    cfg.retry_interval = 100ms;
    e.srv = std::make_unique<dmsg::server>(e.srv_loop.ex(), cfg, e.clock, base::make_null_logger("srv"));
    auto sp = e.srv->start();
    check(sp.has_value(), "server start");
    e.srv_port = *sp;
    url_p.set_value(url);
  });
  auto url_f = url_p.get_future();
  const std::string url = bench::get_within(url_f, "discovery and server start");

  auto make_client = [&](loop& l, std::string_view seed) {
    dmsg::client_config cfg{keys(seed), url};
    cfg.retry_interval = 100ms;
    cfg.dial_timeout = 5s;
    std::promise<std::unique_ptr<dmsg::client>> p;
    asio::post(l.ctx, [&] {
      auto c = std::make_unique<dmsg::client>(l.ex(), cfg, e.clock, base::make_null_logger(std::string(seed)));
      c->start();
      p.set_value(std::move(c));
    });
    auto f = p.get_future();
    return bench::get_within(f, "client start");
  };
  e.a = make_client(e.a_loop, "bench-client-a");
  e.b = make_client(e.b_loop, "bench-client-b");
  on(e.a_loop, wait_ready(*e.a));
  on(e.b_loop, wait_ready(*e.b));
  on(e.b_loop, listen_on(e));
  auto accepted = asio::co_spawn(e.b_loop.ctx, accept_one(e), asio::use_future);
  on(e.a_loop, dial_sink(e));
  bench::get_within(accepted, "accept");
  on(e.b_loop, start_echo(e));
}

asio::awaitable<void> close_a(bench_env& e) {
  e.a_stream.reset();
  co_await e.a->close();
}

asio::awaitable<void> close_b(bench_env& e) {
  e.b_stream.reset();
  e.sink_listener.reset();
  e.echo_listener.reset();
  e.echo_tasks->cancel();
  co_await e.echo_tasks->join();
  co_await e.b->close();
}

asio::awaitable<void> close_srv(bench_env& e) {
  co_await e.srv->stop();
  co_await e.disc->shutdown(1s);
}

void teardown(bench_env& e) {
  on(e.a_loop, close_a(e));
  on(e.b_loop, close_b(e));
  on(e.srv_loop, close_srv(e));
  e.a_loop.finish(5s);
  e.b_loop.finish(5s);
  e.srv_loop.finish(5s);
}

// ---- (a) throughput and (d) CPU per GB ----

void throughput_rows(bench_env& e) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  // Raw loopback TCP between the same two threads.
  tcp_pair tp = bench::tcp_pair_between(e.a_loop, e.b_loop);

  double dmsg_best = 0, tcp_best = 0, aead_best = 0;
  double cpu = 0, moved = 0;
  for (int i = 0; i < transfer_batches; ++i) {
    aead_best = std::max(aead_best, aead_seal_rate_bytes());

    const double c0 = cpu_seconds();
    auto t0 = bench::bench_clock::now();
    auto sunk = asio::co_spawn(e.b_loop.ctx, sink_dmsg(*e.b_stream, transfer_bytes), asio::use_future);
    on(e.a_loop, pump_dmsg(*e.a_stream, transfer_bytes));
    bench::get_within(sunk, "dmsg sink");
    dmsg_best = std::max(dmsg_best, static_cast<double>(transfer_bytes) / seconds_since(t0));
    cpu += cpu_seconds() - c0;
    moved += static_cast<double>(transfer_bytes);

    t0 = bench::bench_clock::now();
    auto tsunk = asio::co_spawn(e.b_loop.ctx, sink_tcp(*tp.b, transfer_bytes), asio::use_future);
    on(e.a_loop, pump_tcp(*tp.a, transfer_bytes));
    bench::get_within(tsunk, "raw TCP sink");
    tcp_best = std::max(tcp_best, static_cast<double>(transfer_bytes) / seconds_since(t0));
  }
  bench::drop_between(tp, e.a_loop, e.b_loop);

  const double bound = aead_best * cores / 2;
  bench::row("dmsg stream A->server->B 256 MiB vs AEAD bound (4070 B seal x cores / 2); no Go baseline (Go dmsg "
             "not installable)",
             dmsg_best / mib, bound / mib, "MiB/s", 0.30);
  bench::row("dmsg stream A->server->B 256 MiB vs raw loopback TCP (informational)", dmsg_best / mib, tcp_best / mib,
             "MiB/s", 0);
  const double gb = moved / 1e9;
  const double cpu_per_gb = cpu / gb;
  const double aead_cpu_per_gb = 2.0 * 1e9 / aead_best;  // seal + open of every byte, one core
  bench::row("dmsg relay whole-process CPU-s per GB (A + server + B in one process; lower is better; baseline = 2 "
             "AEAD passes; informational)",
             cpu_per_gb, aead_cpu_per_gb, "CPU-s/GB", 0);
}

// ---- (b) stream open latency ----

asio::awaitable<std::vector<double>> dmsg_open_latencies(bench_env& e) {
  std::vector<double> out;
  const crypto::public_key pk = e.b->pk();
  for (int i = 0; i < open_dials; ++i) {
    const auto t0 = bench::bench_clock::now();
    auto op = e.a->dial(pk, 81);
    auto s = co_await std::move(op);
    check(s.has_value(), "echo dial");
    const std::uint8_t ping = 7;
    auto w = co_await (*s)->write_all(byte_view(&ping, 1));
    std::uint8_t pong = 0;
    auto r = co_await (*s)->read_some(mutable_byte_view(&pong, 1));
    check(w && r && *r == 1 && pong == ping, "echo byte");
    out.push_back(seconds_since(t0));
  }
  co_return out;
}

asio::awaitable<void> tcp_echo_loop(tcp::acceptor& acc) {
  for (;;) {
    auto [ec, s] = co_await acc.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    std::uint8_t b = 0;
    auto [rec, n] = co_await s.async_read_some(asio::buffer(&b, 1), asio::as_tuple(asio::use_awaitable));
    if (rec || n != 1) continue;
    co_await asio::async_write(s, asio::buffer(&b, 1), asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<std::vector<double>> tcp_open_latencies(tcp::endpoint ep) {
  std::vector<double> out;
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < open_dials; ++i) {
    const auto t0 = bench::bench_clock::now();
    tcp::socket s(ex);
    co_await s.async_connect(ep, asio::use_awaitable);
    std::uint8_t b = 7;
    co_await asio::async_write(s, asio::buffer(&b, 1), asio::use_awaitable);
    co_await asio::async_read(s, asio::buffer(&b, 1), asio::use_awaitable);
    out.push_back(seconds_since(t0));
  }
  co_return out;
}

void open_latency_row(bench_env& e) {
  const double dmsg_med = median(on(e.a_loop, dmsg_open_latencies(e)));
  tcp::acceptor acc(e.b_loop.ex(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  auto server = asio::co_spawn(e.b_loop.ctx, tcp_echo_loop(acc), asio::use_future);
  const double tcp_med = median(on(e.a_loop, tcp_open_latencies(acc.local_endpoint())));
  asio::post(e.b_loop.ctx, [&] { acc.close(); });
  bench::get_within(server, "TCP echo server");
  std::fprintf(stderr, "bench_dmsg: stream open median %.3f ms, loopback TCP connect+echo median %.3f ms\n",
               dmsg_med * 1e3, tcp_med * 1e3);
  bench::row("dmsg stream open (dial to first echo byte, 1/median of 200) vs TCP connect+echo (informational)",
             1 / dmsg_med, 1 / tcp_med, "opens/s", 0);
}

// ---- (c) session handshakes ----

struct handshake_batch {
  std::vector<crypto::key_pair> client_keys;
  std::vector<std::optional<dmsg::yamux::session>> sessions;
  std::atomic<int> next{0};
  int failures = 0;
};

asio::awaitable<void> handshake_worker(handshake_batch& hb, tcp::endpoint ep, crypto::public_key server_pk) {
  crypto::system_random rng;
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    const int i = hb.next++;
    if (i >= static_cast<int>(hb.client_keys.size())) break;
    tcp::socket s(ex);
    auto [ec] = co_await s.async_connect(ep, asio::as_tuple(asio::use_awaitable));
    if (ec) {
      ++hb.failures;
      continue;
    }
    auto op = dmsg::client_session_handshake(std::move(s), hb.client_keys[static_cast<std::size_t>(i)], server_pk,
                                             rng);
    auto keys = co_await std::move(op);
    if (!keys) {
      ++hb.failures;
      continue;
    }
    hb.sessions[static_cast<std::size_t>(i)].emplace(std::move(keys->socket), dmsg::yamux::role::client);
  }
}

asio::awaitable<void> run_handshakes(handshake_batch& hb, tcp::endpoint ep, crypto::public_key server_pk) {
  net::task_group g(co_await asio::this_coro::executor, handshake_parallel);
  for (int i = 0; i < handshake_parallel; ++i) check(g.spawn(handshake_worker(hb, ep, server_pk)).has_value(), "spawn");
  co_await g.join();
}

asio::awaitable<void> drop_sessions(handshake_batch& hb) {
  hb.sessions.clear();
  co_return;
}

void wait_session_count(bench_env& e, std::size_t want) {
  const auto deadline = bench::bench_clock::now() + 20s;
  while (on(e.srv_loop, session_count(*e.srv)) != want) {
    check(bench::bench_clock::now() < deadline, "server session count");
    std::this_thread::sleep_for(200us);
  }
}

void handshake_row(bench_env& e) {
  crypto::system_random rng;
  bench::secp256k1_rates ops;
  const tcp::endpoint ep(asio::ip::address_v4::loopback(), e.srv_port);
  const std::size_t base_sessions = on(e.srv_loop, session_count(*e.srv));

  double hs_rate = 0;
  for (int round = 0; round < handshake_batches; ++round) {
    ops.measure(false);

    handshake_batch hb;
    for (int i = 0; i < handshake_sessions; ++i) hb.client_keys.push_back(crypto::generate_key_pair(rng));
    hb.sessions.resize(hb.client_keys.size());
    const auto t0 = bench::bench_clock::now();
    on(e.a_loop, run_handshakes(hb, ep, e.srv_keys.pk));
    check(hb.failures == 0, "session handshakes");
    wait_session_count(e, base_sessions + handshake_sessions);
    hs_rate = std::max(hs_rate, handshake_sessions / seconds_since(t0));
    on(e.a_loop, drop_sessions(hb));
    wait_session_count(e, base_sessions);
  }
  const double bound = 2.0 / ops.seconds(6, 2);
  bench::row("dmsg session handshakes (TCP + XK + yamux, 8 in flight) vs secp256k1 bound 2 threads / (6 DH + 2 "
             "keygen); no Go baseline",
             hs_rate, bound, "sessions/s", 0.5);
}

}  // namespace

int main() {
  check(sodium_init() >= 0, "sodium_init");
  bench_env e;
  setup(e);
  throughput_rows(e);
  open_latency_row(e);
  handshake_row(e);
  teardown(e);
  return 0;
}
