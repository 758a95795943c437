// The setup protocol end to end over a local dmsg network (tests/network_fixture.hpp): a visor's
// DialRouteGroup call, the setup node, and visor gateways over real routing tables.
//   - a 2-hop route installs exactly §3.4's rules on each visor, and a loop route mirrors Go;
//   - refusals: a setup node outside the whitelist, ids not reserved on the stream (a replayed
//     AddEdgeRules), ids used twice, rules of the wrong kind, routes with loops (check()), a
//     requester that is not the route's source;
//   - a failure at the last hop (AddEdgeRules refused) leaves no rule on any hop (rollback);
//   - garbage and oversized gob end the stream, and both servers keep serving;
//   - a visor that never answers: the request ends at the node's deadline, nothing left behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "network_fixture.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/rpc/client.hpp"
#include "skywire/setup/client.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/gob_types.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::setup::test {
namespace {

wire::transport::uuid tp(std::uint8_t tag) {
  wire::transport::uuid u;
  u.bytes[0] = tag;
  u.bytes[15] = 0x5e;
  return u;
}

// A(src) → C → B(dst) over t1 = A–C, t2 = C–B (spec §3.4's worked example).
routing::bidirectional_route two_hops(const crypto::public_key& a, const crypto::public_key& c,
                                      const crypto::public_key& b) {
  routing::bidirectional_route r;
  r.desc = {a, b, 49153, 44};
  r.keep_alive = 30s;
  r.forward = {{tp(1), a, c}, {tp(2), c, b}};
  r.reverse = {{tp(2), b, c}, {tp(1), c, a}};
  return r;
}

std::vector<routing::rule> sorted(std::vector<routing::rule> v) {
  std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.key_route_id < y.key_route_id; });
  return v;
}

// A raw RPCGateway client on a fresh stream to `v`, as a (possibly rogue) setup node.
asio::awaitable<std::unique_ptr<rpc::client>> gateway_client(dmsg::client& from, const visor& v) {
  auto ex = co_await asio::this_coro::executor;
  CO_AWAIT(s, from.dial(v.pk(), visor_setup_port));
  if (!s) co_return nullptr;
  co_return std::make_unique<rpc::client>(ex, std::unique_ptr<net::stream>(std::move(*s)));
}

// (Awaitables are built in their own statement: g++ 12 mishandles temporaries inside co_await.)
asio::awaitable<result<rpc::reply>> call(rpc::client& c, std::string method, const gob::type_def& t, gob::value v) {
  auto op = c.call(std::move(method), t, std::move(v));
  co_return co_await std::move(op);
}

asio::awaitable<result<rpc::reply>> reserve(rpc::client& c, std::uint64_t n) {
  auto op = call(c, "RPCGateway.ReserveIDs", gob::uint_type(), gob::make_uint(n));
  co_return co_await std::move(op);
}

asio::awaitable<result<rpc::reply>> add_edge(rpc::client& c, routing::edge_rules e) {
  auto op = call(c, "RPCGateway.AddEdgeRules", *types().edge_rules, to_value(e));
  co_return co_await std::move(op);
}

// The visor's DialRouteGroup call through setup node `sn`.
asio::awaitable<dial_result> ask(visor* v, crypto::public_key sn, routing::bidirectional_route r,
                                 std::chrono::steady_clock::duration timeout = 20s) {
  std::vector<crypto::public_key> nodes{sn};
  auto op = dial_route_group(*v->dmsg, nodes, std::move(r), timeout);
  co_return co_await std::move(op);
}

