#pragma once
// visor_gateway: the visor's side of dmsg port 136 (spec/skywire.md §4.2 step 3; Go: router.go
// serveSetup + rpc_gateway.go). Setup nodes open a stream, then call Go net/rpc service
// "RPCGateway" on it; the gateway checks each call and hands it to a route_handler (the router).
//
//   setup::visor_gateway gw(ex, self_pk, router, {.setup_nodes = {sn_pk}}, clock, log);
//   auto l = dmsg_client.listen(setup::visor_setup_port);
//   co_await gw.serve(*l);                        // until the listener closes
//   co_await gw.serve_stream(stream, remote_pk);  // one stream (any net::stream; used by serve)
//   co_await gw.shutdown();
//
// Methods (Go's signatures, with gob types of setup/gob_types.hpp):
//   ReserveIDs(n uint8) []RouteID              handler.reserve_ids; the ids are remembered as
//                                              reserved *on this stream*
//   AddIntermediaryRules([]Rule) bool          intermediary rules only (rule_checks.hpp)
//   AddEdgeRules(EdgeRules) bool               {forward, consume}, consume desc == Desc,
//                                              Desc.dst == this visor, forward desc == Desc⁻¹
//   RemoveRules([]RouteID) bool                our extension for a setup node's rollback; only
//                                              ids that carry a rule added on this stream
// Every rule must be keyed by an id reserved on the same stream and not yet used by a rule of
// this stream (so a replayed or forged call on another stream, or a second call reusing an
// id, is refused before it reaches the handler); ids are marked used before the handler runs,
// so two overlapping calls cannot claim the same id.
// Refusals are Go's routing.Failure texts: "failure code <n> (<message>)", n = 4 for
// ReserveIDs, 1 for the rule methods (Go's FailureReserveRtIDs / FailureAddRules); an argument
// of the wrong gob shape gets "gob: <what>" (the call fails, the stream lives, as in Go).
//
// Bounds: only streams from `setup_nodes` are served; any other is closed at once and logged
// (a warning at most once per second, the rest counted). At most max_streams streams at once
// (more are closed unanswered); each lives at most stream_timeout (a setup node's request, 30 s,
// and its rollback: limits.hpp) and may make max_calls_per_stream calls (Go's setup node makes
// 2, ours 3 with a rollback; the next call closes the stream); calls run one at a time per stream.
//
// Ownership: the handler and the clock must outlive the gateway. Streams run in a task group
// owned by shared state, so destroying the gateway (or shutdown()) cancels them safely.
// Executor: the one given; single-threaded, as the handler's coroutines.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/setup/limits.hpp"
#include "skywire/setup/route_handler.hpp"

namespace skywire::setup {

struct gateway_options {
  std::set<crypto::public_key> setup_nodes;  // Go: routing.route_setup_nodes
  std::size_t max_streams = 64;
  std::chrono::steady_clock::duration stream_timeout = visor_stream_timeout;
  std::size_t max_calls_per_stream = 8;
};

// Counters for the visor API and tests.
struct gateway_stats {
  std::uint64_t streams_served = 0;
  std::uint64_t streams_refused = 0;  // not whitelisted, or max_streams reached
  std::uint64_t calls_refused = 0;    // any call answered with an error
};

class visor_gateway {
 public:
  visor_gateway(boost::asio::any_io_executor ex, crypto::public_key self, route_handler& handler,
                gateway_options opt, const base::clock& clock, base::logger log);
  visor_gateway(const visor_gateway&) = delete;
  visor_gateway& operator=(const visor_gateway&) = delete;
  ~visor_gateway();

  // Accepts until the listener closes; each stream is served in the background.
  boost::asio::awaitable<void> serve(dmsg::listener& l);
  // One stream, to its end (closed on return). `remote` is the dmsg-authenticated peer.
  // Returns why it ended (net::errc::closed for a clean end, net::errc::timeout, …).
  boost::asio::awaitable<result<void>> serve_stream(net::stream& s, crypto::public_key remote);
  // Cancels the background streams and waits for them.
  boost::asio::awaitable<void> shutdown();

  std::size_t active() const noexcept;
  const gateway_stats& stats() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace skywire::setup
