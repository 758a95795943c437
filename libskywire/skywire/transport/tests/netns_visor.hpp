#pragma once
// Helpers of the transport netns tests (nat_netns_test.cpp, fault_netns_test.cpp): the address
// resolver running in a nat_lab's wan, and a "visor" = a transport::manager with stcpr and/or
// sudph networks running on its own thread inside a site's host namespace.
//
//   test::nat_lab lab("nat");
//   netns_test::resolver ar(lab.wan());                 // non-local mode: Go's public-IP rule
//   netns_test::visor b(lab.add_public("b"), "seed-b", ar, {});
//   auto s = b.save(a.keys.pk, "sudph");               // blocks; runs on b's thread
//   b.send(s->id, 7, "hello");  a.wait_packets(1, 10s);
//
// Every member that touches a visor's objects runs them on its thread (netns_thread::call or a
// coroutine co_spawned there and waited with a bound); the destructor closes the manager there
// first. Nothing here asserts: callers check the results.
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "address-resolver/service.hpp"
#include "httpauth/nonce_store.hpp"
#include "nat_lab.hpp"
#include "netns_thread.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/transport/sudph.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::transport::netns_test {

namespace asio = boost::asio;
namespace ar_svc = svc::address_resolver;
using namespace std::chrono_literals;

inline crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

using test::wait_for;

// Runs a coroutine on t's context and waits for it at most `limit` (then throws: a test bug or
// a hang worth a loud failure; the coroutine's own deadlines are what the tests rely on).
template <class T>
T run_on(test::netns_thread& t, asio::awaitable<T> task, std::chrono::steady_clock::duration limit) {
  auto done = asio::co_spawn(t.ctx, std::move(task), asio::use_future);
  if (done.wait_for(limit) != std::future_status::ready) throw std::runtime_error("netns test: coroutine hung");
  return done.get();
}

inline std::shared_ptr<disc::addr_resolver_client> make_ar_client(asio::any_io_executor ex, const std::string& url,
                                                                  const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  auto auth = std::make_shared<disc::httpauth_client>(ex, http, url, kp);
  return std::make_shared<disc::addr_resolver_client>(auth);
}

// Our address resolver (HTTP + the UDP/KCP side) on wan_ip():<free port> in the wan, in
// non-local mode: only public source IPs may bind stcpr, and a bind must list its source IP.
struct resolver {
  test::netns_thread thread;
  base::system_clock clock;
  std::unique_ptr<ar_svc::store> db = ar_svc::make_memory_store();
  std::unique_ptr<svc::httpauth::nonce_store> nonces = svc::httpauth::make_memory_nonce_store();
  std::unique_ptr<ar_svc::service> svc;
  std::uint16_t port = 0;

  explicit resolver(const test::netns& wan) : thread(wan) {
    port = thread.call([&]() -> std::uint16_t {
      ar_svc::service_options opt;
      opt.host = test::nat_lab::wan_ip();
      opt.port = 0;
      opt.api.local_mode = false;
      svc = std::make_unique<ar_svc::service>(thread.ctx.get_executor(), *db, *nonces, clock,
                                              base::make_null_logger("ar"), opt);
      auto p = svc->start();
      return p ? *p : 0;
    });
    if (port == 0) throw std::runtime_error("cannot start the address resolver");
  }
  ~resolver() {
    auto stop = [this]() -> asio::awaitable<void> { co_await svc->shutdown(1s); };
    try {
      run_on(thread, stop(), 10s);
    } catch (...) {
    }
    thread.call([&] {
      svc.reset();
      return true;
    });
  }
  std::string url() const { return "http://" + test::nat_lab::wan_ip() + ":" + std::to_string(port); }
  std::string udp_address() const { return test::nat_lab::wan_ip() + ":" + std::to_string(port); }
};

struct visor_options {
  bool stcpr = true;
  bool sudph = true;
  // Addresses sent with the stcpr bind; empty: the host's own address (what Go's
  // LocalAddresses would list in the site).
  std::vector<std::string> stcpr_addresses;
  tcp_liveness liveness{};
  std::chrono::milliseconds kcp_dead_timeout = kcp::limits::dead_timeout;
  std::chrono::steady_clock::duration handshake_timeout = 5s;
  std::chrono::steady_clock::duration persistent_interval = 500ms;
  std::chrono::steady_clock::duration dial_timeout = 20s;
};

struct received_packet {
  wire::transport::uuid from;
  std::uint32_t route_id;
  bytes payload;
};

struct visor {
  test::netns_thread thread;
  crypto::key_pair keys;
  std::string ip;
  base::system_clock clock;  // before m: the manager keeps a reference
  std::unique_ptr<manager> m;
  stcpr_network* stcpr = nullptr;  // owned by m
  sudph_network* sudph = nullptr;  // owned by m
  std::mutex mu;
  std::vector<received_packet> got;  // guarded by mu (filled on the visor's thread)

