// stcp end to end on loopback: two networks with distinct keys dial/accept, settle (§1.6), agree
// on the transport id, register the doubly signed entry, and move megabytes both ways; hostile
// peers (wrong port, wrong Noise key, forged settlement entries, stalls) are dropped while the
// listener keeps accepting.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/crypto/errc.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/settlement.hpp"
#include "skywire/transport/stcp.hpp"
#include "test_util.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
namespace wt = wire::transport;

std::string addr_of(const stcp_network& n) {
  auto ep = n.local_endpoint().value();
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

struct pair_of_networks {
  std::unique_ptr<stcp_network> listener;  // keys b
  std::unique_ptr<stcp_network> dialer;    // keys a, pk_table: b → listener
};

pair_of_networks make_networks(asio::any_io_executor ex, std::chrono::milliseconds handshake_timeout = 10000ms) {
  stcp_config lc;
  lc.listen_address = "127.0.0.1:0";
  lc.handshake_timeout = handshake_timeout;
  auto listener = stcp_network::create(ex, keys("b"), std::move(lc)).value();
  stcp_config dc;
  dc.pk_table[keys("b").pk] = addr_of(*listener);
  auto dialer = stcp_network::create(ex, keys("a"), std::move(dc)).value();
  return {std::move(listener), std::move(dialer)};
}

// One dial + accept + settlement; returns both transports (empty on failure).
asio::awaitable<std::pair<std::optional<transport>, std::optional<transport>>> connect_and_settle(
    pair_of_networks& nets, std::vector<wt::signed_entry>* registered = nullptr) {
  auto d = nets.dialer->dial(keys("b").pk);
  auto a = nets.listener->accept();
  auto both = co_await (std::move(d) && std::move(a));
  auto& rd = std::get<0>(both);  // named references: clang 14 cannot capture bindings
  auto& ra = std::get<1>(both);
  if (!rd || !ra) {
    ADD_FAILURE() << "dial/accept: " << (rd ? "ok" : rd.error().message()) << " / "
                  << (ra ? "ok" : ra.error().message());
    co_return std::pair<std::optional<transport>, std::optional<transport>>{};
  }
  register_fn on_register = [registered](const wt::signed_entry& se) -> asio::awaitable<void> {
    if (registered) registered->push_back(se);
    co_return;
  };
  const auto ka = keys("a");
  const auto kb = keys("b");
  auto si = settle_as_initiator(*rd, ka);
  auto sr = settle_as_responder(*ra, kb, on_register);
  auto [ei, er] = co_await (std::move(si) && std::move(sr));
  EXPECT_TRUE(ei.has_value()) << ei.error().message();
  EXPECT_TRUE(er.has_value()) << er.error().message();
  co_return std::pair<std::optional<transport>, std::optional<transport>>{std::move(*rd), std::move(*ra)};
}

bytes pattern(std::size_t n, std::uint8_t seed) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 31 + (i >> 12));
  return b;
}

asio::awaitable<bytes> read_n(net::stream& s, std::size_t n) {
  bytes out;
  std::array<std::uint8_t, 9000> buf{};
  while (out.size() < n) {
    auto got = co_await s.read_some(buf);
    if (!got) {
      ADD_FAILURE() << got.error().message();
      break;
    }
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*got));
  }
  co_return out;
}

