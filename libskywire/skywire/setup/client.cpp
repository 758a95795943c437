#include "skywire/setup/client.hpp"

#include <memory>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/this_coro.hpp>

#include "skywire/net/timeout.hpp"
#include "skywire/rpc/client.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/gob_types.hpp"
#include "skywire/setup/limits.hpp"
#include "skywire/setup/rule_checks.hpp"

namespace skywire::setup {

namespace asio = boost::asio;

namespace {

dial_result fail(error_code code, std::string message) {
  return dial_result(boost::system::in_place_error, setup_error{code, std::move(message)});
}

// Go wraps every error of the call itself in "route setup: %w".
dial_result route_setup_error(error_code code, const std::string& text) { return fail(code, "route setup: " + text); }

// Leaves its outcome in *out (a result of results would not convert unambiguously).
asio::awaitable<void> dial_and_call(dmsg::client& c, std::vector<crypto::public_key> nodes,
                                    routing::bidirectional_route route, base::logger log,
                                    std::shared_ptr<dial_result> out) {
  std::unique_ptr<net::stream> s;
  for (const auto& pk : nodes) {
    auto dial_op = c.dial(pk, setup_node_port);
    auto d = co_await std::move(dial_op);
    if (!d) {
      if (log) log->warn("failed to dial to setup node: setupPK({}): {}", pk.to_hex(), d.error().message());
      continue;
    }
    s = std::move(*d);
    break;
  }
  if (!s) {
    *out = fail(errc::no_setup_node, make_error_code(errc::no_setup_node).message());
    co_return;
  }
  auto call_op = call_dial_route_group(std::move(s), std::move(route));
  *out = co_await std::move(call_op);
}

}  // namespace

asio::awaitable<dial_result> call_dial_route_group(std::unique_ptr<net::stream> s, routing::bidirectional_route route) {
  auto ex = co_await asio::this_coro::executor;
  rpc::limits l;
  l.max_pending = 1;
  rpc::client client(ex, std::move(s), l);
  auto call_op = client.call("SetupRPCGateway.DialRouteGroup", *types().route, to_value(route));
  auto res = co_await std::move(call_op);
  client.close();  // one call, then the stream is closed (Go's SetupClient)
  if (!res) co_return route_setup_error(res.error(), res.error().message());
  if (!res->error.empty()) co_return route_setup_error(errc::route_setup, res->error);
  auto rules = parse_edge_rules(res->body);
  if (!rules) co_return route_setup_error(errc::bad_reply, "malformed EdgeRules: " + rules.error().message());
  // The requester's rules: keyed by the reverse direction, for this visor.
  if (rules->desc != route.desc.inverted()) {
    co_return route_setup_error(errc::bad_reply, "EdgeRules for another route: " + rules->desc.to_string());
  }
  if (auto ok = check_edge_rules(*rules, route.desc.src_pk); !ok) {
    co_return route_setup_error(errc::bad_reply, ok.error().message());
  }
  co_return std::move(*rules);
}

asio::awaitable<dial_result> dial_route_group(dmsg::client& c, std::vector<crypto::public_key> setup_nodes,
                                              routing::bidirectional_route route,
                                              std::chrono::steady_clock::duration timeout, base::logger log) {
  auto out = std::make_shared<dial_result>(fail(errc::route_setup, "route setup: unfinished"));
  auto op = dial_and_call(c, std::move(setup_nodes), std::move(route), std::move(log), out);
  auto bounded = net::with_timeout(std::move(op), timeout);
  auto r = co_await std::move(bounded);
  if (!r) co_return route_setup_error(r.error(), r.error().message());
  co_return std::move(*out);
}

}  // namespace skywire::setup
