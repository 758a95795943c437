// Transport benches (bench/harness.hpp rows), all in one process on loopback: our address
// resolver (local mode, HTTP and its UDP/KCP side) on one io_context/thread, and two
// transport::managers A and B on one io_context/thread each, so the sealing and the opening
// side can use separate cores. Each manager has an stcpr and an sudph network bound at the
// resolver, and A dials B by pk through save_transport, as a visor does. There is no Go baseline:
// the Go reference could not be installed (the Go module proxy refuses github.com/skycoin/skywire),
// so every row compares against a bound measured in the same run instead.
//
//   - transport throughput A → B (stcpr: TCP + Noise; sudph: KCP over UDP + Noise): Data routing
//     packets written with manager::write_packet as fast as its back-pressure allows, counted
//     (payload bytes) at B's packet handler; payloads of 4070 bytes (one Noise frame) and 65535
//     bytes (the largest routing packet). Best of the batches. vs the AEAD bound of DESIGN.md §7:
//     single-core ChaCha20-Poly1305 seal throughput at 4070-byte frames × cores ÷ 2 passes (A
//     seals, B opens); target 0.30. Also vs the raw carrier between the same two threads
//     (informational): loopback TCP for stcpr; for sudph a blast of 1400-byte UDP datagrams,
//     counted as received (what the kernel delivers, drops excluded).
//     stcpr batches carry 256 MiB; sudph batches are sized to take about 2 s at the rate a probe
//     batch showed (at most 256 MiB), so a slow KCP path cannot stall the run.
//   - transport handshakes per second: TCP connect + raw handshake + Noise KK + settlement over
//     stcp (stcpr would add only an HTTP resolve) from 200 initiator managers (own key each, built
//     once before timing and kept, as visors are) to one responder manager, 4 in flight, counted
//     when the initiators' save_transport returned and the responder's manager lists every
//     transport; between batches the initiators remove their transports again. vs the secp256k1
//     bound for their operations: Frame2 sign + verify, KK 8 ECDH + 2 key generations (both
//     sides), settlement sign + verify + sign, on two threads: 2 / (3 t_sign + 2 t_verify +
//     8 t_dh + 2 t_keygen), with the op times measured here; target 0.5.
//   - whole-process CPU seconds per GB of the throughput batches (getrusage), informational:
//     unlike a rate, barely moved by other load on the machine.
//
// BENCH_TRANSPORT=stcpr,sudph,handshake (any subset) measures only those rows. Teardown closes
// and destroys every object on its own loop before the loops stop (see `loop`).
#include <sodium.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include "address-resolver/service.hpp"
#include "harness.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/crypto/ecdh.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/transport/sudph.hpp"
#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/transport/entry.hpp"

using namespace skywire;
namespace asio = boost::asio;
namespace wr = wire::routing;
namespace wt = wire::transport;
namespace ar_svc = svc::address_resolver;
using asio::ip::tcp;
using asio::ip::udp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t transfer_bytes = 256u << 20;
constexpr std::size_t probe_bytes = 16u << 20;  // sudph's sizing batch
constexpr double sudph_batch_seconds = 2.0;
constexpr int transfer_batches = 3;
constexpr std::size_t frame_payload = 4070;
constexpr std::size_t big_payload = wr::max_payload_size;
constexpr std::size_t udp_datagram = 1400;
constexpr int handshake_transports = 200;
constexpr int handshake_parallel = 4;
constexpr int handshake_batches = 3;
constexpr auto wait_limit = 180s;  // any single batch; beyond it the bench fails

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench_transport: %s failed\n", what);
    std::exit(1);
  }
}

template <class T>
T get_within(std::future<T>& f, const char* what) {
  check(f.wait_for(wait_limit) == std::future_status::ready, what);
  return f.get();
}

// An io_context running on its own thread until stopped. Objects living on it are closed and
// destroyed on it (see teardown) before it stops: destroying them from the main thread while
// the loop runs is a data race (it was the 1-in-3 shutdown crash: a task_group cancelled from
// the main thread posts co_spawn's cancellation to the loop, where the task's completion had
// already freed the signal it names).
struct loop {
  asio::io_context ctx;
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(ctx);
  std::promise<void> ran_out;
  std::thread th{[this] {
    ctx.run();
    ran_out.set_value();
  }};