TEST(Stcp, DialAcceptSettleAndStreamMegabytesBothWays) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    std::vector<wt::signed_entry> registered;
    auto [ti, tr] = co_await connect_and_settle(nets, &registered);
    CO_ASSERT(ti && tr);
    EXPECT_EQ(ti->id, tr->id);
    EXPECT_EQ(ti->id, wt::make_transport_id(keys("a").pk, keys("b").pk, wt::type_stcp));
    EXPECT_EQ(ti->type, "stcp");
    EXPECT_EQ(ti->local_pk, keys("a").pk);
    EXPECT_EQ(ti->remote_pk, keys("b").pk);
    EXPECT_EQ(tr->local_pk, keys("b").pk);
    EXPECT_EQ(tr->remote_pk, keys("a").pk);
    EXPECT_EQ(ti->local_port, 49153);
    EXPECT_EQ(tr->remote_port, 49153);
    EXPECT_EQ(tr->local_port, transport_port);
    EXPECT_TRUE(ti->initiator);
    EXPECT_FALSE(tr->initiator);

    CO_ASSERT(registered.size() == 1u);
    const wt::signed_entry& se = registered[0];
    CO_ASSERT(se.entry.has_value());
    EXPECT_EQ(se.entry->id, ti->id);
    EXPECT_EQ(se.entry->label, "user");
    EXPECT_TRUE(wt::verify_entry_slot(se, keys("a").pk));
    EXPECT_TRUE(wt::verify_entry_slot(se, keys("b").pk));

    // 3 MiB + an odd tail each way at once, through the 4070-byte frame split.
    const std::size_t n = 3 * 1024 * 1024 + 12345;
    const bytes up = pattern(n, 1);
    const bytes down = pattern(n, 7);
    auto w1 = ti->stream->write_all(up);
    auto w2 = tr->stream->write_all(down);
    auto r1 = read_n(*tr->stream, n);
    auto r2 = read_n(*ti->stream, n);
    auto [wr1, wr2, got_up, got_down] = co_await (std::move(w1) && std::move(w2) && std::move(r1) && std::move(r2));
    EXPECT_TRUE(wr1.has_value());
    EXPECT_TRUE(wr2.has_value());
    EXPECT_TRUE(got_up == up);
    EXPECT_TRUE(got_down == down);

    // Closing one end is seen by the other.
    ti->stream->close();
    std::array<std::uint8_t, 16> buf{};
    auto eof = co_await tr->stream->read_some(buf);
    EXPECT_FALSE(eof.has_value());
  });
}

TEST(Stcp, UnknownPkIsEntryNotFound) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    auto dial = nets.dialer->dial(keys("c").pk);
    auto r = co_await std::move(dial);
    CO_ASSERT(!r.has_value());
    EXPECT_EQ(r.error(), errc::entry_not_found);
    EXPECT_EQ(r.error().message(), "entry not found in PK table");
  });
}

TEST(Stcp, WrongPortRejectedAndListenerKeepsAccepting) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    auto dial = nets.dialer->dial_address(keys("b").pk, addr_of(*nets.listener), 46);
    auto bad = co_await std::move(dial);
    CO_ASSERT(!bad.has_value());
    EXPECT_EQ(bad.error(), errc::handshake_rejected);
    auto [ti, tr] = co_await connect_and_settle(nets);
    EXPECT_TRUE(ti && tr);
  });
}

TEST(Stcp, WrongRemoteKeyFailsInNoiseAndListenerKeepsAccepting) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    // The listener is b, but the dialer believes the address belongs to c.
    auto dial = nets.dialer->dial_address(keys("c").pk, addr_of(*nets.listener));
    auto bad = co_await std::move(dial);
    CO_ASSERT(!bad.has_value());
    // The raw handshake passes (DstAddr's key is not checked, as in Go); Noise KK fails: the
    // responder cannot decrypt message 1 and closes, so the dialer sees the stream end.
    EXPECT_EQ(bad.error(), net::errc::closed) << bad.error().message();
    auto [ti, tr] = co_await connect_and_settle(nets);
    EXPECT_TRUE(ti && tr);
  });
}

// Sends a forged SignedEntry as the initiator; returns the responder's error and the byte seen.
struct forged_outcome {
  error_code responder;
  int response_byte = -1;
  bool registered = false;
};

asio::awaitable<forged_outcome> send_forged(pair_of_networks& nets, const std::function<void(wt::signed_entry&)>& forge) {
  forged_outcome out;
  auto d = nets.dialer->dial(keys("b").pk);
  auto a = nets.listener->accept();
  auto both = co_await (std::move(d) && std::move(a));
  auto& rd = std::get<0>(both);  // named references: clang 14 cannot capture bindings
  auto& ra = std::get<1>(both);
  if (!rd || !ra) {
    ADD_FAILURE() << "dial/accept failed";
    co_return out;
  }
  wt::signed_entry se{wt::make_entry(keys("a").pk, keys("b").pk, wt::type_stcp, wt::label_user), {}, 0};
  forge(se);
  const std::string line = wt::to_json_line(se);
  register_fn on_register = [&out](const wt::signed_entry&) -> asio::awaitable<void> {
    out.registered = true;
    co_return;
  };
  auto initiator = [&]() -> asio::awaitable<void> {
    (void)co_await rd->stream->write_all(as_bytes(line));
    std::array<std::uint8_t, 1> b{};
    auto n = co_await rd->stream->read_some(b);
    if (n) out.response_byte = b[0];
  };
  auto responder = [&]() -> asio::awaitable<void> {
    const auto b = keys("b");
    auto r = co_await settle_as_responder(*ra, b, on_register);
    if (!r) out.responder = r.error();
    ra->stream->close();  // the failed transport is dropped
  };
  auto i = initiator();
  auto r = responder();
  co_await (std::move(i) && std::move(r));
  co_return out;
}

