// bench_transport's throughput rows (see bench_transport.cpp): Data packets A → B over stcpr and
// sudph, against the AEAD bound and the raw carriers (loopback TCP, a UDP datagram blast), and
// the whole process's CPU time per GB.
#include <algorithm>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/udp.hpp>

#include "env.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::bench::transports {

namespace asio = boost::asio;
namespace wr = wire::routing;
namespace wt = wire::transport;
using asio::ip::tcp;
using asio::ip::udp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t transfer_bytes = 256u << 20;
constexpr std::size_t probe_bytes = 16u << 20;  // sudph's sizing batch
constexpr double sudph_batch_seconds = 2.0;
constexpr int transfer_batches = 3;
constexpr std::size_t frame_payload = aead_frame;
constexpr std::size_t big_payload = wr::max_payload_size;
constexpr std::size_t udp_datagram = 1400;

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

// Whole-process CPU time per payload byte over some batches: unlike a rate, barely moved by other
// load on the machine (only by the caches it pollutes).
struct cpu_meter {
  double cpu = 0, bytes = 0;
  double per_gb() const { return bytes > 0 ? cpu / (bytes / 1e9) : 0; }
};

// Payload bytes per second of one batch of ~`total` bytes of Data packets A → B on transport id.
double packet_batch(env& e, wt::uuid id, std::size_t payload, std::size_t total, cpu_meter* meter = nullptr) {
  static const bytes filler(wr::max_payload_size, 0x5a);
  auto packet = wr::encode_data(7, byte_view(filler).first(payload));
  check(packet.has_value(), "encode_data");
  const std::uint64_t count = (total + payload - 1) / payload;
  auto arrived = on(e.b_loop, arm(e.recv, count * payload));
  const double c0 = cpu_seconds();
  const auto t0 = bench_clock::now();
  on(e.a_loop, pump_packets(*e.a.m, id, *packet, count));
  get_within(arrived, "packets arriving at B");
  const double rate = static_cast<double>(count * payload) / seconds_since(t0);
  if (meter) {
    meter->cpu += cpu_seconds() - c0;
    meter->bytes += static_cast<double>(count * payload);
  }
  return rate;
}

double tcp_batch(env& e, tcp_pair& tp) {
  const auto t0 = bench_clock::now();
  auto sunk = asio::co_spawn(e.b_loop.ctx, sink_tcp(*tp.b, transfer_bytes), asio::use_future);
  on(e.a_loop, pump_tcp(*tp.a, transfer_bytes));
  get_within(sunk, "raw TCP sink");
  return static_cast<double>(transfer_bytes) / seconds_since(t0);
}

// UDP: A blasts datagrams at B, which counts what arrives until its socket is closed.
struct udp_sink {
  std::optional<udp::socket> s;
  std::uint64_t got = 0;
  bench_clock::time_point last{};
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
    u.last = bench_clock::now();
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

asio::awaitable<void> udp_drop(udp_sink& u) {
  u.s.reset();
  co_return;
}

double udp_batch(env& e, udp_sink& u) {
  u.got = 0;
  const auto ep = u.s->local_endpoint();
  const auto t0 = bench_clock::now();
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

}  // namespace

void throughput_rows(env& e) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

  tcp_pair tp = tcp_pair_between(e.a_loop, e.b_loop);
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
  drop_between(tp, e.a_loop, e.b_loop);
  on(e.b_loop, udp_drop(u));

  const double bound = aead * cores / 2;
  const double aead_cpu_per_gb = 2.0 * 1e9 / aead;  // seal + open of every byte, one core
  if (selected("stcpr")) {
    row("stcpr transport A->B Data packets 4070 B payload, 256 MiB, two managers vs AEAD bound (4070 B seal x "
        "cores / 2); no Go baseline (Go skywire not installable)",
        stcpr_small / mib, bound / mib, "MiB/s", 0.30);
    row("stcpr transport A->B Data packets 65535 B payload, 256 MiB, two managers vs AEAD bound (4070 B seal x "
        "cores / 2); no Go baseline",
        stcpr_big / mib, bound / mib, "MiB/s", 0.30);
    row("stcpr transport A->B Data packets 4070 B payload vs raw loopback TCP (informational)", stcpr_small / mib,
        tcp_rate / mib, "MiB/s", 0);
    row("stcpr transport A->B Data packets 65535 B payload vs raw loopback TCP (informational)", stcpr_big / mib,
        tcp_rate / mib, "MiB/s", 0);
    row("stcpr transport whole-process CPU-s per GB (A + B + resolver in one process; lower is better; baseline "
        "= 2 AEAD passes; informational)",
        stcpr_cpu.per_gb(), aead_cpu_per_gb, "CPU-s/GB", 0);
  }
  if (!selected("sudph")) return;
  row("sudph (KCP) transport A->B Data packets 4070 B payload, ~2 s batches, two managers vs AEAD bound "
      "(4070 B seal x cores / 2); no Go baseline",
      sudph_small / mib, bound / mib, "MiB/s", 0.30);
  row("sudph (KCP) transport A->B Data packets 65535 B payload, ~2 s batches, two managers vs AEAD bound "
      "(4070 B seal x cores / 2); no Go baseline",
      sudph_big / mib, bound / mib, "MiB/s", 0.30);
  row("sudph (KCP) transport A->B Data packets 4070 B payload vs raw loopback UDP 1400 B datagrams received "
      "(informational)",
      sudph_small / mib, udp_rate / mib, "MiB/s", 0);
  row("sudph (KCP) transport A->B Data packets 65535 B payload vs raw loopback UDP 1400 B datagrams "
      "received (informational)",
      sudph_big / mib, udp_rate / mib, "MiB/s", 0);
  row("sudph (KCP) transport whole-process CPU-s per GB (A + B + resolver in one process; lower is better; "
      "baseline = 2 AEAD passes; informational)",
      sudph_cpu.per_gb(), aead_cpu_per_gb, "CPU-s/GB", 0);
}

}  // namespace skywire::bench::transports
