// transport::manager end to end (spec/skywire.md §1.6–1.7): two managers with real stcp
// networks on 127.0.0.1 and an in-memory registry. Dials settle and both sides list one
// transport with one ID; packets arrive in order with exact byte counts both ways; concurrent
// and simultaneous dials make one transport; removal, a closed peer and a restarted peer are
// noticed; back-pressure bounds the send queue; the bandwidth CSV is written and rotated;
// hostile peers (bad settlement entry, a huge declared payload, unknown packet types) cost
// them their transport and never the manager's.
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

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
namespace wt = wire::transport;
namespace wr = wire::routing;
namespace fs = std::filesystem;

const base::system_clock sys_clock;

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

std::uint16_t free_port() {
  asio::io_context ctx;
  tcp::acceptor a(ctx, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return a.local_endpoint().port();
}

std::string loopback(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

manager_config test_config(const crypto::key_pair& k) {
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

asio::awaitable<void> sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

bytes payload_of(std::size_t n, std::uint8_t seed) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed * 7 + i * 13);
  return b;
}

TEST(Manager, SaveTransportDialsSettlesAndBothSidesListIt) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_automatic);
    auto s = co_await std::move(save);
    CO_ASSERT(s.has_value());
    EXPECT_EQ(s->id, n.id);
    EXPECT_EQ(s->type, "stcp");
    EXPECT_EQ(s->local_pk, n.a.keys.pk);
    EXPECT_EQ(s->remote_pk, n.b.keys.pk);
    EXPECT_EQ(s->label, "automatic");
    EXPECT_TRUE(s->initiator);

    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));
    const auto tb = n.b.m->transports()[0];
    EXPECT_EQ(tb.id, n.id);
    EXPECT_EQ(tb.remote_pk, n.a.keys.pk);
    EXPECT_EQ(tb.label, "user");
    EXPECT_FALSE(tb.initiator);
    EXPECT_EQ(n.a.m->transports().size(), 1u);
    EXPECT_TRUE(n.a.m->find(n.id).has_value());

    // Only the responder registers, with both signatures.
    auto registered = [&] { return n.b.reg->registered.size() == 1; };
    CO_ASSERT(co_await eventually(registered));
    const auto& se = n.b.reg->registered[0];
    CO_ASSERT(se.entry.has_value());
    EXPECT_EQ(se.entry->id, n.id);
    EXPECT_TRUE(wt::verify_entry_slot(se, n.a.keys.pk));
    EXPECT_TRUE(wt::verify_entry_slot(se, n.b.keys.pk));
    EXPECT_TRUE(n.a.reg->registered.empty());

    // Saving again returns the same transport without a new dial.
    auto again = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    auto s2 = co_await std::move(again);
    CO_ASSERT(s2.has_value());
    EXPECT_EQ(s2->id, n.id);
    EXPECT_EQ(s2->label, "automatic");
    EXPECT_EQ(n.b.reg->registered.size(), 1u);
    co_await n.close();
  });
}