TEST(SetupNetwork, TwoHopRouteInstallsExactlyTheRules) {
  with_network([](network& net) -> asio::awaitable<void> {
    const node_options defaults;  // named: g++ 12 and temporaries inside co_await
    auto* sn = co_await net.add_setup_node("setup-node-1", defaults);
    CO_ASSERT(sn != nullptr);
    auto [a, c, b] = co_await net.add_visors(sn->pk(), "visor-a", "visor-c", "visor-b");
    CO_ASSERT(a && b && c);

    const auto route = two_hops(a->pk(), c->pk(), b->pk());
    CO_AWAIT(got, ask(a, sn->pk(), route));
    CO_ASSERT(got);

    // Every visor was fresh (ids from 1) and reserved 2: the spec's worked example.
    std::map<crypto::public_key, std::vector<routing::route_id>> ids{
        {a->pk(), {1, 2}}, {b->pk(), {1, 2}}, {c->pk(), {1, 2}}};
    auto want = routing::generate_rules(route, ids);
    CO_ASSERT(want);
    EXPECT_EQ(*got, want->initiator);
    EXPECT_EQ(got->desc, route.desc.inverted());
    EXPECT_EQ(got->forward, routing::rule::make_forward(30s, 1, 1, tp(1), route.desc));
    EXPECT_EQ(got->reverse, routing::rule::make_consume(30s, 2, route.desc.inverted()));
    // A saves its own rules from the reply (the router's job): its gateway got only ReserveIDs.
    EXPECT_TRUE(a->handler->table.all().empty());
    EXPECT_EQ(c->handler->table.all(), sorted({routing::rule::make_intermediary(30s, 1, 1, tp(2)),
                                               routing::rule::make_intermediary(30s, 2, 2, tp(1))}));
    EXPECT_EQ(c->handler->table.all(), sorted(want->intermediaries.at(c->pk())));
    EXPECT_EQ(b->handler->table.all(), sorted({want->responder.forward, want->responder.reverse}));
    EXPECT_EQ(b->handler->table.all(),
              sorted({routing::rule::make_forward(30s, 2, 2, tp(2), route.desc.inverted()),
                      routing::rule::make_consume(30s, 1, route.desc)}));
    CO_ASSERT(b->handler->edges.size() == 1u);
    EXPECT_EQ(b->handler->edges[0], want->responder);
    EXPECT_EQ(net.setup_node->stats().succeeded, 1u);
    EXPECT_EQ(net.setup_node->stats().rolled_back, 0u);
    // Ids are never reused: a second route gets the next ones.
    CO_AWAIT(again, ask(a, sn->pk(), route));
    CO_ASSERT(again);
    EXPECT_EQ(again->forward.key_route_id, 3u);
    EXPECT_EQ(c->handler->table.size(), 4u);
  });
}

TEST(SetupNetwork, LoopRouteGoesToTheRequesterTwiceAsInGo) {
  with_network([](network& net) -> asio::awaitable<void> {
    const node_options defaults;  // named: g++ 12 and temporaries inside co_await
    auto* sn = co_await net.add_setup_node("setup-node-1", defaults);
    CO_ASSERT(sn != nullptr);
    auto [a, c] = co_await net.add_visors(sn->pk(), "visor-a", "visor-c");
    CO_ASSERT(a && c);
    // Go's PingRoute: self → C → self, local port 49153 to the ping port 48.
    routing::bidirectional_route r;
    r.desc = {a->pk(), a->pk(), 49153, 48};
    r.forward = {{tp(1), a->pk(), c->pk()}, {tp(1), c->pk(), a->pk()}};
    r.reverse = r.forward;
    CO_AWAIT(got, ask(a, sn->pk(), r));
    CO_ASSERT(got);
    EXPECT_EQ(got->desc, r.desc.inverted());
    // The responding end is the requester too: AddEdgeRules {D, …} on its own port 136.
    CO_ASSERT(a->handler->edges.size() == 1u);
    EXPECT_EQ(a->handler->edges[0].desc, r.desc);
    EXPECT_EQ(c->handler->table.size(), 2u);
    std::map<crypto::public_key, std::vector<routing::route_id>> ids{{a->pk(), {1, 2, 3, 4}}, {c->pk(), {1, 2}}};
    auto want = routing::generate_rules(r, ids);
    CO_ASSERT(want);
    EXPECT_EQ(*got, want->initiator);
    EXPECT_EQ(a->handler->edges[0], want->responder);
  });
}

