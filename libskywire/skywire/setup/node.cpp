#include "skywire/setup/node.hpp"

#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include "skywire/dmsg/stream.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/rpc/client.hpp"
#include "skywire/rpc/server.hpp"
#include "skywire/setup/errc.hpp"
#include "skywire/setup/gob_types.hpp"

namespace skywire::setup {

namespace asio = boost::asio;

struct node::state {
  state(asio::any_io_executor e, stream_dialer d, node_options o, base::logger l)
      : ex(std::move(e)), dial(std::move(d)), opt(o), log(std::move(l)), requests(ex, opt.max_requests) {}
  asio::any_io_executor ex;
  stream_dialer dial;
  node_options opt;
  base::logger log;
  net::task_group requests;
  std::map<crypto::public_key, std::size_t> per_visor;  // requester streams being served
  node_stats stats;
};

namespace {

// A step's outcome: nullopt = done, otherwise Go's error text.
using failure_text = std::optional<std::string>;

// One visor of the route: its port-136 client and what it was given.
struct link {
  crypto::public_key pk;
  std::size_t count = 0;                      // ids to reserve
  std::unique_ptr<rpc::client> rpc;
  std::vector<routing::route_id> ids;         // reserved, ascending as the visor sent them
  std::vector<routing::rule> intermediary;    // step 5's rules for it
  std::vector<routing::route_id> sent;        // keys of every rule sent to it (rollback)
};

struct request {
  request(std::shared_ptr<node::state> s, routing::bidirectional_route r) : st(std::move(s)), route(std::move(r)) {}
  request(const request&) = delete;
  request& operator=(const request&) = delete;
  ~request() {
    // Go closes every router client when the request ends, however it ends.
    for (auto& l : links)
      if (l.rpc) l.rpc->close();
  }
  std::shared_ptr<node::state> st;
  routing::bidirectional_route route;
  std::vector<link> links;  // one per distinct pk, ordered by pk
  std::map<crypto::public_key, std::size_t> index;
  routing::edge_rules initiator;
  routing::edge_rules responder;
};

using step_fn = asio::awaitable<failure_text> (*)(std::shared_ptr<request>, std::size_t);

std::string port_text(std::uint16_t p) { return std::to_string(p); }

rpc::limits client_limits() {
  rpc::limits l;
  l.max_pending = 4;  // a visor's stream carries at most three calls of one request
  return l;
}

// The text of a failed call: the visor's Response.Error, or what happened to the stream.
std::string call_error(const result<rpc::reply>& r) {
  if (!r) return r.error().message();
  return r->error;
}

// --- running steps in parallel ------------------------------------------------------------------

struct fan_out {
  fan_out(asio::any_io_executor ex, std::size_t n) : group(std::move(ex), n + 1) {}
  net::task_group group;
  failure_text first;
};

asio::awaitable<void> run_one(std::shared_ptr<request> r, std::shared_ptr<fan_out> f, step_fn step, std::size_t k) {
  auto out = co_await step(r, k);
  if (out && !f->first) {
    f->first = std::move(out);
    // The first failure cancels the steps still running (Go cancels the request's context);
    // posted so that no task cancels the group from inside itself.
    auto cancel_rest = [f] { f->group.cancel(); };
    asio::post(r->st->ex, std::move(cancel_rest));
  }
}

// Runs step(r, k) for every k of `which` at once; returns the first failure. If this coroutine
// is cancelled (the request's deadline), the steps are cancelled and awaited before it unwinds,
// so nothing outlives the request's state unnoticed.
asio::awaitable<failure_text> run_all(std::shared_ptr<request> r, std::vector<std::size_t> which, step_fn step) {
  auto f = std::make_shared<fan_out>(r->st->ex, which.size());
  for (auto k : which) {
    auto task = run_one(r, f, step, k);
    (void)f->group.spawn(std::move(task));  // sized for all of them
  }
  bool aborted = false;
  try {
    co_await f->group.join();
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) throw;
    aborted = true;
  }
  if (aborted) {
    f->group.cancel();
    auto shield = asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
    co_await std::move(shield);
    co_await f->group.join();
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  co_return f->first;
}

std::vector<std::size_t> all_links(const request& r) {
  std::vector<std::size_t> v(r.links.size());
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = k;
  return v;
}

// --- the steps ----------------------------------------------------------------------------------

asio::awaitable<failure_text> dial_step(std::shared_ptr<request> r, std::size_t k) {
  auto& l = r->links[k];
  const auto port = r->st->opt.visor_port;
  auto dial_op = r->st->dial(l.pk, port);
  auto s = co_await std::move(dial_op);
  if (!s) co_return "dial " + l.pk.to_hex() + "@" + port_text(port) + ": " + s.error().message();
  l.rpc = std::make_unique<rpc::client>(r->st->ex, std::move(*s), client_limits());
  co_return std::nullopt;
}

// n distinct non-zero ids, as a Go visor's ReserveKeys hands out.
bool good_ids(const std::vector<routing::route_id>& ids, std::size_t n) {
  if (ids.size() != n) return false;
  std::set<routing::route_id> seen;
  for (auto id : ids)
    if (id == 0 || !seen.insert(id).second) return false;
  return true;
}

asio::awaitable<failure_text> reserve_step(std::shared_ptr<request> r, std::size_t k) {
  auto& l = r->links[k];
  const std::string prefix = "reserve routeID from " + l.pk.to_hex() + " failed: ";
  auto call_op = l.rpc->call("RPCGateway.ReserveIDs", gob::uint_type(), gob::make_uint(l.count));
  auto res = co_await std::move(call_op);
  if (!res || !res->error.empty()) co_return prefix + call_error(res);
  auto ids = parse_route_ids(res->body);
  if (!ids) co_return prefix + ids.error().message();
  if (!good_ids(*ids, l.count)) co_return prefix + make_error_code(errc::bad_reserved_ids).message();
  l.ids = std::move(*ids);
  co_return std::nullopt;
}

asio::awaitable<failure_text> intermediary_step(std::shared_ptr<request> r, std::size_t k) {
  auto& l = r->links[k];
  for (const auto& rule : l.intermediary) l.sent.push_back(rule.key_route_id);
  auto call_op = l.rpc->call("RPCGateway.AddIntermediaryRules", *types().rules, rules_value(l.intermediary));
  auto res = co_await std::move(call_op);
  // Go returns this error bare (BroadcastIntermediaryRules).
  if (!res || !res->error.empty()) co_return call_error(res);
  auto ok = parse_bool(res->body);
  if (!ok || !*ok) co_return "AddIntermediaryRules refused by " + l.pk.to_hex();
  co_return std::nullopt;
}

asio::awaitable<failure_text> remove_step(std::shared_ptr<request> r, std::size_t k) {
  auto& l = r->links[k];
  auto& log = r->st->log;
  auto call_op = l.rpc->call("RPCGateway.RemoveRules", *types().route_ids, route_ids_value(l.sent));
  auto res = co_await std::move(call_op);
  if (res && res->error.starts_with("rpc: can't find method")) {
    log->debug("rollback: {} does not know RemoveRules (a Go visor): its {} rules expire on their own",
               l.pk.to_hex(), l.sent.size());
  } else if (!res || !res->error.empty()) {
    log->warn("rollback: removing {} rules from {} failed: {}", l.sent.size(), l.pk.to_hex(), call_error(res));
  }
  // A failed removal does not stop the others.
  co_return std::nullopt;
}

// Steps 2–6; the reply is r->initiator when it returns nullopt.
asio::awaitable<failure_text> install(std::shared_ptr<request> r) {
  auto& log = r->st->log;
  auto dialed = co_await run_all(r, all_links(*r), &dial_step);
  if (dialed) co_return "failed to instantiate route id reserver: a dial attempt failed with: " + *dialed;

  auto reserved = co_await run_all(r, all_links(*r), &reserve_step);
  if (reserved) co_return "failed to reserve route ids: " + *reserved;

  std::map<crypto::public_key, std::vector<routing::route_id>> ids;
  for (const auto& l : r->links) ids[l.pk] = l.ids;
  auto gen = routing::generate_rules(r->route, ids);
  if (!gen) co_return gen.error().message();
  r->initiator = gen->initiator;
  r->responder = gen->responder;
  log->debug("rules for {}: {} intermediaries", r->route.desc.to_string(), gen->intermediaries.size());

  std::vector<std::size_t> inter;
  for (auto& [pk, rules] : gen->intermediaries) {
    auto it = r->index.find(pk);
    if (it == r->index.end()) co_return std::string("generated rules for a visor off the route");
    r->links[it->second].intermediary = std::move(rules);
    inter.push_back(it->second);
  }
  if (!inter.empty()) {
    auto added = co_await run_all(r, inter, &intermediary_step);
    if (added) co_return *added;
  }

  auto& dst = r->links[r->index.at(r->route.desc.dst_pk)];
  dst.sent.push_back(r->responder.forward.key_route_id);
  dst.sent.push_back(r->responder.reverse.key_route_id);
  const std::string prefix = "failed to broadcast rules to destination router: ";
  auto call_op = dst.rpc->call("RPCGateway.AddEdgeRules", *types().edge_rules, to_value(r->responder));
  auto res = co_await std::move(call_op);
  if (!res || !res->error.empty()) co_return prefix + call_error(res);
  auto ok = parse_bool(res->body);
  if (!ok || !*ok) co_return prefix + "<nil>";  // Go formats the nil error of an ok == false
  co_return std::nullopt;
}

asio::awaitable<void> roll_back(std::shared_ptr<request> r) {
  std::vector<std::size_t> which;
  for (std::size_t k = 0; k < r->links.size(); ++k)
    if (!r->links[k].sent.empty() && r->links[k].rpc) which.push_back(k);
  if (which.empty()) co_return;
  ++r->st->stats.rolled_back;
  auto remove_op = run_all(r, which, &remove_step);
  auto bounded = net::with_timeout(std::move(remove_op), r->st->opt.rollback_timeout);
  auto done = co_await std::move(bounded);
  if (!done) r->st->log->warn("rollback of {} not finished: {}", r->route.desc.to_string(), done.error().message());
}

using create_result = boost::system::result<routing::edge_rules, request_failure>;

create_result refuse(node::state& st, std::string text, bool timed_out = false) {
  ++st.stats.failed;
  return create_result(boost::system::in_place_error, request_failure{std::move(text), timed_out});
}

asio::awaitable<create_result> create(std::shared_ptr<node::state> st, crypto::public_key requester,
                                      routing::bidirectional_route route) {
  ++st->stats.requests;
  if (requester != route.desc.src_pk) co_return refuse(*st, make_error_code(errc::not_route_source).message());
  if (auto ok = routing::check(route); !ok) co_return refuse(*st, ok.error().message());
  auto r = std::make_shared<request>(st, std::move(route));
  for (const auto& [pk, n] : routing::count_route_ids(r->route)) {
    if (n > max_reserve) co_return refuse(*st, make_error_code(errc::too_many_ids).message());
    r->index[pk] = r->links.size();
    link l;
    l.pk = pk;
    l.count = n;
    r->links.push_back(std::move(l));
  }
  if (r->index.count(r->route.desc.dst_pk) == 0) co_return refuse(*st, "route destination is not on its paths");

  auto install_op = install(r);
  auto bounded = net::with_timeout(std::move(install_op), st->opt.request_timeout);
  auto outcome = co_await std::move(bounded);
  if (outcome && !*outcome) {
    ++st->stats.succeeded;
    st->log->info("route {} set up for {} ({} visors)", r->route.desc.to_string(), requester.to_hex(),
                  r->links.size());
    co_return r->initiator;
  }
  // Go's text when the request's context ends: every call it had in flight returns this.
  const bool timed_out = !outcome;
  std::string text = timed_out ? std::string("context deadline exceeded") : **outcome;
  st->log->warn("route {} for {} failed: {}", r->route.desc.to_string(), requester.to_hex(), text);
  co_await roll_back(r);
  co_return refuse(*st, std::move(text), timed_out);
}

// --- the requester's stream ---------------------------------------------------------------------

struct requester_stream {
  requester_stream(std::shared_ptr<node::state> s, net::stream& st_, crypto::public_key pk)
      : st(std::move(s)), stream(st_), remote(pk) {}
  std::shared_ptr<node::state> st;
  net::stream& stream;
  crypto::public_key remote;
  std::size_t calls = 0;
};

asio::awaitable<rpc::handler_result> dial_route_group(std::shared_ptr<requester_stream> c, gob::value arg) {
  if (++c->calls > 1) {
    // A Go visor makes one call per stream; more is not a visor we need to serve.
    c->stream.close();
    co_return rpc::fail("one route setup request per stream");
  }
  auto route = parse_bidirectional_route(arg);
  if (!route) {
    ++c->st->stats.failed;
    co_return rpc::fail("gob: cannot decode argument as routing.BidirectionalRoute: " + route.error().message());
  }
  auto create_op = create(c->st, c->remote, std::move(*route));
  auto r = co_await std::move(create_op);
  if (!r) {
    // Go closes the stream when the deadline passes: the visor sees the stream end, no text.
    if (r.error().timed_out) c->stream.close();
    co_return rpc::fail(std::move(r.error().text));
  }
  co_return rpc::ok(*types().edge_rules, to_value(*r));
}

asio::awaitable<result<void>> serve_one(std::shared_ptr<node::state> st, net::stream& s, crypto::public_key remote) {
  rpc::limits l;
  l.max_concurrent_calls = 1;
  rpc::server srv(l);
  auto c = std::make_shared<requester_stream>(st, s, remote);
  (void)srv.handle("SetupRPCGateway.DialRouteGroup", [c](gob::value a) { return dial_route_group(c, std::move(a)); });
  // The whole stream: one request's deadline and rollback, and a little for reading the call.
  const auto limit = st->opt.request_timeout + st->opt.rollback_timeout + std::chrono::seconds(5);
  auto serve_op = srv.serve(s);
  auto bounded = net::with_timeout(std::move(serve_op), limit);
  auto end = co_await std::move(bounded);
  s.close();
  co_return end;
}

// Releases a requester's slot when its stream is done.
struct visor_slot {
  node::state& st;
  crypto::public_key pk;
  ~visor_slot() {
    auto it = st.per_visor.find(pk);
    if (it != st.per_visor.end() && --it->second == 0) st.per_visor.erase(it);
  }
};

asio::awaitable<void> serve_owned(std::shared_ptr<node::state> st, std::unique_ptr<dmsg::stream> s) {
  const auto pk = s->remote_addr().pk;
  visor_slot slot{*st, pk};
  (void)co_await serve_one(st, *s, pk);
}

asio::awaitable<result<std::unique_ptr<net::stream>>> dial_dmsg(dmsg::client& c, crypto::public_key pk,
                                                                std::uint16_t port) {
  auto s = co_await c.dial(pk, port);
  if (!s) co_return s.error();
  co_return std::unique_ptr<net::stream>(std::move(*s));
}

}  // namespace

stream_dialer dmsg_stream_dialer(dmsg::client& c) {
  return [&c](crypto::public_key pk, std::uint16_t port) { return dial_dmsg(c, pk, port); };
}

node::node(asio::any_io_executor ex, stream_dialer dial, node_options opt, base::logger log)
    : state_(std::make_shared<state>(std::move(ex), std::move(dial), opt, std::move(log))) {}

node::~node() { state_->requests.cancel(); }

std::size_t node::active() const noexcept { return state_->requests.size(); }

const node_stats& node::stats() const noexcept { return state_->stats; }

asio::awaitable<create_result> node::create_route_group(crypto::public_key requester,
                                                        routing::bidirectional_route route) {
  co_return co_await create(state_, requester, std::move(route));
}

asio::awaitable<result<void>> node::serve_stream(net::stream& s, crypto::public_key remote) {
  co_return co_await serve_one(state_, s, remote);
}

asio::awaitable<void> node::shutdown() {
  state_->requests.cancel();
  co_await state_->requests.join();
}

asio::awaitable<void> node::serve(dmsg::listener& l) {
  auto st = state_;
  for (;;) {
    auto s = co_await l.accept();
    if (!s) {
      st->log->debug("setup node listener closed: {}", s.error().message());
      co_return;
    }
    const auto pk = (*s)->remote_addr().pk;
    auto& n = st->per_visor[pk];
    if (n >= st->opt.max_requests_per_visor) {
      ++st->stats.refused_streams;
      st->log->debug("closing a request stream from {}: {} already in progress", pk.to_hex(), n);
      (*s)->close();
      continue;
    }
    ++n;
    auto task = serve_owned(st, std::move(*s));
    if (auto r = st->requests.spawn(std::move(task)); !r) {
      // The unstarted task is destroyed with its stream (closed) and its visor_slot never made.
      if (--st->per_visor[pk] == 0) st->per_visor.erase(pk);
      ++st->stats.refused_streams;
      st->log->warn("closing a request stream from {}: {}", pk.to_hex(), r.error().message());
    }
  }
}

}  // namespace skywire::setup
