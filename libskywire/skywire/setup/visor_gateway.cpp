#include "skywire/setup/visor_gateway.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "skywire/dmsg/stream.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/rpc/server.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/gob_types.hpp"
#include "skywire/setup/rule_checks.hpp"

namespace skywire::setup {

namespace asio = boost::asio;

struct visor_gateway::state {
  state(asio::any_io_executor e, crypto::public_key pk, route_handler& h, gateway_options o, const base::clock& c,
        base::logger l)
      : ex(std::move(e)), self(pk), handler(h), opt(std::move(o)), clock(c), log(std::move(l)),
        streams(ex, opt.max_streams) {}
  asio::any_io_executor ex;
  crypto::public_key self;
  route_handler& handler;
  gateway_options opt;
  const base::clock& clock;
  base::logger log;
  net::task_group streams;
  gateway_stats stats;
  base::clock::steady_time last_refusal_log{};
  std::uint64_t refusals_unlogged = 0;
};

namespace {

constexpr failure_code failure_add_rules = failure_code::add_rules;
constexpr failure_code failure_reserve_ids = failure_code::reserve_ids;

// What one setup stream has been given: ids reserved on it (no rule yet) and ids that carry a
// rule added on it. An id moves from `reserved` to `used` before the handler is awaited.
struct stream_ctx {
  stream_ctx(std::shared_ptr<visor_gateway::state> s, net::stream& st, crypto::public_key r)
      : gw(std::move(s)), stream(st), remote(r) {}
  std::shared_ptr<visor_gateway::state> gw;
  net::stream& stream;
  crypto::public_key remote;
  std::set<routing::route_id> reserved;
  std::set<routing::route_id> used;
  std::size_t calls = 0;
};

rpc::handler_result failure(visor_gateway::state& gw, failure_code code, const std::string& msg) {
  ++gw.stats.calls_refused;
  return rpc::fail(failure_text(code, msg));
}

// The gob text Go's net/rpc server answers when an argument does not decode into the method's
// argument type; the call fails, the connection lives.
rpc::handler_result bad_argument(visor_gateway::state& gw, const char* go_type, const error_code& ec) {
  ++gw.stats.calls_refused;
  return rpc::fail(std::string("gob: cannot decode argument as ") + go_type + ": " + ec.message());
}

// Counts the call; false once the stream has used its share (the stream is then closed).
bool admit_call(stream_ctx& c) {
  if (++c.calls <= c.gw->opt.max_calls_per_stream) return true;
  c.gw->log->warn("setup node {}: more than {} calls on one stream, closing it", c.remote.to_hex(),
                  c.gw->opt.max_calls_per_stream);
  c.stream.close();
  return false;
}

// Every key must be reserved on this stream and unused; then all of them become used.
result<void> claim(stream_ctx& c, const std::vector<routing::route_id>& keys) {
  std::set<routing::route_id> seen;
  for (auto k : keys) {
    if (c.used.count(k) != 0 || !seen.insert(k).second) return errc::id_already_used;
    if (c.reserved.count(k) == 0) return errc::id_not_reserved;
  }
  for (auto k : keys) {
    c.reserved.erase(k);
    c.used.insert(k);
  }
  return {};
}

asio::awaitable<rpc::handler_result> reserve_ids(std::shared_ptr<stream_ctx> c, gob::value arg) {
  auto& gw = *c->gw;
  if (!admit_call(*c)) co_return failure(gw, failure_reserve_ids, make_error_code(errc::too_many_calls).message());
  auto n = parse_uint8(arg);
  if (!n) co_return bad_argument(gw, "uint8", n.error());
  auto ids = co_await gw.handler.reserve_ids(c->remote, *n);
  if (!ids) co_return failure(gw, failure_reserve_ids, ids.error().message());
  c->reserved.insert(ids->begin(), ids->end());
  gw.log->debug("setup node {}: reserved {} route ids", c->remote.to_hex(), ids->size());
  co_return rpc::ok(*types().route_ids, route_ids_value(*ids));
}

asio::awaitable<rpc::handler_result> add_intermediary_rules(std::shared_ptr<stream_ctx> c, gob::value arg) {
  auto& gw = *c->gw;
  if (!admit_call(*c)) co_return failure(gw, failure_add_rules, make_error_code(errc::too_many_calls).message());
  auto rules = parse_rules(arg);
  if (!rules) co_return bad_argument(gw, "[]routing.Rule", rules.error());
  if (auto ok = check_intermediary_rules(*rules); !ok) co_return failure(gw, failure_add_rules, ok.error().message());
  std::vector<routing::route_id> keys;
  for (const auto& r : *rules) keys.push_back(r.key_route_id);
  if (auto ok = claim(*c, keys); !ok) co_return failure(gw, failure_add_rules, ok.error().message());
  if (!rules->empty()) {
    auto saved = co_await gw.handler.add_intermediary_rules(c->remote, std::move(*rules));
    if (!saved) co_return failure(gw, failure_add_rules, saved.error().message());
  }
  co_return rpc::ok(gob::bool_type(), gob::make_bool(true));
}

asio::awaitable<rpc::handler_result> add_edge_rules(std::shared_ptr<stream_ctx> c, gob::value arg) {
  auto& gw = *c->gw;
  if (!admit_call(*c)) co_return failure(gw, failure_add_rules, make_error_code(errc::too_many_calls).message());
  auto rules = parse_edge_rules(arg);
  if (!rules) co_return bad_argument(gw, "routing.EdgeRules", rules.error());
  if (auto ok = check_edge_rules(*rules, gw.self); !ok) co_return failure(gw, failure_add_rules, ok.error().message());
  if (auto ok = claim(*c, {rules->forward.key_route_id, rules->reverse.key_route_id}); !ok) {
    co_return failure(gw, failure_add_rules, ok.error().message());
  }
  gw.log->debug("setup node {}: edge rules for {}", c->remote.to_hex(), rules->desc.to_string());
  auto saved = co_await gw.handler.add_edge_rules(c->remote, std::move(*rules));
  if (!saved) co_return failure(gw, failure_add_rules, saved.error().message());
  co_return rpc::ok(gob::bool_type(), gob::make_bool(true));
}

asio::awaitable<rpc::handler_result> remove_rules(std::shared_ptr<stream_ctx> c, gob::value arg) {
  auto& gw = *c->gw;
  if (!admit_call(*c)) co_return failure(gw, failure_add_rules, make_error_code(errc::too_many_calls).message());
  auto ids = parse_route_ids(arg);
  if (!ids) co_return bad_argument(gw, "[]routing.RouteID", ids.error());
  // Ids reserved here but never given a rule are skipped (the setup node rolls back every id
  // it sent, including those of a call this gateway refused); ids from elsewhere are refused.
  std::vector<routing::route_id> remove;
  for (auto id : *ids) {
    if (c->used.count(id) != 0) {
      remove.push_back(id);
    } else if (c->reserved.count(id) == 0) {
      co_return failure(gw, failure_add_rules, make_error_code(errc::id_not_reserved).message());
    }
  }
  for (auto id : remove) c->used.erase(id);
  if (!remove.empty()) {
    gw.log->debug("setup node {}: removing {} rules", c->remote.to_hex(), remove.size());
    auto done = co_await gw.handler.remove_rules(c->remote, std::move(remove));
    if (!done) co_return failure(gw, failure_add_rules, done.error().message());
  }
  co_return rpc::ok(gob::bool_type(), gob::make_bool(true));
}

void register_methods(rpc::server& srv, const std::shared_ptr<stream_ctx>& c) {
  // Plain lambdas returning the named coroutines: no coroutine lambda captures to outlive.
  (void)srv.handle("RPCGateway.ReserveIDs", [c](gob::value a) { return reserve_ids(c, std::move(a)); });
  (void)srv.handle("RPCGateway.AddIntermediaryRules",
                   [c](gob::value a) { return add_intermediary_rules(c, std::move(a)); });
  (void)srv.handle("RPCGateway.AddEdgeRules", [c](gob::value a) { return add_edge_rules(c, std::move(a)); });
  (void)srv.handle("RPCGateway.RemoveRules", [c](gob::value a) { return remove_rules(c, std::move(a)); });
}

bool trusted(const visor_gateway::state& st, const crypto::public_key& pk) {
  return st.opt.setup_nodes.count(pk) != 0;
}

// At most one warning a second for refused streams (a flood must not flood the log).
void log_refusal(visor_gateway::state& st, const crypto::public_key& pk, const char* why) {
  ++st.stats.streams_refused;
  const auto now = st.clock.steady_now();
  if (now - st.last_refusal_log < std::chrono::seconds(1)) {
    ++st.refusals_unlogged;
    return;
  }
  st.last_refusal_log = now;
  if (st.refusals_unlogged > 0) {
    st.log->warn("closed setup stream from {}: {} ({} more refused since the last message)", pk.to_hex(), why,
                 st.refusals_unlogged);
  } else {
    st.log->warn("closed setup stream from {}: {}", pk.to_hex(), why);
  }
  st.refusals_unlogged = 0;
}

asio::awaitable<result<void>> serve_one(std::shared_ptr<visor_gateway::state> st, net::stream& s,
                                        crypto::public_key remote) {
  if (!trusted(*st, remote)) {
    log_refusal(*st, remote, "not a trusted setup node");
    s.close();
    co_return net::errc::closed;
  }
  ++st->stats.streams_served;
  rpc::limits l;
  l.max_concurrent_calls = 1;  // a setup node's calls on one stream are sequential anyway
  rpc::server srv(l);
  auto ctx = std::make_shared<stream_ctx>(st, s, remote);
  register_methods(srv, ctx);
  auto serve_op = srv.serve(s);
  auto bounded = net::with_timeout(std::move(serve_op), st->opt.stream_timeout);
  auto end = co_await std::move(bounded);
  s.close();
  if (!end && end.error() == net::errc::timeout) {
    st->log->info("setup node {}: stream deadline reached, closed", remote.to_hex());
  }
  co_return end;
}

asio::awaitable<void> serve_owned(std::shared_ptr<visor_gateway::state> st, std::unique_ptr<dmsg::stream> s) {
  const auto pk = s->remote_addr().pk;
  (void)co_await serve_one(st, *s, pk);
}

}  // namespace

visor_gateway::visor_gateway(asio::any_io_executor ex, crypto::public_key self, route_handler& handler,
                             gateway_options opt, const base::clock& clock, base::logger log)
    : state_(std::make_shared<state>(std::move(ex), self, handler, std::move(opt), clock, std::move(log))) {
  if (state_->opt.setup_nodes.empty()) {
    state_->log->warn("no trusted setup nodes: every route setup request to this visor will be refused");
  }
}

visor_gateway::~visor_gateway() { state_->streams.cancel(); }

std::size_t visor_gateway::active() const noexcept { return state_->streams.size(); }

const gateway_stats& visor_gateway::stats() const noexcept { return state_->stats; }

asio::awaitable<result<void>> visor_gateway::serve_stream(net::stream& s, crypto::public_key remote) {
  co_return co_await serve_one(state_, s, remote);
}

asio::awaitable<void> visor_gateway::shutdown() {
  state_->streams.cancel();
  co_await state_->streams.join();
}

asio::awaitable<void> visor_gateway::serve(dmsg::listener& l) {
  auto st = state_;
  for (;;) {
    auto s = co_await l.accept();
    if (!s) {
      st->log->debug("setup listener closed: {}", s.error().message());
      co_return;
    }
    const auto pk = (*s)->remote_addr().pk;
    // Refused before a task is spent on it: the stream is closed unanswered, as Go does.
    if (!trusted(*st, pk)) {
      log_refusal(*st, pk, "not a trusted setup node");
      (*s)->close();
      continue;
    }
    auto task = serve_owned(st, std::move(*s));
    if (auto r = st->streams.spawn(std::move(task)); !r) {
      // The task (and the stream it owns) is destroyed unstarted: the stream closes.
      log_refusal(*st, pk, "too many setup streams");
    }
  }
}

}  // namespace skywire::setup