TEST(SetupNetwork, RoutesThatFailCheckTouchNoVisor) {
  with_network([](network& net) -> asio::awaitable<void> {
    const node_options defaults;  // named: g++ 12 and temporaries inside co_await
    auto* sn = co_await net.add_setup_node("setup-node-1", defaults);
    CO_ASSERT(sn != nullptr);
    auto [a, c, d, b] = co_await net.add_visors(sn->pk(), "visor-a", "visor-c", "visor-d", "visor-b");
    CO_ASSERT(a && b && c && d);

    // C twice on the forward path.
    auto looped = two_hops(a->pk(), c->pk(), b->pk());
    looped.forward = {{tp(1), a->pk(), c->pk()}, {tp(3), c->pk(), d->pk()}, {tp(3), d->pk(), c->pk()},
                      {tp(2), c->pk(), b->pk()}};
    CO_AWAIT(r1, ask(a, sn->pk(), looped));
    CO_ASSERT(!r1);
    EXPECT_EQ(r1.error().code, errc::route_setup);
    EXPECT_EQ(r1.error().message, "route setup: " + make_error_code(routing::errc::route_loop).message());

    // Go's Check(): the forward path must start at the descriptor's source.
    auto wrong_start = two_hops(a->pk(), c->pk(), b->pk());
    wrong_start.forward[0].from = d->pk();
    CO_AWAIT(r2, ask(a, sn->pk(), wrong_start));
    CO_ASSERT(!r2);
    EXPECT_EQ(r2.error().message, "route setup: bidirectional route has an invalid route description");

    // A route for somebody else: only the source visor may ask for it.
    CO_AWAIT(r3, ask(a, sn->pk(), two_hops(d->pk(), c->pk(), b->pk())));
    CO_ASSERT(!r3);
    EXPECT_EQ(r3.error().message, "route setup: " + make_error_code(errc::not_route_source).message());

    for (auto* v : std::vector<visor*>{a, b, c, d}) {
      EXPECT_EQ(v->gateway->stats().streams_served, 0u);
      EXPECT_EQ(*v->handler->table.reserve_ids(1), std::vector<routing::route_id>{1});
    }
  });
}

TEST(SetupNetwork, NoSetupNodeAnswers) {
  with_network([](network& net) -> asio::awaitable<void> {
    auto* a = co_await net.add_visor("visor-a", crypto::public_key::null());
    auto* nobody = co_await net.client("not-a-setup-node");  // online, not listening on 36
    CO_ASSERT(a && nobody);
    const std::vector<crypto::public_key> nodes{nobody->pk(), keys("offline").pk};
    CO_AWAIT(r, dial_route_group(*a->dmsg, nodes, two_hops(a->pk(), nobody->pk(), keys("x").pk), 20s));
    CO_ASSERT(!r);
    EXPECT_EQ(r.error().code, errc::no_setup_node);
    EXPECT_EQ(r.error().message, "failed to dial to a setup node");
  });
}

TEST(SetupNetwork, FailureAtTheLastHopLeavesNoRuleBehind) {
  with_network([](network& net) -> asio::awaitable<void> {
    const node_options defaults;  // named: g++ 12 and temporaries inside co_await
    auto* sn = co_await net.add_setup_node("setup-node-1", defaults);
    CO_ASSERT(sn != nullptr);
    auto [a, c, d, b] = co_await net.add_visors(sn->pk(), "visor-a", "visor-c", "visor-d", "visor-b");
    CO_ASSERT(a && b && c && d);
    b->handler->refuse_edge = true;  // saves the forward rule, then fails

    // A → C → D → B, back B → D → C → A: two intermediaries.
    routing::bidirectional_route r;
    r.desc = {a->pk(), b->pk(), 49153, 44};
    r.forward = {{tp(1), a->pk(), c->pk()}, {tp(2), c->pk(), d->pk()}, {tp(3), d->pk(), b->pk()}};
    r.reverse = {{tp(3), b->pk(), d->pk()}, {tp(2), d->pk(), c->pk()}, {tp(1), c->pk(), a->pk()}};
    CO_AWAIT(got, ask(a, sn->pk(), r));
    CO_ASSERT(!got);
    EXPECT_EQ(got.error().code, errc::route_setup);
    EXPECT_EQ(got.error().message, "route setup: failed to broadcast rules to destination router: failure code 1 (" +
                                       make_error_code(routing::errc::table_full).message() + ")");
    // The reply comes after the rollback: nothing is left anywhere.
    for (auto* v : std::vector<visor*>{a, b, c, d}) EXPECT_TRUE(v->handler->table.all().empty());
    EXPECT_EQ(c->handler->remove_calls, 1);
    EXPECT_EQ(d->handler->remove_calls, 1);
    EXPECT_EQ(b->handler->remove_calls, 1);
    EXPECT_EQ(a->handler->remove_calls, 0);  // it was sent no rules
    EXPECT_EQ(net.setup_node->stats().rolled_back, 1u);

    // An intermediary that refuses: the other intermediary's rules are removed too.
    b->handler->refuse_edge = false;
    d->handler->refuse_intermediary = true;
    CO_AWAIT(got2, ask(a, sn->pk(), r));
    CO_ASSERT(!got2);
    EXPECT_EQ(got2.error().message, "route setup: failure code 1 (" +
                                        make_error_code(routing::errc::table_full).message() + ")");
    for (auto* v : std::vector<visor*>{a, b, c, d}) EXPECT_TRUE(v->handler->table.all().empty());
    EXPECT_TRUE(b->handler->edges.empty());
  });
}

