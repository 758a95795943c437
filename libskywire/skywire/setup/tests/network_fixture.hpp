#pragma once
// A local dmsg network for the setup tests, all in-process on 127.0.0.1: our dmsg discovery
// (test mode) and one dmsg server, then dmsg clients playing the setup node and the visors. A
// visor here is a dmsg client with a visor_gateway on port 136 over a stand-in route_handler
// backed by a real routing::table (what the router does, minus route groups).
#include <gtest/gtest.h>

#include <array>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "local_dmsg.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/routing/table.hpp"
#include "skywire/setup/node.hpp"
#include "skywire/setup/route_handler.hpp"
#include "skywire/setup/visor_gateway.hpp"

// ASSERT for coroutine bodies (gtest's ASSERT_* uses `return`).
#define CO_ASSERT(cond)                            \
  do {                                             \
    if (!(cond)) {                                 \
      ADD_FAILURE() << "assertion failed: " #cond; \
      co_return;                                   \
    }                                              \
  } while (0)

// `auto var = co_await expr;` with the awaitable built in its own statement: g++ 12 destroys
// aggregate temporaries and captures created inside a co_await expression twice.
#define CO_AWAIT(var, ...)             \
  auto var##_op = (__VA_ARGS__);       \
  auto var = co_await std::move(var##_op)

namespace skywire::setup::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Runs body to completion (rethrowing its exception) on a fresh io_context.
template <class F>
void run(F&& make_body) {
  asio::io_context ctx;
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(ctx, make_body(), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    ctx.stop();
  });
  ctx.run();
  if (failure) std::rethrow_exception(failure);
  ASSERT_TRUE(finished);
}

inline crypto::key_pair keys(const char* seed) {
  return crypto::deterministic_key_pair(as_bytes(std::string_view(seed))).value();
}