// Sends `count` data packets of varied sizes (0 … 65535 bytes) from `from` to `to`'s handler.
asio::awaitable<std::uint64_t> send_data(node& from, const wt::uuid& id, std::uint32_t first_route, int count) {
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

void expect_data(const std::vector<received>& got, const wt::uuid& id, std::uint32_t first_route, int count) {
  ASSERT_EQ(got.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const std::size_t size = i == count - 1 ? wr::max_payload_size : static_cast<std::size_t>((i * 977) % 5000);
    EXPECT_EQ(got[i].from, id);
    EXPECT_EQ(got[i].type, wr::packet_type::data);
    EXPECT_EQ(got[i].route_id, first_route + static_cast<std::uint32_t>(i));
    EXPECT_TRUE(got[i].payload == payload_of(size, static_cast<std::uint8_t>(i))) << "packet " << i;
  }
}

TEST(Manager, PacketsArriveInOrderWithByteCountsBothWays) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));

    constexpr int count = 300;
    auto up = send_data(n.a, n.id, 1000, count);
    auto down = send_data(n.b, n.id, 5000, count);
    auto [sent_up, sent_down] = co_await (std::move(up) && std::move(down));
    auto all_in = [&] { return n.a.got.size() >= count && n.b.got.size() >= count; };
    CO_ASSERT(co_await eventually(all_in));
    expect_data(n.b.got, n.id, 1000, count);
    expect_data(n.a.got, n.id, 5000, count);

    const auto ta = n.a.m->find(n.id).value();
    const auto tb = n.b.m->find(n.id).value();
    EXPECT_EQ(ta.bytes_sent, sent_up);
    EXPECT_EQ(tb.bytes_received, sent_up);
    EXPECT_EQ(tb.bytes_sent, sent_down);
    EXPECT_EQ(ta.bytes_received, sent_down);

    // Every typed packet passes unchanged.
    const bytes ping = wr::encode_ping(9, 1700000000000, 12345);
    auto w = n.a.m->write_packet(n.id, ping);
    CO_ASSERT((co_await std::move(w)).has_value());
    auto ping_in = [&] { return n.b.got.size() == count + 1; };
    CO_ASSERT(co_await eventually(ping_in));
    EXPECT_EQ(n.b.got.back().type, wr::packet_type::ping);
    EXPECT_EQ(wr::parse_ping(n.b.got.back().payload).value(), (wr::ping_payload{1700000000000, 12345}));
    co_await n.close();
  });
}

// One write_packet call as its own coroutine (a free function: its parameters live in the frame,
// unlike a capturing lambda's captures).
asio::awaitable<void> write_one(manager& m, wt::uuid id, bytes pkt, int& done, int& failed) {
  auto w = m.write_packet(id, pkt);
  auto r = co_await std::move(w);
  if (!r) ++failed;
  ++done;
}

// Many writers started at once on a small queue: they wait (back-pressure) and their packets
// reach the wire in the order the writers called.
TEST(Manager, ConcurrentWritersKeepCallOrderThroughASmallQueue) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex, [](manager_config& c) { c.max_send_queue = 3000; });
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());

    constexpr int writers = 200;
    int done = 0;
    int failed = 0;
    for (int i = 0; i < writers; ++i) {
      auto pkt = wr::encode_data(static_cast<std::uint32_t>(i), payload_of(1000 + i, static_cast<std::uint8_t>(i))).value();
      asio::co_spawn(ex, write_one(*n.a.m, n.id, std::move(pkt), done, failed), asio::detached);
    }
    auto all_done = [&] { return done == writers; };
    CO_ASSERT(co_await eventually(all_done));
    EXPECT_EQ(failed, 0);
    auto all_in = [&] { return n.b.got.size() == writers; };
    CO_ASSERT(co_await eventually(all_in));
    for (int i = 0; i < writers; ++i) {
      EXPECT_EQ(n.b.got[i].route_id, static_cast<std::uint32_t>(i));
      EXPECT_TRUE(n.b.got[i].payload == payload_of(1000 + i, static_cast<std::uint8_t>(i)));
    }
    co_await n.close();
  });
}

TEST(Manager, ConcurrentSavesShareOneDial) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    auto s1 = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    auto s2 = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_automatic);
    auto s3 = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_skycoin);
    auto [r1, r2, r3] = co_await (std::move(s1) && std::move(s2) && std::move(s3));
    CO_ASSERT(r1 && r2 && r3);
    EXPECT_EQ(r1->id, n.id);
    EXPECT_EQ(r2->id, n.id);
    EXPECT_EQ(r3->id, n.id);
    EXPECT_EQ(r2->label, "user");  // the first caller's label
    EXPECT_EQ(n.a.m->transports().size(), 1u);
    co_await sleep(200ms);
    EXPECT_EQ(n.b.reg->registered.size(), 1u);  // one settlement: one dial
    EXPECT_EQ(n.b.count(), 1u);
    co_await n.close();
  });
}