TEST(SetupNetwork, GatewayRefusesUntrustedNodesAndUnreservedIds) {
  with_network([](network& net) -> asio::awaitable<void> {
    auto* trusted = co_await net.client("trusted-setup-node");
    auto* rogue = co_await net.client("rogue-setup-node");
    CO_ASSERT(trusted && rogue);
    auto* b = co_await net.add_visor("visor-b", trusted->pk());
    CO_ASSERT(b);
    const routing::route_descriptor d{keys("visor-a").pk, b->pk(), 49153, 44};
    auto edge = [&](routing::route_id fwd, routing::route_id consume) {
      return routing::edge_rules{d, routing::rule::make_forward(30s, fwd, 9, tp(1), d.inverted()),
                                 routing::rule::make_consume(30s, consume, d)};
    };

    // Not whitelisted: the stream is closed before any call is read.
    CO_AWAIT(rc, gateway_client(*rogue, *b));
    CO_ASSERT(rc);
    CO_AWAIT(refused, reserve(*rc, 2));
    EXPECT_FALSE(refused);
    EXPECT_EQ(b->gateway->stats().streams_refused, 1u);
    EXPECT_EQ(b->gateway->stats().streams_served, 0u);

    // Stream 1: reserve, add edge rules on those ids.
    CO_AWAIT(s1, gateway_client(*trusted, *b));
    CO_ASSERT(s1);
    CO_AWAIT(ids, reserve(*s1, 2));
    CO_ASSERT(ids && ids->error.empty());
    EXPECT_EQ(*parse_route_ids(ids->body), (std::vector<routing::route_id>{1, 2}));
    CO_AWAIT(ok, add_edge(*s1, edge(1, 2)));
    CO_ASSERT(ok);
    EXPECT_EQ(ok->error, "");
    EXPECT_EQ(*parse_bool(ok->body), true);
    // The same call again on the same stream: ids already carry rules.
    CO_AWAIT(twice, add_edge(*s1, edge(1, 2)));
    CO_ASSERT(twice);
    EXPECT_EQ(twice->error, "failure code 1 (" + make_error_code(errc::id_already_used).message() + ")");
    s1->close();

    // Stream 2 replays it: those ids were not reserved here.
    CO_AWAIT(s2, gateway_client(*trusted, *b));
    CO_ASSERT(s2);
    CO_AWAIT(replay, add_edge(*s2, edge(1, 2)));
    CO_ASSERT(replay);
    EXPECT_EQ(replay->error, "failure code 1 (" + make_error_code(errc::id_not_reserved).message() + ")");
    CO_AWAIT(more, reserve(*s2, 2));
    CO_ASSERT(more && more->error.empty());
    EXPECT_EQ(*parse_route_ids(more->body), (std::vector<routing::route_id>{3, 4}));
    CO_AWAIT(mixed, add_edge(*s2, edge(3, 1)));
    CO_ASSERT(mixed);
    EXPECT_EQ(mixed->error, "failure code 1 (" + make_error_code(errc::id_not_reserved).message() + ")");
    // Rules of the wrong kind or for another visor.
    auto not_ours = edge(3, 4);
    not_ours.desc.dst_pk = rogue->pk();
    not_ours.reverse.descriptor = not_ours.desc;
    not_ours.forward.descriptor = not_ours.desc.inverted();
    CO_AWAIT(r1, add_edge(*s2, not_ours));
    CO_ASSERT(r1);
    EXPECT_EQ(r1->error, "failure code 1 (" + make_error_code(errc::edge_not_for_us).message() + ")");
    const std::vector<routing::rule> forward_rule{edge(3, 4).forward};
    CO_AWAIT(inter, call(*s2, "RPCGateway.AddIntermediaryRules", *types().rules, rules_value(forward_rule)));
    CO_ASSERT(inter);
    EXPECT_EQ(inter->error, "failure code 1 (" + make_error_code(errc::not_intermediary_rule).message() + ")");
    // ReserveIDs(0) reaches the table, which refuses it: Go's reserve failure code 4.
    CO_AWAIT(zero, reserve(*s2, 0));
    CO_ASSERT(zero);
    EXPECT_EQ(zero->error, "failure code 4 (" + make_error_code(routing::errc::bad_reserve_count).message() + ")");
    // A wrong argument type: the call fails, the stream lives.
    CO_AWAIT(bad_arg, call(*s2, "RPCGateway.ReserveIDs", gob::string_type(), gob::make_string("two")));
    CO_ASSERT(bad_arg);
    EXPECT_TRUE(bad_arg->error.starts_with("gob: "));
    // Ids 3 and 4 are still free on stream 2; then its call budget (8) is spent.
    CO_AWAIT(fine, add_edge(*s2, edge(4, 3)));
    CO_ASSERT(fine);
    EXPECT_EQ(fine->error, "");
    CO_AWAIT(over, reserve(*s2, 1));
    EXPECT_TRUE(!over || !over->error.empty());
    // Only the two edge pairs were saved.
    EXPECT_EQ(b->handler->table.size(), 4u);
    EXPECT_EQ(b->handler->edges.size(), 2u);
  });
}