inline asio::awaitable<void> sleep(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// The router's part, over a real table: reserve, save, remove. Can be told to refuse.
class table_handler final : public route_handler {
 public:
  explicit table_handler(const base::clock& c) : table(c) {}

  asio::awaitable<result<std::vector<routing::route_id>>> reserve_ids(const crypto::public_key&,
                                                                      std::uint8_t n) override {
    co_return table.reserve_ids(n);
  }
  asio::awaitable<result<void>> add_intermediary_rules(const crypto::public_key&,
                                                       std::vector<routing::rule> rules) override {
    if (refuse_intermediary) co_return routing::errc::table_full;
    for (const auto& r : rules)
      if (auto ok = table.save(r); !ok) co_return ok.error();
    co_return result<void>{};
  }
  asio::awaitable<result<void>> add_edge_rules(const crypto::public_key&, routing::edge_rules rules) override {
    // Like a router that saved part of the call before failing: the rollback must remove it.
    if (auto ok = table.save(rules.forward); !ok) co_return ok.error();
    if (refuse_edge) co_return routing::errc::table_full;
    if (auto ok = table.save(rules.reverse); !ok) co_return ok.error();
    edges.push_back(rules);
    co_return result<void>{};
  }
  asio::awaitable<result<void>> remove_rules(const crypto::public_key&, std::vector<routing::route_id> ids) override {
    ++remove_calls;
    for (auto id : ids) (void)table.remove(id);
    co_return result<void>{};
  }

  routing::table table;
  std::vector<routing::edge_rules> edges;
  bool refuse_edge = false;
  bool refuse_intermediary = false;
  int remove_calls = 0;
};

struct visor {
  std::unique_ptr<dmsg::client> dmsg;
  std::unique_ptr<table_handler> handler;
  std::unique_ptr<visor_gateway> gateway;
  std::unique_ptr<dmsg::listener> listener;
  const crypto::public_key& pk() const { return dmsg->pk(); }
};

struct network {
  skywire::test::local_dmsg infra;  // the discovery and the one server
  std::vector<std::unique_ptr<dmsg::client>> clients;
  std::vector<std::unique_ptr<visor>> visors;
  std::unique_ptr<node> setup_node;
  std::unique_ptr<dmsg::listener> node_listener;
  std::unique_ptr<net::task_group> background;

  asio::awaitable<bool> start() {
    auto ex = co_await asio::this_coro::executor;
    background = std::make_unique<net::task_group>(ex, 64);
    auto starting = infra.start({"setup-test-dmsg-server"});
    auto up = co_await std::move(starting);
    co_return up.has_value();
  }

  // A ready dmsg client (nullptr if it did not come up).
  asio::awaitable<dmsg::client*> client(const char* seed) {
    auto made = infra.ready_client(infra.client_config(keys(seed)), seed);
    auto c = co_await std::move(made);
    if (!c) co_return nullptr;
    clients.push_back(std::move(*c));
    co_return clients.back().get();
  }

  // A visor trusting setup node `trusted` on port 136 (a null key: none).
  asio::awaitable<visor*> add_visor(const char* seed, crypto::public_key trusted) {
    gateway_options opt;
    auto ex = co_await asio::this_coro::executor;
    dmsg::client* c = co_await client(seed);
    if (c == nullptr) co_return nullptr;
    auto v = std::make_unique<visor>();
    v->dmsg = std::move(clients.back());
    clients.pop_back();
    v->handler = std::make_unique<table_handler>(infra.clock);
    if (!trusted.is_null()) opt.setup_nodes.insert(trusted);
    v->gateway = std::make_unique<visor_gateway>(ex, v->dmsg->pk(), *v->handler, opt, infra.clock,
                                                 base::make_null_logger(std::string(seed) + "-gw"));
    auto l = v->dmsg->listen(visor_setup_port);
    if (!l) co_return nullptr;
    v->listener = std::make_unique<dmsg::listener>(std::move(*l));
    auto serve_op = v->gateway->serve(*v->listener);
    (void)background->spawn(std::move(serve_op));
    visors.push_back(std::move(v));
    co_return visors.back().get();
  }

  // One visor per seed, in order, each trusting `trusted` (nullptr where one did not come up).
  template <class... Seed>
  asio::awaitable<std::array<visor*, sizeof...(Seed)>> add_visors(crypto::public_key trusted, Seed... seeds) {
    std::array<visor*, sizeof...(Seed)> out{};
    std::size_t i = 0;
    for (const char* seed : {static_cast<const char*>(seeds)...}) {
      auto adding = add_visor(seed, trusted);
      out[i++] = co_await std::move(adding);
    }
    co_return out;
  }

  // The setup node on its own dmsg client, listening on port 36.
  asio::awaitable<dmsg::client*> add_setup_node(const char* seed, node_options opt) {
    auto ex = co_await asio::this_coro::executor;
    dmsg::client* c = co_await client(seed);
    if (c == nullptr) co_return nullptr;
    setup_node = std::make_unique<node>(ex, dmsg_stream_dialer(*c), opt, base::make_null_logger("setup-node"));
    auto l = c->listen(setup_node_port);
    if (!l) co_return nullptr;
    node_listener = std::make_unique<dmsg::listener>(std::move(*l));
    auto serve_op = setup_node->serve(*node_listener);
    (void)background->spawn(std::move(serve_op));
    co_return c;
  }

  asio::awaitable<void> stop() {
    if (node_listener) node_listener->close();
    for (auto& v : visors) v->listener->close();
    co_await background->join();
    if (setup_node) co_await setup_node->shutdown();
    for (auto& v : visors) {
      co_await v->gateway->shutdown();
      co_await v->dmsg->close();
    }
    for (auto& c : clients) co_await c->close();
    co_await infra.stop();
  }
};

// A test on a fresh local dmsg network: body(net) runs once it is up, and the network stops
// however the body ended (CO_ASSERT returns early).
template <class Body>
void with_network(Body body) {
  run([&]() -> asio::awaitable<void> {
    network net;
    if (!co_await net.start()) {
      ADD_FAILURE() << "the dmsg discovery and server did not come up";
      co_return;
    }
    auto test = body(net);
    co_await std::move(test);
    co_await net.stop();
  });
}

}  // namespace skywire::setup::test
