// transport::manager end to end (spec/skywire.md §1.6–1.7): two managers with real stcp
// networks on 127.0.0.1 and an in-memory registry. Dials settle and both sides list one
// transport with one ID; packets arrive in order with exact byte counts both ways; concurrent
// and simultaneous dials make one transport; removal, a closed peer and a restarted peer are
// noticed. Hostile peers and bounds: manager_limits_test.cpp.
#include "manager_fixture.hpp"

namespace skywire::transport {
namespace {

using namespace manager_fixture;

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

}  // namespace
}  // namespace skywire::transport
