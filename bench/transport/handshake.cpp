// bench_transport's handshake row (see bench_transport.cpp): stcp transports set up per second
// from 200 long-lived initiator managers to one responder, against the secp256k1 operations
// they cost.
#include <atomic>
#include <thread>
#include <vector>

#include "env.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/transport/stcp.hpp"

namespace skywire::bench::transports {

namespace asio = boost::asio;
namespace wt = wire::transport;
using namespace std::chrono_literals;

namespace {

constexpr int handshake_transports = 200;
constexpr int handshake_parallel = 4;
constexpr int handshake_batches = 3;

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

// Closed and destroyed on A's loop (see bench::loop).
asio::awaitable<void> close_fleet(handshake_fleet& f) {
  for (auto& m : f.managers)
    if (m) co_await m->close();
  f.managers.clear();
}

struct responder {
  std::unique_ptr<transport::manager> m;
  std::string address;
};

asio::awaitable<void> start_responder(env& e, responder& r, crypto::key_pair kp) {
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

// Closed and destroyed on its loop (see bench::loop).
asio::awaitable<void> close_responder(responder& r) {
  co_await r.m->close();
  r.m.reset();
}

void wait_transport_count(loop& l, transport::manager& m, std::size_t want) {
  const auto deadline = bench_clock::now() + 30s;
  while (on(l, transport_count(m)) != want) {
    check(bench_clock::now() < deadline, "responder transport count");
    std::this_thread::sleep_for(200us);
  }
}

}  // namespace

void handshake_row(env& e) {
  crypto::system_random rng;
  secp256k1_rates ops;
  const auto rk = keys("bench-transport-responder");
  responder r;
  on(e.b_loop, start_responder(e, r, rk));
  handshake_fleet fleet;
  for (int i = 0; i < handshake_transports; ++i) fleet.keys.push_back(crypto::generate_key_pair(rng));
  on(e.a_loop, build_fleet(fleet, r.address, rk.pk, e.clock));

  double hs = 0;
  for (int round = 0; round < handshake_batches; ++round) {
    ops.measure(true);

    const auto t0 = bench_clock::now();
    on(e.a_loop, run_handshakes(fleet, rk.pk));
    check(fleet.failures == 0, "transport handshakes");
    wait_transport_count(e.b_loop, *r.m, handshake_transports);
    hs = std::max(hs, handshake_transports / seconds_since(t0));
    on(e.a_loop, remove_fleet_transports(fleet));
    wait_transport_count(e.b_loop, *r.m, 0);
  }
  on(e.a_loop, close_fleet(fleet));
  on(e.b_loop, close_responder(r));
  std::fprintf(stderr, "bench_transport: secp256k1 ops/s: ecdh %.0f, keygen %.0f, sign %.0f, verify %.0f\n", ops.dh,
               ops.keygen, ops.sign, ops.verify);
  const double bound = 2.0 / ops.seconds(8, 2, 3, 2);
  row("transport handshakes (stcp: TCP + raw handshake + Noise KK + settlement, 4 in flight, 200 long-lived "
      "initiator managers -> 1 responder) vs secp256k1 bound 2 threads / (3 sign + 2 verify + 8 DH + 2 keygen); "
      "no Go baseline",
      hs, bound, "transports/s", 0.5);
}

}  // namespace skywire::bench::transports