TEST(SetupNetwork, RemoveRulesOnlyForThisStreamsRules) {
  with_network([](network& net) -> asio::awaitable<void> {
    auto* sn = co_await net.client("trusted-setup-node");
    CO_ASSERT(sn);
    auto* b = co_await net.add_visor("visor-b", sn->pk());
    CO_ASSERT(b);
    const routing::route_descriptor d{keys("visor-a").pk, b->pk(), 49153, 44};
    const routing::edge_rules e{d, routing::rule::make_forward(30s, 1, 9, tp(1), d.inverted()),
                                routing::rule::make_consume(30s, 2, d)};
    CO_AWAIT(s1, gateway_client(*sn, *b));
    CO_ASSERT(s1);
    CO_AWAIT(three, reserve(*s1, 3));
    CO_ASSERT(three && three->error.empty());
    CO_AWAIT(added, add_edge(*s1, e));
    CO_ASSERT(added && added->error.empty());
    // Another stream may not remove them.
    CO_AWAIT(s2, gateway_client(*sn, *b));
    CO_ASSERT(s2);
    CO_AWAIT(stolen, call(*s2, "RPCGateway.RemoveRules", *types().route_ids, route_ids_value(std::vector<routing::route_id>{1, 2})));
    CO_ASSERT(stolen);
    EXPECT_EQ(stolen->error, "failure code 1 (" + make_error_code(errc::id_not_reserved).message() + ")");
    EXPECT_EQ(b->handler->table.size(), 2u);
    // The stream that added them may (id 3, reserved without a rule, is skipped).
    CO_AWAIT(removed, call(*s1, "RPCGateway.RemoveRules", *types().route_ids, route_ids_value(std::vector<routing::route_id>{1, 2, 3})));
    CO_ASSERT(removed);
    EXPECT_EQ(removed->error, "");
    EXPECT_EQ(b->handler->table.size(), 0u);
  });
}

// Raw bytes on a fresh stream; true if the peer then closed it (read ends) within 10 s.
asio::awaitable<bool> send_garbage(dmsg::client& from, const crypto::public_key& to, std::uint16_t port,
                                   const bytes& junk) {
  CO_AWAIT(s, from.dial(to, port));
  if (!s) co_return false;
  CO_AWAIT(w, (*s)->write_all(junk));
  (void)w;
  bytes buf(256);
  auto read_op = (*s)->read_some(buf);
  CO_AWAIT(r, net::with_timeout(std::move(read_op), 10s));
  (*s)->close();
  co_return !r && r.error() != net::errc::timeout;
}

