// The setup-node service end to end on 127.0.0.1: started from a config file's values over our
// dmsg discovery + server, it serves a visor's DialRouteGroup for a 2-hop route; shutdown ends
// its dmsg presence (the next call finds no setup node).
#include <gtest/gtest.h>

#include "setup-node/service.hpp"
#include "skywire/setup/client.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/tests/network_fixture.hpp"

namespace skywire::svc::setup_node {
namespace {

using namespace skywire::setup::test;

wire::transport::uuid tp(std::uint8_t tag) {
  wire::transport::uuid u;
  u.bytes[0] = tag;
  return u;
}

TEST(SetupNodeService, ServesDialRouteGroupFromItsConfig) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    network net;
    CO_ASSERT(co_await net.start());
    auto text = R"({"secret_key":")" + keys("svc-setup-node").sk.reveal_hex() + R"(","dmsg":{"discovery":")" +
                net.infra.url + R"(","sessions_count":1},"log_level":"info"})";
    auto cfg = parse_config(text);
    CO_ASSERT(cfg);
    service svc(ex, *cfg, net.infra.clock, base::make_null_logger("sn"));
    CO_ASSERT(svc.start());
    auto ready = co_await svc.wait_ready(10s);
    CO_ASSERT(ready);
    EXPECT_EQ(svc.pk(), keys("svc-setup-node").pk);

    auto* a = co_await net.add_visor("visor-a", svc.pk());
    auto* c = co_await net.add_visor("visor-c", svc.pk());
    auto* b = co_await net.add_visor("visor-b", svc.pk());
    CO_ASSERT(a && b && c);
    routing::bidirectional_route r;
    r.desc = {a->pk(), b->pk(), 49153, 44};
    r.forward = {{tp(1), a->pk(), c->pk()}, {tp(2), c->pk(), b->pk()}};
    r.reverse = {{tp(2), b->pk(), c->pk()}, {tp(1), c->pk(), a->pk()}};
    const std::vector<crypto::public_key> nodes{svc.pk()};
    CO_AWAIT(got, setup::dial_route_group(*a->dmsg, nodes, r, 20s));
    CO_ASSERT(got);
    EXPECT_EQ(got->desc, r.desc.inverted());
    EXPECT_EQ(c->handler->table.size(), 2u);
    EXPECT_EQ(b->handler->table.size(), 2u);
    EXPECT_EQ(svc.stats().succeeded, 1u);

    co_await svc.shutdown();
    CO_AWAIT(gone, setup::dial_route_group(*a->dmsg, nodes, r, 20s));
    CO_ASSERT(!gone);
    EXPECT_EQ(gone.error().code, setup::errc::no_setup_node);
    co_await net.stop();
  });
}

}  // namespace
}  // namespace skywire::svc::setup_node
