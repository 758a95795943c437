#pragma once
// The transport::manager tests' fixture: managers with real stcp networks on 127.0.0.1 and an
// in-memory registry (`node`, `pair_of_nodes`), plus small coroutine helpers. Used by
// manager_test.cpp (lifecycle, ordering, duplicates, persistence) and manager_limits_test.cpp
// (hostile peers, bounds, back-pressure, the bandwidth log).
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/transport/bandwidth_log.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/transport/settlement.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/routing/packet_reader.hpp"
#include "test_util.hpp"

namespace skywire::transport::manager_fixture {


using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
namespace wt = wire::transport;
namespace wr = wire::routing;
namespace fs = std::filesystem;

inline const base::system_clock sys_clock;

// The transport discovery as the manager sees it: records every call.
struct fake_registry final : registry {
  std::vector<wt::signed_entry> registered;
  std::vector<wt::uuid> deleted;
  int delete_attempts = 0;
  int fail_deletes = 0;  // the next n deletions fail (to exercise the retries)

  asio::awaitable<result<void>> register_entry(wt::signed_entry e) override {
    registered.push_back(std::move(e));
    co_return result<void>{};
  }
  asio::awaitable<result<void>> delete_entry(wt::uuid id) override {
    ++delete_attempts;
    if (fail_deletes > 0) {
      --fail_deletes;
      co_return net::errc::timeout;
    }
    deleted.push_back(id);
    co_return result<void>{};
  }
  int deletions_of(const wt::uuid& id) const { return static_cast<int>(std::count(deleted.begin(), deleted.end(), id)); }
};

struct received {
  wt::uuid from;
  wr::packet_type type;
  std::uint32_t route_id;
  bytes payload;
};

inline std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

inline std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

inline manager_config test_config(const crypto::key_pair& k) {
  manager_config mc{.keys = k};
  mc.dial_timeout = 10s;
  mc.settlement_timeout = 5s;
  mc.persistent_interval = 100ms;
  mc.log_flush_interval = 50ms;
  mc.registry_backoff = 5ms;
  return mc;
}

// One visor's transport side: a manager with one stcp network listening on its port.
struct node {
  node(crypto::key_pair k, std::uint16_t p) : keys(std::move(k)), port(p) {}

  crypto::key_pair keys;
  std::uint16_t port = 0;
  std::shared_ptr<fake_registry> reg = std::make_shared<fake_registry>();
  std::vector<received> got;
  std::unique_ptr<manager> m;

  void start(asio::any_io_executor ex, const std::map<crypto::public_key, std::uint16_t>& peers,
             manager_config mc) {
    stcp_config c;
    c.listen_address = loopback(port);
    for (const auto& [pk, p] : peers) c.pk_table[pk] = loopback(p);
    auto net = stcp_network::create(ex, keys, std::move(c));
    ASSERT_TRUE(net.has_value()) << net.error().message();
    m = std::make_unique<manager>(ex, std::move(mc), sys_clock, nullptr);
    m->set_registry(reg);
    m->set_packet_handler([this](const transport_info& from, const wr::packet_view& p) {
      got.push_back({from.id, p.type, p.route_id, bytes(p.payload.begin(), p.payload.end())});
    });
    m->add_network(std::move(*net));
    m->start();
  }
  std::size_t count() const { return m ? m->transports().size() : 0; }
};

// Two nodes "a" and "b" that know each other's addresses.
struct pair_of_nodes {
  node a{keys("a"), free_port()};
  node b{keys("b"), free_port()};
  wt::uuid id = wt::make_transport_id(keys("a").pk, keys("b").pk, wt::type_stcp);

  void start(asio::any_io_executor ex, const std::function<void(manager_config&)>& tweak = {}) {
    auto ca = test_config(a.keys);
    auto cb = test_config(b.keys);
    if (tweak) {
      tweak(ca);
      tweak(cb);
    }
    a.start(ex, {{b.keys.pk, b.port}}, std::move(ca));
    b.start(ex, {{a.keys.pk, a.port}}, std::move(cb));
  }
  asio::awaitable<void> close() {
    if (a.m) co_await a.m->close();
    if (b.m) co_await b.m->close();
  }
};

// Polls cond every 10 ms until it holds or `limit` passes (a generous bound, not a timing test).
template <class F>
asio::awaitable<bool> eventually(F& cond, std::chrono::milliseconds limit = 10000ms) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) co_return false;
    t.expires_after(10ms);
    co_await t.async_wait(use_tuple);
  }
  co_return true;
}

inline asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

inline bytes payload_of(std::size_t n, std::uint8_t seed) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed * 7 + i * 13);
  return b;
}

inline asio::awaitable<std::uint64_t> send_data(node& from, const wt::uuid& id, std::uint32_t first_route, int count) {
  std::uint64_t total = 0;
  for (int i = 0; i < count; ++i) {
    const std::size_t size = i == count - 1 ? wr::max_payload_size : static_cast<std::size_t>((i * 977) % 5000);
    auto pkt = wr::encode_data(first_route + static_cast<std::uint32_t>(i), payload_of(size, static_cast<std::uint8_t>(i)));
    auto w = from.m->write_packet(id, *pkt);
    auto r = co_await std::move(w);
    EXPECT_TRUE(r.has_value()) << r.error().message();
    total += size;
  }
  co_return total;
}

inline void expect_data(const std::vector<received>& got, const wt::uuid& id, std::uint32_t first_route, int count) {
  ASSERT_EQ(got.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const std::size_t size = i == count - 1 ? wr::max_payload_size : static_cast<std::size_t>((i * 977) % 5000);
    EXPECT_EQ(got[i].from, id);
    EXPECT_EQ(got[i].type, wr::packet_type::data);
    EXPECT_EQ(got[i].route_id, first_route + static_cast<std::uint32_t>(i));
    EXPECT_TRUE(got[i].payload == payload_of(size, static_cast<std::uint8_t>(i))) << "packet " << i;
  }
}

}  // namespace skywire::transport::manager_fixture