TEST(Manager, SimultaneousDialsEndWithOneTransportOnEachSide) {
  for (int round = 0; round < 3; ++round) {
    run([]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      pair_of_nodes n;
      n.start(ex);
      auto sa = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
      auto sb = n.b.m->save_transport(n.a.keys.pk, "stcp", wt::label_user);
      auto [ra, rb] = co_await (std::move(sa) && std::move(sb));
      EXPECT_TRUE(ra.has_value()) << ra.error().message();
      EXPECT_TRUE(rb.has_value()) << rb.error().message();
      auto one_each = [&] { return n.a.count() == 1 && n.b.count() == 1; };
      CO_ASSERT(co_await eventually(one_each));
      // Both kept the same connection: it stays up and carries packets both ways.
      co_await sleep(300ms);
      CO_ASSERT(n.a.count() == 1 && n.b.count() == 1);
      auto up = send_data(n.a, n.id, 1, 20);
      auto down = send_data(n.b, n.id, 100, 20);
      (void)co_await (std::move(up) && std::move(down));
      auto all_in = [&] { return n.a.got.size() == 20 && n.b.got.size() == 20; };
      CO_ASSERT(co_await eventually(all_in));
      expect_data(n.b.got, n.id, 1, 20);
      expect_data(n.a.got, n.id, 100, 20);
      EXPECT_EQ(n.a.count(), 1u);
      EXPECT_EQ(n.b.count(), 1u);
      co_await n.close();
    });
  }
}

TEST(Manager, RemoveTransportClosesBothSidesAndDeletesIt) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    n.a.reg->fail_deletes = 2;  // the third try succeeds
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));

    auto rm = n.a.m->remove_transport(n.id);
    CO_ASSERT((co_await std::move(rm)).has_value());
    EXPECT_EQ(n.a.count(), 0u);
    auto b_gone = [&] { return n.b.count() == 0; };
    CO_ASSERT(co_await eventually(b_gone));  // the peer's read failed
    auto deleted = [&] { return n.a.reg->deletions_of(n.id) == 1 && n.b.reg->deletions_of(n.id) == 1; };
    CO_ASSERT(co_await eventually(deleted));
    EXPECT_EQ(n.a.reg->delete_attempts, 3);

    const bytes keep_alive = wr::encode_keep_alive(1);  // named: write_packet keeps a view
    auto w = n.a.m->write_packet(n.id, keep_alive);
    auto wr1 = co_await std::move(w);
    EXPECT_EQ(wr1.error(), errc::transport_not_found);
    auto rm2 = n.a.m->remove_transport(n.id);
    auto r2 = co_await std::move(rm2);
    EXPECT_EQ(r2.error(), errc::transport_not_found);
    co_await n.close();
  });
}

TEST(Manager, RegistryDeletionGivesUpAfterTheConfiguredTries) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    n.a.reg->fail_deletes = 100;
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto rm = n.a.m->remove_transport(n.id);
    CO_ASSERT((co_await std::move(rm)).has_value());
    auto five = [&] { return n.a.reg->delete_attempts == 5; };
    CO_ASSERT(co_await eventually(five));
    co_await sleep(200ms);  // backoff is 5 ms doubling: a sixth try would have come by now
    EXPECT_EQ(n.a.reg->delete_attempts, 5);
    co_await n.close();
  });
}

TEST(Manager, ClosingThePeersManagerIsNoticed) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));

    co_await n.b.m->close();
    EXPECT_EQ(n.b.reg->deletions_of(n.id), 1);  // close() deletes what it closed
    EXPECT_EQ(n.b.count(), 0u);
    auto a_gone = [&] { return n.a.count() == 0; };
    CO_ASSERT(co_await eventually(a_gone));
    auto a_deleted = [&] { return n.a.reg->deletions_of(n.id) == 1; };
    CO_ASSERT(co_await eventually(a_deleted));

    // A closed manager refuses everything.
    auto save2 = n.b.m->save_transport(n.a.keys.pk, "stcp", wt::label_user);
    auto s2 = co_await std::move(save2);
    EXPECT_EQ(s2.error(), errc::manager_closed);
    co_await n.b.m->close();  // idempotent
    co_await n.a.m->close();
  });
}