TEST(SetupNetwork, GarbageAndOversizedGobAreRefusedWithoutHarm) {
  with_network([](network& net) -> asio::awaitable<void> {
    const node_options defaults;  // named: g++ 12 and temporaries inside co_await
    auto* sn = co_await net.add_setup_node("setup-node-1", defaults);
    CO_ASSERT(sn != nullptr);
    auto [a, c, b] = co_await net.add_visors(sn->pk(), "visor-a", "visor-c", "visor-b");
    auto* rogue = co_await net.client("rogue");
    CO_ASSERT(a && b && c && rogue);
    bytes junk(300);
    for (std::size_t k = 0; k < junk.size(); ++k) junk[k] = static_cast<std::uint8_t>(k * 151 + 7);
    // A message length of 2^30: refused from the prefix, never buffered.
    const bytes huge{0xfc, 0x40, 0x00, 0x00, 0x00, 0xff, 0x81};
    // Type definitions that never end in a value: bounded by the decoder's limits.
    CO_AWAIT(g0, send_garbage(*rogue, sn->pk(), setup_node_port, junk));
    EXPECT_TRUE(g0);
    CO_AWAIT(g1, send_garbage(*rogue, sn->pk(), setup_node_port, huge));
    EXPECT_TRUE(g1);
    // The gateway only talks to its setup node: use the setup node's own client for bytes.
    CO_AWAIT(g2, send_garbage(*sn, b->pk(), visor_setup_port, junk));
    EXPECT_TRUE(g2);
    CO_AWAIT(g3, send_garbage(*sn, b->pk(), visor_setup_port, huge));
    EXPECT_TRUE(g3);
    // A well-formed call with a hostile argument: a 1000-hop route.
    {
      auto ex = co_await asio::this_coro::executor;
      CO_AWAIT(s, rogue->dial(sn->pk(), setup_node_port));
      CO_ASSERT(s);
      rpc::client rc(ex, std::unique_ptr<net::stream>(std::move(*s)));
      auto r = two_hops(rogue->pk(), c->pk(), b->pk());
      r.forward.resize(1000, r.forward[0]);
      CO_AWAIT(reply, rc.call("SetupRPCGateway.DialRouteGroup", *types().route, to_value(r)));
      CO_ASSERT(reply);
      EXPECT_TRUE(reply->error.starts_with("gob: cannot decode argument")) << reply->error;
    }
    // Both still serve.
    CO_AWAIT(ok, ask(a, sn->pk(), two_hops(a->pk(), c->pk(), b->pk())));
    EXPECT_TRUE(ok);
  });
}

// Accepts streams and keeps them, never reading: a visor that does not answer.
asio::awaitable<void> hold_streams(dmsg::listener& l, std::vector<std::unique_ptr<dmsg::stream>>& held) {
  for (;;) {
    auto s = co_await l.accept();
    if (!s) co_return;
    held.push_back(std::move(*s));
  }
}

TEST(SetupNetwork, VisorThatNeverAnswersEndsAtTheDeadline) {
  with_network([](network& net) -> asio::awaitable<void> {
    node_options opt;
    opt.request_timeout = 1500ms;
    opt.rollback_timeout = 1s;
    auto* sn = co_await net.add_setup_node("setup-node-1", opt);
    CO_ASSERT(sn != nullptr);
    auto [a, b] = co_await net.add_visors(sn->pk(), "visor-a", "visor-b");
    auto* silent = co_await net.client("visor-silent");
    CO_ASSERT(a && b && silent);
    // The silent visor accepts port-136 streams and never reads or answers.
    auto l = silent->listen(visor_setup_port);
    CO_ASSERT(l);
    std::vector<std::unique_ptr<dmsg::stream>> held;
    auto hold_op = hold_streams(*l, held);
    (void)net.background->spawn(std::move(hold_op));

    const auto started = std::chrono::steady_clock::now();
    CO_AWAIT(r, ask(a, sn->pk(), two_hops(a->pk(), silent->pk(), b->pk())));
    const auto took = std::chrono::steady_clock::now() - started;
    CO_ASSERT(!r);
    // Go closes the stream at the deadline: a stream error, not the node's text.
    EXPECT_NE(r.error().code, errc::route_setup);
    EXPECT_TRUE(r.error().message.starts_with("route setup: ")) << r.error().message;
    EXPECT_LT(took, 15s);
    EXPECT_GE(took, 1s);
    EXPECT_EQ(net.setup_node->stats().failed, 1u);
    for (auto* v : std::vector<visor*>{a, b}) EXPECT_TRUE(v->handler->table.all().empty());
    // The client's own deadline, shorter than the node's.
    CO_AWAIT(quick, ask(a, sn->pk(), two_hops(a->pk(), silent->pk(), b->pk()), 300ms));
    CO_ASSERT(!quick);
    EXPECT_EQ(quick.error().code, net::errc::timeout);
    EXPECT_EQ(quick.error().message, "route setup: operation timed out");
    l->close();
    co_await sleep(2s);  // let the node finish the abandoned request
  });
}

}  // namespace
}  // namespace skywire::setup::test
