#pragma once
// router: a visor's data plane (spec/skywire.md §3; Go: pkg/router/router.go). It owns the
// routing table, forwards packets at a hop, terminates routes in route groups, dials routes
// and serves the setup node's requests (as setup::route_handler).
//
//   router r(ex, {.keys = kp}, tm, clock, rng, log);
//   r.set_path_finder(rf);  r.set_route_setup(sn);  // injected: disc::rf_client, setup::client
//   r.set_dial_hook(auto_tp);                       // optional: a direct transport first
//   r.start();                                      // installs the manager's packet handler
//   auto l = r.listen(44);                          // responder route groups for port 44
//   auto g = co_await r.dial(pk, 44, {});           // route_group to pk:44
//   gateway serves r as its setup::route_handler    // ReserveIDs, AddEdgeRules, …
//   co_await r.close();
//
// Packets (§3.6; handle_packet, what start() installs with manager::set_packet_handler): the
// rule under the packet's route id decides. Forward and intermediary rules re-emit Data,
// Handshake, Ping, Pong and Error (intermediary rules KeepAlive and Close too) with route id =
// next route id on the next transport, rebuilt as Go does (a Handshake payload normalised to
// 00/01, a Pong to its timestamp and 8 zero bytes, Close and Ping to their fixed sizes; Data
// and Error verbatim) and refresh the rule; a Close also deletes the rule it came in on. Consume
// rules refresh and deliver to the route group keyed by their descriptor (a KeepAlive only
// refreshes); a Close deletes the consume rule once the group has it. Everything else is dropped
// and counted (counters()): unknown packet types, unknown or expired route ids, KeepAlive/Close
// on a forward rule, Close/Handshake/Ping/Pong payloads shorter than their sizes (a Go router
// would crash on those; we neither forward nor act on them), consume rules whose group is gone,
// missing next transports, full forward queues (forwarder.hpp). Drops are logged at debug, at
// most limits::drop_logs_per_second, the rest summarised.
//
// Rules (route_handler): reserve_ids from the table; add_intermediary_rules saves intermediary
// rules only (errc::wrong_rule_type; all or nothing); add_edge_rules checks the pair (consume
// rule under desc, desc.dst = this visor, forward rule for desc.inverted(); errc::bad_edge_rules),
// saves both and creates the pending responder route group BEFORE returning (the race of §3.5
// cannot happen); remove_rules removes rules and closes the group whose consume rule went.
// Every rules_gc_interval dead rules are collected; a group whose consume rule died closes
// (errc::route_expired). A route group that ends deletes its two rules.
//
// Dialing (§3.7): dial(pk, port, opts) runs the dial_hook when one is set (dial_hook.hpp;
// hook_timeout), fails with errc::no_transport when the visor has no transport at all and
// reserves an ephemeral port (49153…). For at most 1 hop (the effective min hops is 0 or 1) over
// a transport to pk that is up, the route is that one hop (stcp, stcpr, sudph, then dmsg): the
// route finder's shortest answer would be the same, but it may not know yet a transport made a
// moment ago. Otherwise it asks the path_finder for {forward, reverse} (find_timeout). It checks
// both paths, asks route_setup for the route {(self, pk, lport, port), route_keep_alive,
// forward, reverse} (setup_timeout), checks the EdgeRules it returns, saves them, creates the
// initiator group and waits for its handshake (2 s + Noise 5 s at most). dial_ping_route(pk,
// port) builds Go's PingRoute loop self→pk→self over a direct transport to pk (else asks the
// path finder for a self→self loop of at most 2 hops, MinHops 0, and requires pk on it); both
// ends of that route are this router's groups.
//
// Errors: errc (router), the path finder's and route setup's own errors, net::errc::timeout
// (their deadlines), routing::errc (table bounds, unreserved ids, bad paths), dmsg::errc::no_ports
// (the ephemeral ports are all taken), dmsg::errc::port_occupied (listen on a port in use).
//
// Ownership and executor: everything runs on `ex`, which must be the transport manager's
// executor (single-threaded); call every member from it. The manager, clock and rng must outlive
// the router. close() stops it; the destructor does the same without waiting.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/router/dial_hook.hpp"
#include "skywire/router/limits.hpp"
#include "skywire/router/listener.hpp"
#include "skywire/router/path_finder.hpp"
#include "skywire/router/route_group.hpp"
#include "skywire/router/route_group_core.hpp"
#include "skywire/router/route_setup.hpp"
#include "skywire/routing/rule.hpp"
#include "skywire/routing/table.hpp"
#include "skywire/setup/route_handler.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::router {

