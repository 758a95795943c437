// bench_routes's throughput rows: encrypted route groups A → B over 1 and 3 hops, packets
// forwarded at the first hop, whole-process CPU time, and the raw one-thread TCP relay they
// are compared with (measures.hpp; the rows' meaning in bench_routes.cpp).
#include <algorithm>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "measures.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/noise/limits.hpp"
#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::bench::routes {

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
constexpr auto read_limit = 10s;  // one message; beyond it the bench fails

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
  const auto t0 = bench_clock::now();
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

// A probe batch, which also sizes the batches: messages per batch.
asio::awaitable<std::uint64_t> probe(route_pair& rp, const char* what) {
  const std::uint64_t n = messages_for(probe_bytes);
  auto probing = transfer(*rp.dialer, *rp.acceptor, n);
  const double rate = static_cast<double>(n * message_size) / co_await std::move(probing);
  const std::uint64_t batch = batch_messages(rate);
  std::fprintf(stderr, "bench_routes: %s probe %.1f MiB/s, batches of %.0f MiB\n", what, rate / mib,
               static_cast<double>(batch * message_size) / mib);
  co_return batch;
}

// ---- the raw relay (same thread) ----

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

// Records per second through writer → TCP → relay → TCP → sink, all on this thread.
asio::awaitable<double> relay_batch(tcp_pair& in, tcp_pair& out, std::uint64_t count) {
  auto ex = co_await asio::this_coro::executor;
  net::task_group g(ex, 2);
  const auto t0 = bench_clock::now();
  check(g.spawn(relay_writer(*in.a, count)).has_value(), "spawn relay writer");
  check(g.spawn(relay_hop(*in.b, *out.a, count)).has_value(), "spawn relay");
  auto sink = sink_tcp(*out.b, count * route_packet_size);
  co_await std::move(sink);
  const double t = seconds_since(t0);
  co_await g.join();
  co_return static_cast<double>(count) / t;
}

}  // namespace

asio::awaitable<void> throughput_1hop(network& net, figures& f) {
  net.route({0, 1});
  auto l = net[1].r->listen(44);
  check_result(l, "listen");
  auto rp = co_await open_route(net, *l, 0, 1, 44, min_hops(1));
  check(rp.dialer->encrypted() && rp.acceptor->encrypted(), "an encrypted 1-hop route");
  check(rp.dialer->max_message() == message_size, "max_message 4070");
  const std::uint64_t n = co_await probe(rp, "1-hop");
  for (int b = 0; b < transfer_batches; ++b) {
    f.aead = std::max(f.aead, aead_seal_rate_bytes());
    auto batch = transfer(*rp.dialer, *rp.acceptor, n);
    const double t = co_await std::move(batch);
    f.one_hop = std::max(f.one_hop, static_cast<double>(n * message_size) / t);
  }
  const auto st = rp.dialer->stats();
  check(rp.acceptor->stats().messages_dropped == 0, "no message dropped");
  std::fprintf(stderr, "bench_routes: 1-hop route Data packets of %.0f bytes on the wire\n",
               static_cast<double>(st.bytes_sent) /
                   static_cast<double>(messages_for(probe_bytes) + transfer_batches * n));
  co_await close_pair(rp);
}

asio::awaitable<void> throughput_3hop(network& net, figures& f) {
  net.route({0, 2, 3, 1});
  auto l = net[1].r->listen(45);
  check_result(l, "listen");
  auto rp = co_await open_route(net, *l, 0, 1, 45, min_hops(3));
  check(rp.dialer->encrypted() && rp.acceptor->encrypted(), "an encrypted 3-hop route");
  check(rp.dialer->summary().transport == wt::make_transport_id(net[0].pk(), net[2].pk(), wt::type_stcp),
        "the 3-hop route leaving A towards C");
  const std::uint64_t n = co_await probe(rp, "3-hop");

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

}  // namespace skywire::bench::routes