TEST(Manager, PersistentTransportsComeBackAfterThePeerRestarts) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    n.a.m->set_persistent({{n.b.keys.pk, "stcp"}});
    EXPECT_EQ(n.a.m->persistent().size(), 1u);
    auto both = [&] { return n.a.count() == 1 && n.b.count() == 1; };
    CO_ASSERT(co_await eventually(both));

    // The peer goes away: its manager closes and is destroyed.
    co_await n.b.m->close();
    n.b.m.reset();
    auto a_gone = [&] { return n.a.count() == 0; };
    CO_ASSERT(co_await eventually(a_gone));

    // It comes back on the same address; the persistent dial finds it again.
    n.b.start(ex, {{n.a.keys.pk, n.a.port}}, test_config(n.b.keys));
    CO_ASSERT(co_await eventually(both));
    EXPECT_EQ(n.a.m->transports()[0].id, n.id);
    EXPECT_TRUE(n.a.m->transports()[0].initiator);
    co_await n.close();
  });
}

TEST(Manager, ErrorsAreValues) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    EXPECT_EQ(n.a.m->types(), std::vector<std::string>{"stcp"});
    auto s1 = n.a.m->save_transport(n.b.keys.pk, "stcpr", wt::label_user);
    EXPECT_EQ((co_await std::move(s1)).error(), errc::unknown_type);
    auto s2 = n.a.m->save_transport(n.a.keys.pk, "stcp", wt::label_user);
    EXPECT_EQ((co_await std::move(s2)).error(), errc::self_transport);
    auto s3 = n.a.m->save_transport(keys("c").pk, "stcp", wt::label_user);  // not in the pk table
    EXPECT_EQ((co_await std::move(s3)).error(), errc::entry_not_found);
    EXPECT_EQ(n.a.count(), 0u);

    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    bytes truncated = wr::encode_data(1, as_bytes("hello")).value();
    truncated.pop_back();
    auto w1 = n.a.m->write_packet(n.id, truncated);
    EXPECT_EQ((co_await std::move(w1)).error(), errc::bad_packet);
    auto w2 = n.a.m->write_packet(n.id, bytes{});
    EXPECT_EQ((co_await std::move(w2)).error(), errc::bad_packet);
    EXPECT_EQ(n.a.count(), 1u);  // refused before the wire: the transport is fine

    // A dial that cannot complete in time is a timeout.
    co_await n.close();
    tcp::acceptor silent(ex, tcp::endpoint(asio::ip::address_v4::loopback(), 0));  // accepts, never answers
    node c{keys("c"), free_port()};
    auto cfg = test_config(c.keys);
    cfg.dial_timeout = 300ms;
    c.start(ex, {{keys("d").pk, silent.local_endpoint().port()}}, cfg);
    auto s4 = c.m->save_transport(keys("d").pk, "stcp", wt::label_user);
    EXPECT_EQ((co_await std::move(s4)).error(), net::errc::timeout);
    co_await c.m->close();
  });
}

// A third party that speaks to b's stcp listener directly, as key "c".
struct raw_peer {
  std::unique_ptr<stcp_network> net;
  static raw_peer to(asio::any_io_executor ex, const node& b) {
    stcp_config c;
    c.pk_table[b.keys.pk] = loopback(b.port);
    return {stcp_network::create(ex, keys("c"), std::move(c)).value()};
  }
};

TEST(Manager, BadSettlementEntryIsRefusedAndTheManagerKeepsAccepting) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    auto c = raw_peer::to(ex, n.b);
    // An entry signed for the wrong pair, and one that is not JSON at all.
    for (std::string line : {std::string("{}\n"), std::string("not json\n")}) {
      auto d = c.net->dial(n.b.keys.pk);
      auto t = co_await std::move(d);
      CO_ASSERT(t.has_value());
      auto w = t->stream->write_all(as_bytes(line));
      CO_ASSERT((co_await std::move(w)).has_value());
      byte_array<1> resp{};
      auto r = t->stream->read_some(resp);
      auto got = co_await std::move(r);
      CO_ASSERT(got.has_value());
      EXPECT_EQ(resp[0], 0x03);
    }
    {
      // A well-formed entry whose signature slot is c's but whose edges name a and b.
      auto d = c.net->dial(n.b.keys.pk);
      auto t = co_await std::move(d);
      CO_ASSERT(t.has_value());
      wt::signed_entry se{wt::make_entry(n.a.keys.pk, n.b.keys.pk, "stcp", wt::label_user), {}, 0};
      (void)wt::sign_entry(se, n.a.keys);
      auto w = t->stream->write_all(as_bytes(wt::to_json_line(se)));
      CO_ASSERT((co_await std::move(w)).has_value());
      byte_array<1> resp{};
      auto r = t->stream->read_some(resp);
      CO_ASSERT((co_await std::move(r)).has_value());
      EXPECT_EQ(resp[0], 0x03);
    }
    EXPECT_EQ(n.b.count(), 0u);
    EXPECT_TRUE(n.b.reg->registered.empty());
    // The listener still takes a correct peer.
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    auto s = co_await std::move(save);
    EXPECT_TRUE(s.has_value()) << s.error().message();
    auto b_has = [&] { return n.b.count() == 1; };
    EXPECT_TRUE(co_await eventually(b_has));
    co_await n.close();
  });
}