  asio::any_io_executor ex() { return ctx.get_executor(); }
  // Lets the loop finish the work it has (closing sockets, tasks unwinding), at most `limit`,
  // then stops it and joins the thread.
  void finish(std::chrono::steady_clock::duration limit) {
    if (!th.joinable()) return;
    guard.reset();
    if (ran_out.get_future().wait_for(limit) != std::future_status::ready) ctx.stop();
    th.join();
  }
  ~loop() { finish(std::chrono::seconds(0)); }
};

// Runs a coroutine on `l` and waits for it (bounded) from this (the main) thread.
template <class T>
T on(loop& l, asio::awaitable<T> aw) {
  auto f = asio::co_spawn(l.ctx, std::move(aw), asio::use_future);
  return get_within(f, "a step on a bench thread");
}

// BENCH_TRANSPORT=stcpr,sudph,handshake (any subset; unset: all) picks the rows to measure, e.g.
// to profile one path alone.
bool selected(std::string_view what) {
  const char* env = std::getenv("BENCH_TRANSPORT");
  if (env == nullptr || *env == 0) return true;
  const std::string_view list(env);
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t end = std::min(list.find(',', at), list.size());
    if (list.substr(at, end - at) == what) return true;
    at = end + 1;
  }
  return false;
}

double seconds_since(bench::bench_clock::time_point t0) {
  return std::chrono::duration<double>(bench::bench_clock::now() - t0).count();
}

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// ---- the environment ----

// Counts the Data payload bytes B's manager hands to its packet handler; touched only on B's
// thread. `done` is fulfilled once `want` bytes arrived.
struct receiver {
  std::uint64_t got = 0;
  std::uint64_t want = 0;
  std::optional<std::promise<void>> done;
};

struct side {
  explicit side(crypto::key_pair k) : keys(std::move(k)) {}
  crypto::key_pair keys;
  std::unique_ptr<transport::manager> m;
  transport::stcpr_network* stcpr = nullptr;  // owned by m
  transport::sudph_network* sudph = nullptr;  // owned by m
};

struct bench_env {
  loop ar_loop, a_loop, b_loop;
  base::system_clock clock;
  std::unique_ptr<ar_svc::store> ar_db = ar_svc::make_memory_store();
  std::unique_ptr<svc::httpauth::nonce_store> nonces = svc::httpauth::make_memory_nonce_store();
  std::unique_ptr<ar_svc::service> ar;
  std::string ar_url;
  side a{keys("bench-transport-a")}, b{keys("bench-transport-b")};
  receiver recv;  // B's
  wt::uuid stcpr_id{}, sudph_id{};
};

std::shared_ptr<disc::addr_resolver_client> make_ar_client(asio::any_io_executor ex, const std::string& url,
                                                           const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  auto auth = std::make_shared<disc::httpauth_client>(ex, http, url, kp);
  return std::make_shared<disc::addr_resolver_client>(auth);
}

// A manager with an stcpr and an sudph network on 127.0.0.1, bound at the resolver.
asio::awaitable<void> start_side(bench_env& e, side& s, receiver* r) {
  auto ex = co_await asio::this_coro::executor;
  auto ar = make_ar_client(ex, e.ar_url, s.keys);
  transport::stcpr_config tc;
  tc.listen_host = "127.0.0.1";
  tc.addresses = {"127.0.0.1"};
  tc.bind_backoff_initial = 50ms;
  tc.bind_backoff_max = 200ms;
  auto stcpr = transport::stcpr_network::create(ex, s.keys, ar, std::move(tc));
  check(stcpr.has_value(), "stcpr network");
  transport::sudph_config uc;
  uc.listen_host = "127.0.0.1";
  uc.addresses = {"127.0.0.1"};
  auto ar_udp = transport::sudph_ar_address(e.ar_url);
  check(ar_udp.has_value(), "sudph AR address");
  uc.ar_udp_address = *ar_udp;
  uc.bind_backoff_initial = 50ms;
  uc.bind_backoff_max = 200ms;
  auto sudph = transport::sudph_network::create(ex, s.keys, ar, std::move(uc));
  check(sudph.has_value(), "sudph network");
  s.stcpr = stcpr->get();
  s.sudph = sudph->get();

  transport::manager_config mc{.keys = s.keys};
  s.m = std::make_unique<transport::manager>(ex, std::move(mc), e.clock, nullptr);
  if (r) {
    s.m->set_packet_handler([r](const transport::transport_info&, const wr::packet_view& p) {
      if (p.type != wr::packet_type::data) return;
      r->got += p.payload.size();
      if (r->done && r->got >= r->want) {
        r->done->set_value();
        r->done.reset();
      }
    });
  }
  s.m->add_network(std::move(*stcpr));
  s.m->add_network(std::move(*sudph));
  s.m->start();

  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!(s.stcpr->bound() && s.sudph->bound())) {
    check(std::chrono::steady_clock::now() < deadline, "binding at the address resolver");
    co_await sleep_for(20ms);
  }
}

