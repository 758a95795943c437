// dmsg transports end to end on loopback: our dmsg discovery (test mode) and one dmsg server
// in-process, two dmsg clients, a dmsg_network on each. Transports both ways carry the stream's
// addresses (dialer: ephemeral port → 45), the "dmsg" transport id on both ends, and data in both
// directions; closing a network stops its port-45 listener (dials to it fail, accept ends) while
// established transports keep working; a second network on one client is refused.
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/transport/dmsg_network.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/wire/transport/transport_id.hpp"
#include "local_dmsg.hpp"
#include "test_util.hpp"

namespace skywire::transport {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using namespace test;
namespace wt = wire::transport;

// Dials `to` from `from` and accepts on `to`; both transports or a failure.
asio::awaitable<std::pair<result<transport>, result<transport>>> connect(dmsg_network& from, dmsg_network& to,
                                                                         const crypto::public_key& to_pk) {
  auto d = from.dial(to_pk);
  auto a = to.accept();
  auto both_op = std::move(d) && std::move(a);
  auto both = co_await std::move(both_op);
  co_return std::pair<result<transport>, result<transport>>{std::move(std::get<0>(both)),
                                                            std::move(std::get<1>(both))};
}

TEST(DmsgNetwork, TransportsBothWaysAndClose) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    skywire::test::local_dmsg env;
    auto starting = env.start({"dmsg-server"});
    auto up = co_await std::move(starting);
    CO_ASSERT(up);
    auto ca = env.start_client(env.client_config(keys("dmsgtp-a")), "dmsgtp-a");
    auto cb = env.start_client(env.client_config(keys("dmsgtp-b")), "dmsgtp-b");
    auto ra = co_await ca->wait_ready(10s);
    auto rb = co_await cb->wait_ready(10s);
    CO_ASSERT(ra && rb);
    auto na = dmsg_network::create(*ca, base::make_null_logger("a"));
    auto nb = dmsg_network::create(*cb, base::make_null_logger("b"));
    CO_ASSERT(na && nb);
    EXPECT_EQ((*na)->type(), "dmsg");
    auto again = dmsg_network::create(*ca, base::make_null_logger("a2"));
    EXPECT_EQ(again.error(), dmsg::errc::port_occupied);

    const auto id = wt::make_transport_id(ca->pk(), cb->pk(), wt::type_dmsg);
    const bytes hello{'h', 'e', 'l', 'l', 'o'};
    bytes big(200000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 13 + 1);

    // a → b
    auto ab = co_await connect(**na, **nb, cb->pk());
    CO_ASSERT(ab.first && ab.second);
    transport& td = *ab.first;
    transport& ta = *ab.second;
    EXPECT_EQ(td.type, "dmsg");
    EXPECT_EQ(td.id, id);
    EXPECT_EQ(ta.id, id);
    EXPECT_EQ(td.local_pk, ca->pk());
    EXPECT_EQ(td.remote_pk, cb->pk());
    EXPECT_EQ(ta.local_pk, cb->pk());
    EXPECT_EQ(ta.remote_pk, ca->pk());
    EXPECT_TRUE(td.initiator);
    EXPECT_FALSE(ta.initiator);
    EXPECT_EQ(td.remote_port, transport_port);
    EXPECT_GE(td.local_port, 49153);
    EXPECT_EQ(ta.local_port, transport_port);
    EXPECT_EQ(ta.remote_port, td.local_port);
    EXPECT_TRUE(co_await send_and_check(*td.stream, *ta.stream, big));
    EXPECT_TRUE(co_await send_and_check(*ta.stream, *td.stream, hello));

    // b → a: the same id (sorted edges), the other roles.
    auto ba = co_await connect(**nb, **na, ca->pk());
    CO_ASSERT(ba.first && ba.second);
    EXPECT_EQ(ba.first->id, id);
    EXPECT_EQ(ba.second->id, id);
    EXPECT_EQ(ba.first->remote_pk, ca->pk());
    EXPECT_EQ(ba.second->remote_pk, cb->pk());
    EXPECT_TRUE(co_await send_and_check(*ba.first->stream, *ba.second->stream, hello));
    EXPECT_TRUE(co_await send_and_check(*ba.second->stream, *ba.first->stream, big));

    // b closes its network: no more incoming transports, but the established ones live on.
    (*nb)->close();
    auto after_op = (*nb)->accept();
    auto after = co_await std::move(after_op);
    EXPECT_EQ(after.error(), errc::network_closed);
    auto refused_op = (*na)->dial(cb->pk());
    auto refused = co_await std::move(refused_op);
    EXPECT_FALSE(refused);
    auto closed_dial_op = (*nb)->dial(ca->pk());
    auto closed_dial = co_await std::move(closed_dial_op);
    EXPECT_EQ(closed_dial.error(), errc::network_closed);
    EXPECT_TRUE(co_await send_and_check(*td.stream, *ta.stream, hello));

    // A pending accept() wakes with network_closed when the network closes.
    auto pending = (*na)->accept();
    auto closer = [&]() -> asio::awaitable<void> {
      asio::steady_timer t(ex, 50ms);
      co_await t.async_wait(asio::use_awaitable);
      (*na)->close();
    };
    auto closer_op = closer();
    auto race = std::move(pending) && std::move(closer_op);
    auto woken = co_await std::move(race);
    EXPECT_EQ(woken.error(), errc::network_closed);

    ab.first->stream->close();
    ab.second->stream->close();
    ba.first->stream->close();
    ba.second->stream->close();
    na->reset();
    nb->reset();
    co_await ca->close();
    co_await cb->close();
    co_await env.stop();
  });
}

}  // namespace
}  // namespace skywire::transport