  visor(const test::nat_site& site, std::string_view seed, const resolver& ar, const visor_options& o)
      : thread(*site.host), keys(netns_test::keys(seed)), ip(site.host_ip) {
    const bool ok = thread.call([&] {
      auto ex = thread.ctx.get_executor();
      manager_config mc{.keys = keys};
      mc.dial_timeout = o.dial_timeout;
      mc.settlement_timeout = 10s;
      mc.persistent_interval = o.persistent_interval;
      mc.registry_backoff = 10ms;
      m = std::make_unique<manager>(ex, std::move(mc), clock, base::make_null_logger("tm"));
      m->set_packet_handler([this](const transport_info& from, const wire::routing::packet_view& p) {
        std::lock_guard lock(mu);
        got.push_back({from.id, p.route_id, bytes(p.payload.begin(), p.payload.end())});
      });
      // Go's order of network start-up does not matter to the manager; the fallback order is
      // the caller's (visor::add_transport).
      if (o.stcpr) {
        stcpr_config c;
        c.listen_host = ip;
        c.addresses = o.stcpr_addresses.empty() ? std::vector<std::string>{ip} : o.stcpr_addresses;
        c.bind_backoff_initial = 200ms;
        c.bind_backoff_max = 1s;
        c.tcp.liveness = o.liveness;
        c.tcp.handshake_timeout = o.handshake_timeout;
        auto n = stcpr_network::create(ex, keys, make_ar_client(ex, ar.url(), keys), std::move(c));
        if (!n) return false;
        stcpr = n->get();
        m->add_network(std::move(*n));
      }
      if (o.sudph) {
        sudph_config c;
        c.listen_host = ip;
        c.addresses = {ip};
        c.ar_udp_address = ar.udp_address();
        c.bind_backoff_initial = 200ms;
        c.bind_backoff_max = 1s;
        c.heartbeat_interval = 1s;
        c.handshake_timeout = o.handshake_timeout;
        c.mux.kcp.dead_timeout = o.kcp_dead_timeout;
        auto n = sudph_network::create(ex, keys, make_ar_client(ex, ar.url(), keys), std::move(c));
        if (!n) return false;
        sudph = n->get();
        m->add_network(std::move(*n));
      }
      m->start();
      return true;
    });
    if (!ok) throw std::runtime_error("cannot start visor networks in " + site.host->name());
  }

  ~visor() {
    auto stop = [this]() -> asio::awaitable<void> { co_await m->close(); };
    try {
      run_on(thread, stop(), 20s);
    } catch (...) {
    }
    thread.call([&] {
      m.reset();
      return true;
    });
  }

  bool stcpr_bound() {
    return thread.call([&] { return stcpr && stcpr->bound(); });
  }
  bool sudph_bound() {
    return thread.call([&] { return sudph && sudph->bound(); });
  }
  // "holepunch" datagrams sent on the resolver's request.
  std::uint64_t punches() {
    return thread.call([&]() -> std::uint64_t { return sudph ? sudph->punches_sent() : 0; });
  }
  std::vector<transport_info> transports() {
    return thread.call([&] { return m->transports(); });
  }
  std::optional<transport_info> find(const wire::transport::uuid& id) {
    return thread.call([&] { return m->find(id); });
  }
  void set_persistent(std::vector<persistent_transport> list) {
    thread.call([&] {
      m->set_persistent(std::move(list));
      return true;
    });
  }

  result<transport_info> save(crypto::public_key remote, std::string type) {
    auto op = [this, remote, type]() -> asio::awaitable<result<transport_info>> {
      co_return co_await m->save_transport(remote, type, wire::transport::label_user);
    };
    return run_on(thread, op(), 120s);
  }

  // Queues one data packet (route id, payload) on transport id.
  result<void> send(wire::transport::uuid id, std::uint32_t route_id, std::string_view payload) {
    auto op = [this, id, route_id, text = std::string(payload)]() -> asio::awaitable<result<void>> {
      auto pkt = wire::routing::encode_data(route_id, as_bytes(text));
      if (!pkt) co_return pkt.error();
      const bytes packet = std::move(*pkt);  // named: write_packet keeps a view until it completes
      co_return co_await m->write_packet(id, packet);
    };
    return run_on(thread, op(), 60s);
  }

  std::size_t packets() {
    std::lock_guard lock(mu);
    return got.size();
  }
  std::optional<received_packet> packet(std::size_t i) {
    std::lock_guard lock(mu);
    if (i >= got.size()) return std::nullopt;
    return got[i];
  }
};

// The NAT tests need root, iproute2 and iptables' nat table: without them they skip, except in
// CI, where that is a failure.
inline bool nat_usable() {
  if (skywire::test::iptables_available()) return true;
  if (std::getenv("CI")) ADD_FAILURE() << "NAT netns tests need root, iproute2 and iptables (nat table) in CI";
  return false;
}

}  // namespace skywire::transport::netns_test

#define REQUIRE_NAT() \
  if (!::skywire::transport::netns_test::nat_usable()) GTEST_SKIP() << "needs root, iproute2 and iptables with the nat table"