TEST(Manager, HugeDeclaredPayloadThenCloseDropsOnlyThatTransport) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex);
    auto c = raw_peer::to(ex, n.b);
    const auto id_c = wt::make_transport_id(keys("c").pk, n.b.keys.pk, "stcp");
    auto d = c.net->dial(n.b.keys.pk);
    auto t = co_await std::move(d);
    CO_ASSERT(t.has_value());
    const auto kc = keys("c");  // named: the lazy coroutine keeps a reference
    auto settle = settle_as_initiator(*t, kc);
    CO_ASSERT((co_await std::move(settle)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));

    // An unknown type is dropped and the transport stays; a maximal payload arrives whole.
    bytes stream = {0xc8, 0, 0, 0, 1, 0, 1, 0xaa};
    const bytes big = payload_of(wr::max_payload_size, 3);
    auto max_pkt = wr::encode_data(77, big).value();
    stream.insert(stream.end(), max_pkt.begin(), max_pkt.end());
    // Then a header that declares 65535 bytes, 100 of them, and the end of the stream.
    const bytes tail = {0x00, 0, 0, 0, 2, 0xff, 0xff};
    stream.insert(stream.end(), tail.begin(), tail.end());
    stream.insert(stream.end(), 100, 0x55);
    auto w = t->stream->write_all(stream);
    CO_ASSERT((co_await std::move(w)).has_value());
    auto one_in = [&] { return n.b.got.size() == 1; };
    CO_ASSERT(co_await eventually(one_in));
    EXPECT_EQ(n.b.got[0].route_id, 77u);
    EXPECT_TRUE(n.b.got[0].payload == big);
    EXPECT_EQ(n.b.m->find(id_c).value().bytes_received, 1u + wr::max_payload_size);
    t->stream->close();
    auto b_gone = [&] { return n.b.count() == 0; };
    CO_ASSERT(co_await eventually(b_gone));
    EXPECT_EQ(n.b.got.size(), 1u);  // the partial packet never reached the handler
    auto deleted = [&] { return n.b.reg->deletions_of(id_c) == 1; };
    CO_ASSERT(co_await eventually(deleted));

    // b is unaffected for everyone else.
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    EXPECT_TRUE((co_await std::move(save)).has_value());
    co_await n.close();
  });
}

constexpr int packets = 512;  // 32 MiB: far beyond the socket buffers and the queue

asio::awaitable<void> write_many(manager& m, wt::uuid id, int& written) {
  for (int i = 0; i < packets; ++i) {
    auto pkt = wr::encode_data(static_cast<std::uint32_t>(i), bytes(65535, static_cast<std::uint8_t>(i))).value();
    auto w = m.write_packet(id, pkt);
    if (!(co_await std::move(w))) co_return;
    ++written;
  }
}