struct router_config {
  crypto::key_pair keys;
  // Offer end-to-end encryption in route handshakes (Go always does). A side that does not
  // offer it agrees on plain routes with any peer.
  bool encrypt = true;
  std::uint16_t min_hops = 0;  // routing.min_hops of the visor config
  std::uint16_t max_hops = limits::max_hops;
  std::chrono::nanoseconds route_keep_alive = limits::route_keep_alive;  // put into our routes' rules
  std::chrono::nanoseconds rules_gc_interval = routing::rules_gc_interval;
  // Route groups: the handshake waits, close wait and ping interval. keep_alive_interval is
  // capped at half of the route's rule keep-alive and dead_after is that keep-alive (so a
  // route whose rules would expire is declared dead by both ends).
  group_timing timing{};
  std::chrono::nanoseconds hook_timeout = std::chrono::seconds(30);
  std::chrono::nanoseconds find_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds setup_timeout = std::chrono::seconds(30);  // Go's setup request bound
  std::size_t max_route_groups = limits::max_route_groups;
  std::size_t max_forward_queue_bytes = limits::max_forward_queue_bytes;
  std::size_t max_buffered_bytes = limits::max_buffered_bytes;
  std::size_t max_buffered_messages = limits::max_buffered_messages;
  std::size_t listen_backlog = limits::listen_backlog;
  routing::table_limits table{};
};

struct dial_options {
  std::uint16_t min_hops = 0;
  std::uint16_t max_hops = 0;  // 0: router_config's
  // Offer encryption (false: agree on a plain route whatever the peer offers).
  bool encrypt = true;
};

// Packet accounting since start(). Every packet handed to the router ends in exactly one of
// forwarded, delivered, refreshed (a KeepAlive on a consume rule) or one dropped_* counter
// (dropped_write_error counts packets that were forwarded and then lost with their transport).
struct router_counters {
  std::uint64_t received = 0;
  std::uint64_t forwarded = 0;
  std::uint64_t delivered = 0;
  std::uint64_t refreshed = 0;
  std::uint64_t dropped_unknown_type = 0;
  std::uint64_t dropped_unknown_route = 0;  // no alive rule under the route id
  std::uint64_t dropped_wrong_rule = 0;     // KeepAlive / Close on a forward rule
  std::uint64_t dropped_malformed = 0;      // a Close/Handshake/Ping/Pong payload too short
  std::uint64_t dropped_no_group = 0;       // a consume rule whose route group is gone
  std::uint64_t dropped_no_transport = 0;   // the next transport is not in the manager
  std::uint64_t dropped_queue_full = 0;     // its forward queue is full
  std::uint64_t dropped_write_error = 0;    // queued, then lost with the transport
};

namespace detail {
struct router_state;
}

class router final : public setup::route_handler {
 public:
  router(boost::asio::any_io_executor ex, router_config cfg, transport::manager& tm, const base::clock& clock,
         base::random_source& rng, base::logger log);
  router(const router&) = delete;
  router& operator=(const router&) = delete;
  ~router() override;

  void set_path_finder(std::shared_ptr<path_finder> f);
  void set_route_setup(std::shared_ptr<route_setup> s);
  void set_dial_hook(std::shared_ptr<dial_hook> h);

  // Installs handle_packet as the manager's packet handler and starts the rules GC.
  void start();
  // Closes every route group (each sends Close) and listener, stops forwarding, removes the
  // packet handler and waits for the router's coroutines. Idempotent.
  boost::asio::awaitable<void> close();

  // What start() installs; public so a caller (or a test tap) can feed packets itself.
  void handle_packet(const transport::transport_info& from, const wire::routing::packet_view& p);

  // --- routes of this visor -------------------------------------------------------------------
  boost::asio::awaitable<result<route_group>> dial(crypto::public_key remote, std::uint16_t port, dial_options opts = {});
  boost::asio::awaitable<result<route_group>> dial_ping_route(crypto::public_key via, std::uint16_t port,
                                                              dial_options opts = {});
  result<listener> listen(std::uint16_t port);

  // --- setup::route_handler ------------------------------------------------------------------
  boost::asio::awaitable<result<std::vector<routing::route_id>>> reserve_ids(const crypto::public_key& setup_node,
                                                                            std::uint8_t n) override;
  boost::asio::awaitable<result<void>> add_intermediary_rules(const crypto::public_key& setup_node,
                                                              std::vector<routing::rule> rules) override;
  boost::asio::awaitable<result<void>> add_edge_rules(const crypto::public_key& setup_node,
                                                      routing::edge_rules rules) override;
  boost::asio::awaitable<result<void>> remove_rules(const crypto::public_key& setup_node,
                                                    std::vector<routing::route_id> ids) override;

  // --- the visor API ---------------------------------------------------------------------------
  std::vector<routing::rule> rules() const;  // alive rules, by key route id
  // Removes one rule (a consume rule's group closes: errc::rules_removed). errc::rule_not_found.
  result<void> remove_rule(routing::route_id id);
  // Saves a rule given by this visor's own user (Go: SaveRoutingRule; `cli route add-rule`):
  // key 0 has a fresh id reserved; any other key must be one the table handed out
  // (routing::errc::unreserved_route_id) and not a live route group's (errc::rule_in_use); an
  // existing rule under it is replaced. Returns the rule as saved.
  result<routing::rule> add_rule(routing::rule r);
  std::vector<route_group_summary> route_groups() const;
  router_counters counters() const;
  const crypto::public_key& local_pk() const noexcept;

 private:
  std::shared_ptr<detail::router_state> st_;
};

}  // namespace skywire::router