TEST(Stcp, ForgedSettlementEntriesGet0x03AndListenerKeepsAccepting) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    const auto a = keys("a");
    std::vector<std::function<void(wt::signed_entry&)>> forgeries = {
        // wrong type (id recomputed so only the type differs)
        [&](wt::signed_entry& se) {
          se.entry = wt::make_entry(a.pk, keys("b").pk, wt::type_stcpr, wt::label_user);
          (void)wt::sign_entry(se, a);
        },
        // wrong edges (a transport between a and c)
        [&](wt::signed_entry& se) {
          se.entry = wt::make_entry(a.pk, keys("c").pk, wt::type_stcp, wt::label_user);
          (void)wt::sign_entry(se, a);
        },
        // right entry, signature by the wrong key in a's slot
        [&](wt::signed_entry& se) {
          const auto idx = wt::edge_index(*se.entry, a.pk).value();
          se.signatures[idx] = crypto::sign_payload(wt::to_binary(*se.entry), keys("c").sk);
        },
        // right entry, no signature at all
        [&](wt::signed_entry&) {},
        // null entry
        [&](wt::signed_entry& se) { se.entry.reset(); },
    };
    for (std::size_t i = 0; i < forgeries.size(); ++i) {
      SCOPED_TRACE(i);
      auto out = co_await send_forged(nets, forgeries[i]);
      EXPECT_EQ(out.responder, errc::invalid_entry);
      EXPECT_EQ(out.response_byte, 0x03);
      EXPECT_FALSE(out.registered);
    }
    // The label is not compared (Go ignores it), and a valid entry still settles afterwards.
    std::function<void(wt::signed_entry&)> relabel = [&](wt::signed_entry& se) {
      se.entry->label = "automatic";
      (void)wt::sign_entry(se, a);
    };
    auto relabelled = co_await send_forged(nets, relabel);
    EXPECT_EQ(relabelled.responder, error_code{});
    EXPECT_EQ(relabelled.response_byte, 0x01);
    EXPECT_TRUE(relabelled.registered);
    auto [ti, tr] = co_await connect_and_settle(nets);
    EXPECT_TRUE(ti && tr);
  });
}

TEST(Stcp, InitiatorMapsResponseBytes) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    for (std::uint8_t byte : {0x00, 0x02, 0x03, 0x7f}) {
      auto d = nets.dialer->dial(keys("b").pk);
      auto a = nets.listener->accept();
      auto both = co_await (std::move(d) && std::move(a));
  auto& rd = std::get<0>(both);  // named references: clang 14 cannot capture bindings
  auto& ra = std::get<1>(both);
      CO_ASSERT(rd && ra);
      auto fake = [&]() -> asio::awaitable<void> {
        std::array<std::uint8_t, 2048> buf{};
        (void)co_await ra->stream->read_some(buf);  // the entry line, one frame
        const std::array<std::uint8_t, 1> b{byte};
        (void)co_await ra->stream->write_all(b);
      };
      const auto ka = keys("a");
      auto s = settle_as_initiator(*rd, ka);
      auto f = fake();
      auto res = co_await (std::move(s) && std::move(f));
      CO_ASSERT(!res.has_value());
      const errc expected = byte == 0x00   ? errc::settlement_failed
                            : byte == 0x02 ? errc::settlement_signature
                            : byte == 0x03 ? errc::settlement_invalid
                                           : errc::settlement_bad_byte;
      EXPECT_EQ(res.error(), expected);
    }
  });
}