asio::awaitable<wt::uuid> save(side& s, crypto::public_key remote, std::string type) {
  auto r = co_await s.m->save_transport(remote, std::move(type), wt::label_user);
  check(r.has_value(), "save_transport");
  co_return r->id;
}

asio::awaitable<std::size_t> transport_count(transport::manager& m) { co_return m.transports().size(); }

void setup(bench_env& e) {
  std::promise<std::string> url_p;
  asio::post(e.ar_loop.ctx, [&] {
    ar_svc::service_options opt;
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.api.local_mode = true;
    e.ar = std::make_unique<ar_svc::service>(e.ar_loop.ex(), *e.ar_db, *e.nonces, e.clock,
                                             base::make_null_logger("ar"), opt);
    auto port = e.ar->start();
    check(port.has_value(), "address resolver start");
    url_p.set_value("http://127.0.0.1:" + std::to_string(*port));
  });
  auto url_f = url_p.get_future();
  e.ar_url = get_within(url_f, "address resolver start");
  on(e.a_loop, start_side(e, e.a, nullptr));
  on(e.b_loop, start_side(e, e.b, &e.recv));
  e.stcpr_id = on(e.a_loop, save(e.a, e.b.keys.pk, std::string(wt::type_stcpr)));
  e.sudph_id = on(e.a_loop, save(e.a, e.b.keys.pk, std::string(wt::type_sudph)));
  const auto deadline = bench::bench_clock::now() + 20s;
  while (on(e.b_loop, transport_count(*e.b.m)) != 2) {
    check(bench::bench_clock::now() < deadline, "B lists both transports");
    std::this_thread::sleep_for(1ms);
  }
}

// ---- throughput ----

asio::awaitable<void> pump_packets(transport::manager& m, wt::uuid id, const bytes& packet, std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    auto w = co_await m.write_packet(id, packet);
    check(w.has_value(), "write_packet");
  }
}

