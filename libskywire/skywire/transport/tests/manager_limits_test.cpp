// transport::manager under hostile peers and at its bounds: errors are values; a bad settlement
// entry or a huge declared payload costs the peer its transport, never the manager; a newer
// connection replaces an old one; max_transports holds both ways; back-pressure bounds the send
// queue; the bandwidth CSV is written and rotated. Fixture: manager_fixture.hpp.
#include "manager_fixture.hpp"

namespace skywire::transport {
namespace {

using namespace manager_fixture;

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