TEST(Stcp, SettlementSendsOneCanonicalLine) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    auto d = nets.dialer->dial(keys("b").pk);
    auto a = nets.listener->accept();
    auto both = co_await (std::move(d) && std::move(a));
  auto& rd = std::get<0>(both);  // named references: clang 14 cannot capture bindings
  auto& ra = std::get<1>(both);
    CO_ASSERT(rd && ra);
    std::string first_read;
    auto fake = [&]() -> asio::awaitable<void> {
      std::array<std::uint8_t, 4096> buf{};
      auto n = co_await ra->stream->read_some(buf);  // at most one Noise frame
      if (n) first_read.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
      const std::array<std::uint8_t, 1> ok{0x01};
      (void)co_await ra->stream->write_all(ok);
    };
    const auto ka = keys("a");
    auto s = settle_as_initiator(*rd, ka);
    auto f = fake();
    auto res = co_await (std::move(s) && std::move(f));
    CO_ASSERT(res.has_value());
    EXPECT_EQ(first_read, wt::to_json_line(*res));  // JSON and "\n" arrived in one frame
    EXPECT_EQ(first_read.back(), '\n');
    EXPECT_TRUE(wt::verify_entry_slot(*res, keys("a").pk));
  });
}

TEST(Stcp, StalledPeerHitsDeadlineWithoutBlockingOthers) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex, 200ms);
    // A peer that connects, sends half of Frame0 and stalls.
    tcp::socket staller(ex);
    auto ep = nets.listener->local_endpoint().value();
    co_await staller.async_connect(ep, asio::use_awaitable);
    const std::string_view half = "get_";
    co_await asio::async_write(staller, asio::buffer(half), asio::use_awaitable);
    // A well-behaved peer is served while the staller waits.
    auto [ti, tr] = co_await connect_and_settle(nets);
    EXPECT_TRUE(ti && tr);
    // The listener gives up on the staller at its deadline and closes it (EOF, no Frame1).
    const std::string got = co_await read_until_eof(staller);
    EXPECT_EQ(got, "");
  });
}

TEST(Stcp, CloseWakesAcceptAndRefusesDial) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto nets = make_networks(ex);
    auto waiter = [&]() -> asio::awaitable<result<transport>> { co_return co_await nets.listener->accept(); };
    auto closer = [&]() -> asio::awaitable<void> {
      nets.listener->close();
      co_return;
    };
    auto w = waiter();
    auto c = closer();
    auto r = co_await (std::move(w) && std::move(c));
    CO_ASSERT(!r.has_value());
    EXPECT_EQ(r.error(), errc::network_closed);
    nets.dialer->close();
    auto dial = nets.dialer->dial(keys("b").pk);
    auto d = co_await std::move(dial);
    EXPECT_EQ(d.error(), errc::network_closed);
  });
}

TEST(Stcp, LivenessOptionsAreSetOnTheSocket) {
  run([]() -> asio::awaitable<void> {
    auto socks = co_await socket_pair();
    tcp_liveness l;
    l.keepalive_idle = std::chrono::seconds(7);
    l.keepalive_interval = std::chrono::seconds(2);
    l.keepalive_count = 4;
    l.user_timeout = std::chrono::milliseconds(12345);
    CO_ASSERT(set_tcp_liveness(socks.first, l).has_value());
    const int fd = socks.first.native_handle();
    auto get = [fd](int level, int name) {
      int v = -1;
      socklen_t len = sizeof v;
      EXPECT_EQ(::getsockopt(fd, level, name, &v, &len), 0);
      return v;
    };
    EXPECT_NE(get(IPPROTO_TCP, TCP_NODELAY), 0);
    EXPECT_NE(get(SOL_SOCKET, SO_KEEPALIVE), 0);
    EXPECT_EQ(get(IPPROTO_TCP, TCP_KEEPIDLE), 7);
    EXPECT_EQ(get(IPPROTO_TCP, TCP_KEEPINTVL), 2);
    EXPECT_EQ(get(IPPROTO_TCP, TCP_KEEPCNT), 4);
    EXPECT_EQ(get(IPPROTO_TCP, TCP_USER_TIMEOUT), 12345);
  });
}

TEST(Stcp, SplitHostPort) {
  EXPECT_EQ(split_host_port("127.0.0.1:7777").value(), (std::pair<std::string, std::uint16_t>{"127.0.0.1", 7777}));
  EXPECT_EQ(split_host_port(":7777").value().first, "");
  EXPECT_EQ(split_host_port("[::1]:45").value().first, "::1");
  EXPECT_FALSE(split_host_port("::1:45"));
  EXPECT_FALSE(split_host_port("host"));
  EXPECT_FALSE(split_host_port("host:"));
  EXPECT_FALSE(split_host_port("host:65536"));
  EXPECT_FALSE(split_host_port("host:12a"));
}

}  // namespace
}  // namespace skywire::transport