asio::awaitable<std::future<void>> arm(receiver& r, std::uint64_t want) {
  r.got = 0;
  r.want = want;
  r.done.emplace();
  co_return r.done->get_future();
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

// Whole-process CPU time per payload byte over some batches: unlike a rate, barely moved by other
// load on the machine (only by the caches it pollutes).
struct cpu_meter {
  double cpu = 0, bytes = 0;
  double per_gb() const { return bytes > 0 ? cpu / (bytes / 1e9) : 0; }
};

// Payload bytes per second of one batch of ~`total` bytes of Data packets A → B on transport id.
double packet_batch(bench_env& e, wt::uuid id, std::size_t payload, std::size_t total, cpu_meter* meter = nullptr) {
  static const bytes filler(wr::max_payload_size, 0x5a);
  auto packet = wr::encode_data(7, byte_view(filler).first(payload));
  check(packet.has_value(), "encode_data");
  const std::uint64_t count = (total + payload - 1) / payload;
  auto arrived = on(e.b_loop, arm(e.recv, count * payload));
  const double c0 = cpu_seconds();
  const auto t0 = bench::bench_clock::now();
  on(e.a_loop, pump_packets(*e.a.m, id, *packet, count));
  get_within(arrived, "packets arriving at B");
  const double rate = static_cast<double>(count * payload) / seconds_since(t0);
  if (meter) {
    meter->cpu += cpu_seconds() - c0;
    meter->bytes += static_cast<double>(count * payload);
  }
  return rate;
}

struct tcp_pair {
  std::optional<tcp::socket> a, b;
};

asio::awaitable<void> tcp_accept(tcp::acceptor& acc, tcp_pair& p) {
  p.b.emplace(co_await acc.async_accept(asio::use_awaitable));
}

asio::awaitable<void> tcp_connect(tcp::endpoint ep, tcp_pair& p) {
  p.a.emplace(co_await asio::this_coro::executor);
  co_await p.a->async_connect(ep, asio::use_awaitable);
}

asio::awaitable<void> pump_tcp(tcp::socket& s, std::size_t total) {
  const bytes chunk(64 * 1024, 0x5a);
  while (total > 0) {
    const std::size_t n = std::min(total, chunk.size());
    co_await asio::async_write(s, asio::buffer(chunk.data(), n), asio::use_awaitable);
    total -= n;
  }
}

asio::awaitable<void> sink_tcp(tcp::socket& s, std::size_t total) {
  bytes buf(64 * 1024);
  while (total > 0) {
    const std::size_t n = co_await s.async_read_some(asio::buffer(buf), asio::use_awaitable);
    total -= std::min(total, n);
  }
}

double tcp_batch(bench_env& e, tcp_pair& tp) {
  const auto t0 = bench::bench_clock::now();
  auto sunk = asio::co_spawn(e.b_loop.ctx, sink_tcp(*tp.b, transfer_bytes), asio::use_future);
  on(e.a_loop, pump_tcp(*tp.a, transfer_bytes));
  get_within(sunk, "raw TCP sink");
  return static_cast<double>(transfer_bytes) / seconds_since(t0);
}

// UDP: A blasts datagrams at B, which counts what arrives until its socket is closed.
struct udp_sink {
  std::optional<udp::socket> s;
  std::uint64_t got = 0;
  bench::bench_clock::time_point last{};
};

asio::awaitable<void> udp_open_sink(udp_sink& u) {
  u.s.emplace(co_await asio::this_coro::executor, udp::endpoint(asio::ip::address_v4::loopback(), 0));
  boost::system::error_code ec;
  u.s->set_option(asio::socket_base::receive_buffer_size(8 << 20), ec);  // capped by rmem_max
}

asio::awaitable<void> udp_receive(udp_sink& u) {
  bytes buf(64 * 1024);
  for (;;) {
    auto [ec, n] = co_await u.s->async_receive(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    u.got += n;
    u.last = bench::bench_clock::now();
  }
}

asio::awaitable<void> udp_blast(udp::endpoint to, std::size_t total) {
  udp::socket s(co_await asio::this_coro::executor, udp::endpoint(asio::ip::address_v4::loopback(), 0));
  s.connect(to);
  const bytes datagram(udp_datagram, 0x5a);
  for (std::size_t sent = 0; sent < total; sent += datagram.size()) {
    auto [ec, n] = co_await s.async_send(asio::buffer(datagram), asio::as_tuple(asio::use_awaitable));
    if (ec) co_await sleep_for(100us);  // ENOBUFS and the like: the kernel is full, drop this one
  }
}

asio::awaitable<void> udp_close(udp_sink& u) {
  u.s->close();
  co_return;
}

double udp_batch(bench_env& e, udp_sink& u) {
  u.got = 0;
  const auto ep = u.s->local_endpoint();
  const auto t0 = bench::bench_clock::now();
  u.last = t0;
  auto received = asio::co_spawn(e.b_loop.ctx, udp_receive(u), asio::use_future);
  on(e.a_loop, udp_blast(ep, transfer_bytes));
  std::this_thread::sleep_for(50ms);  // what is still queued at B arrives
  on(e.b_loop, udp_close(u));
  get_within(received, "raw UDP sink");
  on(e.b_loop, udp_open_sink(u));  // fresh socket for the next batch
  const double t = std::chrono::duration<double>(u.last - t0).count();
  return t > 0 ? static_cast<double>(u.got) / t : 0;
}

double aead_seal_rate_bytes() {
  unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
  std::fill(std::begin(key), std::end(key), 0x42);
  constexpr std::size_t frame = 4070;
  const bytes plaintext(frame, 0x5a);
  bytes ct(frame + crypto_aead_chacha20poly1305_ietf_ABYTES);
  std::uint64_t counter = 0;
  auto seal = [&] {
    unsigned char nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
    ++counter;
    for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<unsigned char>(counter >> (8 * i));
    unsigned long long clen = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(ct.data(), &clen, plaintext.data(), plaintext.size(), nullptr, 0,
                                              nullptr, nonce, key);
    bench::do_not_optimize(ct.data());
  };
  return bench::rate(seal) * static_cast<double>(frame);
}

void throughput_rows(bench_env& e) {
  const double mib = 1024.0 * 1024.0;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  tcp::acceptor acc(e.b_loop.ex(), tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp_pair tp;
  auto accepted = asio::co_spawn(e.b_loop.ctx, tcp_accept(acc, tp), asio::use_future);
  on(e.a_loop, tcp_connect(acc.local_endpoint(), tp));
  get_within(accepted, "raw TCP accept");
  udp_sink u;
  on(e.b_loop, udp_open_sink(u));

  // sudph's batch size: ~sudph_batch_seconds at the rate of a probe batch (which also warms up
  // KCP's windows), at most transfer_bytes.
  const double probe = selected("sudph") ? packet_batch(e, e.sudph_id, frame_payload, probe_bytes) : 0;
  const auto sudph_bytes = static_cast<std::size_t>(
      std::clamp(probe * sudph_batch_seconds, static_cast<double>(probe_bytes), static_cast<double>(transfer_bytes)));
  std::fprintf(stderr, "bench_transport: sudph probe %.1f MiB/s, batches of %.0f MiB\n", probe / mib,
               static_cast<double>(sudph_bytes) / mib);

  double aead = 0, tcp_rate = 0, udp_rate = 0;
  double stcpr_small = 0, stcpr_big = 0, sudph_small = 0, sudph_big = 0;
  cpu_meter stcpr_cpu, sudph_cpu;
  for (int i = 0; i < transfer_batches; ++i) {
    aead = std::max(aead, aead_seal_rate_bytes());
    if (selected("stcpr")) {
      tcp_rate = std::max(tcp_rate, tcp_batch(e, tp));
      stcpr_small = std::max(stcpr_small, packet_batch(e, e.stcpr_id, frame_payload, transfer_bytes, &stcpr_cpu));
      stcpr_big = std::max(stcpr_big, packet_batch(e, e.stcpr_id, big_payload, transfer_bytes, &stcpr_cpu));
    }
    if (selected("sudph")) {
      udp_rate = std::max(udp_rate, udp_batch(e, u));
      sudph_small = std::max(sudph_small, packet_batch(e, e.sudph_id, frame_payload, sudph_bytes, &sudph_cpu));
      sudph_big = std::max(sudph_big, packet_batch(e, e.sudph_id, big_payload, sudph_bytes, &sudph_cpu));
    }
  }
  asio::post(e.b_loop.ctx, [&] {
    tp.b.reset();
    acc.close();
    u.s.reset();
  });
  asio::post(e.a_loop.ctx, [&] { tp.a.reset(); });
  on(e.a_loop, sleep_for(10ms));
  on(e.b_loop, sleep_for(10ms));

  const double bound = aead * cores / 2;
  const double aead_cpu_per_gb = 2.0 * 1e9 / aead;  // seal + open of every byte, one core
  if (selected("stcpr")) {
    bench::row("stcpr transport A->B Data packets 4070 B payload, 256 MiB, two managers vs AEAD bound (4070 B seal x "
               "cores / 2); no Go baseline (Go skywire not installable)",
               stcpr_small / mib, bound / mib, "MiB/s", 0.30);
    bench::row("stcpr transport A->B Data packets 65535 B payload, 256 MiB, two managers vs AEAD bound (4070 B seal x "
               "cores / 2); no Go baseline",
               stcpr_big / mib, bound / mib, "MiB/s", 0.30);
    bench::row("stcpr transport A->B Data packets 4070 B payload vs raw loopback TCP (informational)", stcpr_small / mib,
               tcp_rate / mib, "MiB/s", 0);
    bench::row("stcpr transport A->B Data packets 65535 B payload vs raw loopback TCP (informational)", stcpr_big / mib,
               tcp_rate / mib, "MiB/s", 0);
    bench::row("stcpr transport whole-process CPU-s per GB (A + B + resolver in one process; lower is better; baseline "
               "= 2 AEAD passes; informational)",
               stcpr_cpu.per_gb(), aead_cpu_per_gb, "CPU-s/GB", 0);
  }
  if (!selected("sudph")) return;
  bench::row("sudph (KCP) transport A->B Data packets 4070 B payload, ~2 s batches, two managers vs AEAD bound "
             "(4070 B seal x cores / 2); no Go baseline",
             sudph_small / mib, bound / mib, "MiB/s", 0.30);
  bench::row("sudph (KCP) transport A->B Data packets 65535 B payload, ~2 s batches, two managers vs AEAD bound "
             "(4070 B seal x cores / 2); no Go baseline",
             sudph_big / mib, bound / mib, "MiB/s", 0.30);
  bench::row("sudph (KCP) transport A->B Data packets 4070 B payload vs raw loopback UDP 1400 B datagrams received "
             "(informational)",
             sudph_small / mib, udp_rate / mib, "MiB/s", 0);
  bench::row("sudph (KCP) transport A->B Data packets 65535 B payload vs raw loopback UDP 1400 B datagrams "
             "received (informational)",
             sudph_big / mib, udp_rate / mib, "MiB/s", 0);
  bench::row("sudph (KCP) transport whole-process CPU-s per GB (A + B + resolver in one process; lower is better; "
             "baseline = 2 AEAD passes; informational)",
             sudph_cpu.per_gb(), aead_cpu_per_gb, "CPU-s/GB", 0);
}

// ---- handshakes ----

// Long-lived initiator managers (one key and stcp network each), as visors are: built once,
// before any timing; each batch every one saves a transport to the responder and, after the
// batch, removes it again, so every batch measures transport setup alone.
struct handshake_fleet {
  std::vector<crypto::key_pair> keys;
  std::vector<std::unique_ptr<transport::manager>> managers;  // on A's thread
  std::vector<wt::uuid> ids;                                   // this batch's transports
  std::atomic<int> next{0};
  int failures = 0;
};

asio::awaitable<void> build_fleet(handshake_fleet& f, std::string address, crypto::public_key responder,
                                  const base::clock& clock) {
  auto ex = co_await asio::this_coro::executor;
  for (const auto& kp : f.keys) {
    transport::stcp_config c;
    c.pk_table[responder] = address;
    auto net = transport::stcp_network::create(ex, kp, std::move(c));
    check(net.has_value(), "stcp network (initiator)");
    transport::manager_config mc{.keys = kp};
    auto m = std::make_unique<transport::manager>(ex, std::move(mc), clock, nullptr);
    m->add_network(std::move(*net));
    m->start();
    f.managers.push_back(std::move(m));
  }
  f.ids.resize(f.managers.size());
}

asio::awaitable<void> handshake_worker(handshake_fleet& f, crypto::public_key responder) {
  for (;;) {
    const int i = f.next++;
    if (i >= static_cast<int>(f.managers.size())) break;
    auto& m = *f.managers[static_cast<std::size_t>(i)];
    auto s = co_await m.save_transport(responder, std::string(wt::type_stcp), wt::label_user);
    if (!s) {
      ++f.failures;
      continue;
    }
    f.ids[static_cast<std::size_t>(i)] = s->id;
  }
}

asio::awaitable<void> run_handshakes(handshake_fleet& f, crypto::public_key responder) {
  f.next = 0;
  net::task_group g(co_await asio::this_coro::executor, handshake_parallel);
  for (int i = 0; i < handshake_parallel; ++i) check(g.spawn(handshake_worker(f, responder)).has_value(), "spawn");
  co_await g.join();
}

asio::awaitable<void> remove_fleet_transports(handshake_fleet& f) {
  for (std::size_t i = 0; i < f.managers.size(); ++i) {
    auto r = co_await f.managers[i]->remove_transport(f.ids[i]);
    check(r.has_value(), "remove_transport");
  }
}

// Closed and destroyed on A's loop (see loop).
asio::awaitable<void> close_fleet(handshake_fleet& f) {
  for (auto& m : f.managers)
    if (m) co_await m->close();
  f.managers.clear();
}

struct responder {
  std::unique_ptr<transport::manager> m;
  std::string address;
};

asio::awaitable<void> start_responder(bench_env& e, responder& r, crypto::key_pair kp) {
  auto ex = co_await asio::this_coro::executor;
  transport::stcp_config c;
  c.listen_address = "127.0.0.1:0";
  auto net = transport::stcp_network::create(ex, kp, std::move(c));
  check(net.has_value(), "stcp network (responder)");
  const auto ep = (*net)->local_endpoint();
  check(ep.has_value(), "stcp listener");
  r.address = "127.0.0.1:" + std::to_string(ep->port());
  transport::manager_config mc{.keys = kp};
  r.m = std::make_unique<transport::manager>(ex, std::move(mc), e.clock, nullptr);
  r.m->add_network(std::move(*net));
  r.m->start();
}

// Closed and destroyed on its loop (see loop).
asio::awaitable<void> close_responder(responder& r) {
  co_await r.m->close();
  r.m.reset();
}

void wait_transport_count(loop& l, transport::manager& m, std::size_t want) {
  const auto deadline = bench::bench_clock::now() + 30s;
  while (on(l, transport_count(m)) != want) {
    check(bench::bench_clock::now() < deadline, "responder transport count");
    std::this_thread::sleep_for(200us);
  }
}

void handshake_row(bench_env& e) {
  crypto::system_random rng;
  const auto peer = crypto::generate_key_pair(rng);
  const auto mine = crypto::generate_key_pair(rng);
  const bytes message(160, 0x5a);  // about a Frame2's signed JSON / an entry's ToBinary
  const auto sig = crypto::sign_payload(message, mine.sk);
  auto dh_op = [&] {
    auto out = crypto::noise_dh(mine.sk, peer.pk);
    check(out.has_value(), "noise_dh");
    bench::do_not_optimize(*out);
  };
  auto keygen_op = [&] {
    auto kp = crypto::generate_key_pair(rng);
    bench::do_not_optimize(kp.pk);
  };
  auto sign_op = [&] {
    auto s = crypto::sign_payload(message, mine.sk);
    bench::do_not_optimize(s);
  };
  auto verify_op = [&] {
    auto ok = crypto::verify_payload(mine.pk, message, sig);
    check(ok.has_value(), "verify_payload");
  };

  const auto rk = keys("bench-transport-responder");
  responder r;
  on(e.b_loop, start_responder(e, r, rk));
  handshake_fleet fleet;
  for (int i = 0; i < handshake_transports; ++i) fleet.keys.push_back(crypto::generate_key_pair(rng));
  on(e.a_loop, build_fleet(fleet, r.address, rk.pk, e.clock));

  double dh = 0, keygen = 0, sign = 0, verify = 0, hs = 0;
  for (int round = 0; round < handshake_batches; ++round) {
    auto [d, g] = bench::compare(dh_op, keygen_op, 3);
    auto [s, v] = bench::compare(sign_op, verify_op, 3);
    dh = std::max(dh, d);
    keygen = std::max(keygen, g);
    sign = std::max(sign, s);
    verify = std::max(verify, v);

    const auto t0 = bench::bench_clock::now();
    on(e.a_loop, run_handshakes(fleet, rk.pk));
    check(fleet.failures == 0, "transport handshakes");
    wait_transport_count(e.b_loop, *r.m, handshake_transports);
    hs = std::max(hs, handshake_transports / seconds_since(t0));
    on(e.a_loop, remove_fleet_transports(fleet));
    wait_transport_count(e.b_loop, *r.m, 0);
  }
  on(e.a_loop, close_fleet(fleet));
  on(e.b_loop, close_responder(r));
  std::fprintf(stderr, "bench_transport: secp256k1 ops/s: ecdh %.0f, keygen %.0f, sign %.0f, verify %.0f\n", dh,
               keygen, sign, verify);
  const double bound = 2.0 / (3.0 / sign + 2.0 / verify + 8.0 / dh + 2.0 / keygen);
  bench::row("transport handshakes (stcp: TCP + raw handshake + Noise KK + settlement, 4 in flight, 200 long-lived "
             "initiator managers -> 1 responder) vs secp256k1 bound 2 threads / (3 sign + 2 verify + 8 DH + 2 keygen); "
             "no Go baseline",
             hs, bound, "transports/s", 0.5);
}

// ---- teardown ----

asio::awaitable<void> close_side(side& s) {
  if (!s.m) co_return;
  co_await s.m->close();
  s.stcpr = nullptr;
  s.sudph = nullptr;
  s.m.reset();
}

asio::awaitable<void> close_resolver(bench_env& e) {
  if (!e.ar) co_return;
  co_await e.ar->shutdown(1s);
  e.ar.reset();
}

// Every object is closed and destroyed on the loop it lives on, then the loops finish.
void teardown(bench_env& e) {
  on(e.a_loop, close_side(e.a));
  on(e.b_loop, close_side(e.b));
  on(e.ar_loop, close_resolver(e));
  e.a_loop.finish(5s);
  e.b_loop.finish(5s);
  e.ar_loop.finish(5s);
}

}  // namespace

int main() {
  check(sodium_init() >= 0, "sodium_init");
  bench_env e;
  setup(e);
  if (selected("stcpr") || selected("sudph")) throughput_rows(e);
  if (selected("handshake")) handshake_row(e);
  teardown(e);
}