// The peer dials again while the old connection still looks up here (it lost it without us
// noticing): past duplicate_window the newer connection replaces the old one, keeps the
// transport's ID and counters, and carries the traffic both ways.
TEST(Manager, ANewerConnectionReplacesAnOldOneAndCarriesTheTraffic) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex, [](manager_config& c) { c.duplicate_window = 0s; });
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_automatic);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));

    // b's identity on a fresh connection.
    stcp_config rc;
    rc.pk_table[n.a.keys.pk] = loopback(n.a.port);
    auto again = stcp_network::create(ex, keys("b"), std::move(rc)).value();
    auto d = again->dial(n.a.keys.pk);
    auto t = co_await std::move(d);
    CO_ASSERT(t.has_value());
    const auto kb = keys("b");
    auto settle = settle_as_initiator(*t, kb);
    CO_ASSERT((co_await std::move(settle)).has_value());

    auto b_gone = [&] { return n.b.count() == 0; };  // a closed the old connection
    CO_ASSERT(co_await eventually(b_gone));
    CO_ASSERT(n.a.count() == 1u);
    const auto info = n.a.m->find(n.id).value();
    EXPECT_FALSE(info.initiator);  // now the accepted connection
    EXPECT_EQ(info.label, "automatic");

    const bytes out = wr::encode_data(5, as_bytes("over the new one")).value();
    auto w = n.a.m->write_packet(n.id, out);
    CO_ASSERT((co_await std::move(w)).has_value());
    wr::packet_reader rd;
    std::optional<wr::packet_view> p;
    while (!(p = rd.next())) {
      auto r = t->stream->read_some(rd.prepare());
      auto got = co_await std::move(r);
      CO_ASSERT(got.has_value());
      rd.commit(*got);
    }
    EXPECT_EQ(p->route_id, 5u);
    EXPECT_EQ(as_chars(p->payload), "over the new one");

    const bytes back = wr::encode_data(6, as_bytes("back")).value();
    auto wb = t->stream->write_all(back);
    CO_ASSERT((co_await std::move(wb)).has_value());
    auto a_got = [&] { return n.a.got.size() == 1; };
    CO_ASSERT(co_await eventually(a_got));
    EXPECT_EQ(n.a.got[0].route_id, 6u);
    EXPECT_EQ(n.a.m->find(n.id).value().bytes_received, 4u);
    EXPECT_EQ(n.a.m->find(n.id).value().bytes_sent, 16u);
    co_await n.close();
  });
}

TEST(Manager, MaxTransportsRefusesNewOnesBothWays) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex, [](manager_config& c) { c.max_transports = 1; });
    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));

    // Outgoing: refused before dialling.
    auto s2 = n.a.m->save_transport(keys("c").pk, "stcp", wt::label_user);
    EXPECT_EQ((co_await std::move(s2)).error(), errc::too_many_transports);
    // Incoming: c's connection is dropped before settlement, and nothing is registered.
    auto c = raw_peer::to(ex, n.b);
    auto d = c.net->dial(n.b.keys.pk);
    auto t = co_await std::move(d);
    CO_ASSERT(t.has_value());
    const auto kc = keys("c");
    auto settle = settle_as_initiator(*t, kc);
    EXPECT_FALSE((co_await std::move(settle)).has_value());
    EXPECT_EQ(n.b.count(), 1u);
    EXPECT_EQ(n.b.reg->registered.size(), 1u);  // a's only
    co_await n.close();
  });
}

