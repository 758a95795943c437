#pragma once
// setup::node: the setup node (spec/skywire.md §4.2 step 2; Go: pkg/router/setupnode.go,
// setup_rpc_gateway.go, id_reserver.go). Visors call net/rpc "SetupRPCGateway.DialRouteGroup"
// on dmsg port 36; the node installs the route's rules on every visor of it through their
// port-136 gateways (setup/visor_gateway.hpp) and replies with the requester's EdgeRules.
//
//   setup::node n(ex, setup::dmsg_stream_dialer(dmsg_client), {}, log);
//   auto l = dmsg_client.listen(setup::setup_node_port);
//   co_await n.serve(*l);                          // until the listener closes
//   co_await n.shutdown();
//
// One request (create_route_group), as Go's CreateRouteGroup, plus a rollback Go lacks:
//   1. the requester must be the route's source visor (Go does not check; a Go visor always
//      is), then routing::check (Go's texts: "bidirectional route has an invalid route
//      description", …);
//   2. dial every distinct visor of both paths on port 136 at once, the requester included; one
//      stream and one rpc::client per visor for the whole request;
//   3. RPCGateway.ReserveIDs(count) on each at once (routing::count_route_ids);
//   4. routing::generate_rules;
//   5. AddIntermediaryRules on every intermediary at once (forward route's rules first);
//   6. AddEdgeRules(responder) on the destination (for a loop route that is the requester too,
//      on its one stream, as Go sends it);
//   7. the initiator's EdgeRules are the reply; every port-136 stream is closed.
// In steps 2, 3 and 5 the first failure cancels the calls still running. Error texts are Go's:
//   "failed to instantiate route id reserver: a dial attempt failed with: dial <pk>@136: <err>"
//   "failed to reserve route ids: reserve routeID from <pk> failed: <err>"
//   "<err>" (a failed AddIntermediaryRules, as Go returns it bare)
//   "failed to broadcast rules to destination router: <err>"
// where <err> is the visor's Response.Error ("failure code 1 (…)") or the stream's error.
//
// Rollback: when a request fails after rules were sent to some visors (a refusal, a stream
// that died, the deadline), RPCGateway.RemoveRules(ids) goes to every visor that was sent rules
// (those that refused too: a handler may have saved part of a call), in parallel, bounded by
// rollback_timeout. A Go visor answers "rpc: can't find method RPCGateway.RemoveRules": that is
// logged and tolerated, its rules expire after their keep-alive (Go's only cleanup). Reserved
// ids without rules are simply lost, as in Go (ids are never reused).
//
// Bounds: request_timeout per request (Go: 30 s; when it passes, the node rolls back and then
// closes the requester's stream without a reply, as Go does); one DialRouteGroup per stream
// (a Go visor makes one; a second call closes the stream); max_requests streams at once and
// max_requests_per_visor from one requester (more are closed unanswered).
//
// Ownership: requests run in a task group owned by shared state, so destroying the node (or
// shutdown()) cancels them safely. The dialer must stay usable while the node lives.
// Executor: the one given; single-threaded, the dialer's streams on it too.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/setup/limits.hpp"

namespace skywire::setup {

// How the node reaches a visor's pk:port. The caller bounds nothing: the node does.
using stream_dialer = std::function<boost::asio::awaitable<result<std::unique_ptr<net::stream>>>(
    crypto::public_key pk, std::uint16_t port)>;

// Dials over a dmsg client (which must outlive the dialer's use).
stream_dialer dmsg_stream_dialer(dmsg::client& c);

struct node_options {
  std::chrono::steady_clock::duration request_timeout = setup::request_timeout;
  std::chrono::steady_clock::duration rollback_timeout = std::chrono::seconds(5);
  std::size_t max_requests = 128;
  std::size_t max_requests_per_visor = 8;
  std::uint16_t visor_port = visor_setup_port;
};

struct node_stats {
  std::uint64_t requests = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::uint64_t rolled_back = 0;  // failed requests whose rules were removed (RemoveRules sent)
  std::uint64_t refused_streams = 0;
};

// A failed request: Go's error text (sent as Response.Error), and whether it was the deadline
// (then the stream is closed instead).
struct request_failure {
  std::string text;
  bool timed_out = false;
};

class node {
 public:
  node(boost::asio::any_io_executor ex, stream_dialer dial, node_options opt, base::logger log);
  node(const node&) = delete;
  node& operator=(const node&) = delete;
  ~node();

  // Accepts until the listener closes; each stream is served in the background.
  boost::asio::awaitable<void> serve(dmsg::listener& l);
  // One requester stream, to its end (closed on return); `remote` is the dmsg-authenticated pk.
  boost::asio::awaitable<result<void>> serve_stream(net::stream& s, crypto::public_key remote);
  // Cancels the requests in flight and waits for them (no rollback: their rules expire).
  boost::asio::awaitable<void> shutdown();

  // Steps 1–7 above with the deadline and the rollback: what DialRouteGroup runs.
  boost::asio::awaitable<boost::system::result<routing::edge_rules, request_failure>> create_route_group(
      crypto::public_key requester, routing::bidirectional_route route);

  std::size_t active() const noexcept;
  const node_stats& stats() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace skywire::setup