// A peer that settles and then never reads: the writer's queue fills, write_packet waits, and
// nothing grows beyond the bound; once the peer reads, every packet arrives in order.
TEST(Manager, BackPressureWhenThePeerStopsReading) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    node b{keys("b"), free_port()};
    auto cfg = test_config(b.keys);
    cfg.max_send_queue = 128 * 1024;
    b.start(ex, {}, cfg);
    auto c = raw_peer::to(ex, b);
    auto d = c.net->dial(b.keys.pk);
    auto t = co_await std::move(d);
    CO_ASSERT(t.has_value());
    const auto kc = keys("c");  // named: the lazy coroutine keeps a reference
    auto settle = settle_as_initiator(*t, kc);
    CO_ASSERT((co_await std::move(settle)).has_value());
    auto b_has = [&] { return b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));
    const auto id = b.m->transports()[0].id;

    int written = 0;
    asio::co_spawn(ex, write_many(*b.m, id, written), asio::detached);
    // Wait until the writer stalls (no progress for 300 ms) while c reads nothing.
    int last = -1;
    for (int i = 0; i < 100 && written != last; ++i) {
      last = written;
      co_await sleep(300ms);
    }
    EXPECT_LT(written, packets);

    // Now c drains the stream; every packet arrives in order.
    const std::size_t total = static_cast<std::size_t>(packets) * (wr::header_size + 65535);
    std::size_t got = 0;
    bool in_order = true;
    wr::packet_header hdr{};
    std::size_t in_packet = 0;  // bytes of the current packet seen
    std::array<std::uint8_t, 7> hbuf{};
    std::uint32_t expect_route = 0;
    std::vector<std::uint8_t> buf(65536);
    while (got < total) {
      auto r = t->stream->read_some(buf);
      auto n = co_await std::move(r);
      CO_ASSERT(n.has_value());
      for (std::size_t i = 0; i < *n; ++i) {
        if (in_packet < 7) {
          hbuf[in_packet] = buf[i];
          if (++in_packet == 7) {
            hdr = wr::parse_header(hbuf).value();
            if (hdr.route_id != expect_route++ || hdr.payload_size != 65535) in_order = false;
          }
        } else {
          if (buf[i] != static_cast<std::uint8_t>(hdr.route_id)) in_order = false;
          if (++in_packet == 7 + 65535u) in_packet = 0;
        }
      }
      got += *n;
    }
    EXPECT_TRUE(in_order);
    EXPECT_EQ(expect_route, static_cast<std::uint32_t>(packets));
    auto all_written = [&] { return written == packets; };
    EXPECT_TRUE(co_await eventually(all_written));
    EXPECT_EQ(b.m->find(id).value().bytes_sent, static_cast<std::uint64_t>(packets) * 65535u);
    co_await b.m->close();
  });
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct temp_dir {
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "tpmanager-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

TEST(Manager, BandwidthLogFilesHaveTheTotalsAndOldFilesAreDeleted) {
  temp_dir da;
  temp_dir db;
  const auto now = sys_clock.wall_now();
  const fs::path old_file = da.path / bandwidth_file_name(now - 30 * 24h);
  const fs::path recent_file = da.path / bandwidth_file_name(now - 2 * 24h);
  std::ofstream(old_file) << "tp_id,recv,sent,time_stamp\n";
  std::ofstream(recent_file) << "tp_id,recv,sent,time_stamp\n";
  run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    pair_of_nodes n;
    n.start(ex, [&](manager_config& c) {
      c.log_dir = (c.keys.pk == keys("a").pk ? da : db).path.string();
      c.log_rotation = std::chrono::hours(7 * 24);
    });
    EXPECT_FALSE(fs::exists(old_file));
    EXPECT_TRUE(fs::exists(recent_file));

    auto save = n.a.m->save_transport(n.b.keys.pk, "stcp", wt::label_user);
    CO_ASSERT((co_await std::move(save)).has_value());
    auto b_has = [&] { return n.b.count() == 1; };
    CO_ASSERT(co_await eventually(b_has));
    auto up = send_data(n.a, n.id, 1, 40);
    const std::uint64_t sent_up = co_await std::move(up);
    auto down = send_data(n.b, n.id, 1, 10);
    const std::uint64_t sent_down = co_await std::move(down);
    auto all_in = [&] { return n.b.got.size() == 40 && n.a.got.size() == 10; };
    CO_ASSERT(co_await eventually(all_in));

    const std::string line_a = n.id.to_string() + "," + std::to_string(sent_down) + "," + std::to_string(sent_up) + ",";
    const std::string line_b = n.id.to_string() + "," + std::to_string(sent_up) + "," + std::to_string(sent_down) + ",";
    const fs::path today = bandwidth_file_name(sys_clock.wall_now());
    auto flushed = [&] {
      return slurp(da.path / today).find(line_a) != std::string::npos &&
             slurp(db.path / today).find(line_b) != std::string::npos;
    };
    CO_ASSERT(co_await eventually(flushed));
    for (const auto* dir : {&da, &db}) {
      const std::string text = slurp(dir->path / today);
      EXPECT_EQ(text.rfind("tp_id,recv,sent,time_stamp\n", 0), 0u) << text;
      auto rows = parse_bandwidth_csv(text, 10).value();
      CO_ASSERT(rows.size() == 1u);
      EXPECT_NEAR(static_cast<double>(rows[0].time_stamp),
                  static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                          sys_clock.wall_now().time_since_epoch()).count()),
                  60.0);
    }
    co_await n.close();
  });
}

}  // namespace
}  // namespace skywire::transport
