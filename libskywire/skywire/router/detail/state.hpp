#pragma once
// The router's shared state (router.cpp), a route group's I/O state (route_group.cpp) and a
// listener's queue (listener.cpp). Internal to the router module.
//
// Ownership: router_state is owned by the router (and kept alive by its coroutines while they
// run); group_state by the router's map while the group is live, by its two coroutines (timer
// loop and writer, in the router's task group) and by the application's route_group handle;
// groups and listeners reach the router through weak pointers, so handles may outlive it.
// Everything lives on the router's executor; nothing here locks.
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/random.hpp"
#include "skywire/dmsg/ports.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/router/forwarder.hpp"
#include "skywire/router/dial_hook.hpp"
#include "skywire/router/path_finder.hpp"
#include "skywire/router/route_group_core.hpp"
#include "skywire/router/route_setup.hpp"
#include "skywire/router/router.hpp"
#include "skywire/routing/route.hpp"
#include "skywire/routing/table.hpp"
#include "skywire/transport/manager.hpp"

namespace skywire::router::detail {

struct router_state;

// Waits on a wake-up timer whose expiry is "never" until someone cancel()s it. False when the
// calling coroutine itself was cancelled.
boost::asio::awaitable<bool> sleep_on(boost::asio::steady_timer& t);
void arm_never(boost::asio::steady_timer& t);

struct group_state : std::enable_shared_from_this<group_state> {
  group_state(boost::asio::any_io_executor ex, group_params p, const base::clock& clock, base::random_source& rng,
              routing::edge_rules rules, std::weak_ptr<router_state> router, transport::manager* tm);

  // After every change of the core: wakes waiters, re-arms the deadline, and tells the router
  // once when the group opened (a responder goes to its listener) and once when it ended.
  void after_change();
  boost::asio::awaitable<void> timer_loop(std::shared_ptr<group_state> self);
  boost::asio::awaitable<void> writer_loop(std::shared_ptr<group_state> self);

  boost::asio::any_io_executor ex;
  const base::clock& core_clock;
  route_group_core core;
  routing::edge_rules rules;  // desc = the consume rule's descriptor (the map key)
  std::weak_ptr<router_state> router;
  transport::manager* tm;  // null once the router closed: handles never touch the manager then
  dmsg::port_lease lease;  // a dialler's ephemeral port, released when the group ends
  boost::asio::steady_timer read_wake;
  boost::asio::steady_timer write_wake;
  boost::asio::steady_timer state_wake;  // opened or closed
  boost::asio::steady_timer output_wake;
  boost::asio::steady_timer deadline;
  std::optional<base::clock::steady_time> armed;
  bool announced_open = false;
  bool finished = false;  // the router's clean-up ran
  bool handed_out = false;  // a route_group handle exists (or existed)
  // Transports paused because this group's receive buffer passed its high mark (an app reading
  // slower than the route delivers); resumed at the low mark or when the group ends.
  std::set<wire::transport::uuid> paused_from;
  void hold_back(const wire::transport::uuid& from);
  void release_held();
};

route_group_summary summarize(const group_state& g);

struct listener_state {
  listener_state(boost::asio::any_io_executor ex, std::uint16_t port, dmsg::port_lease lease,
                 std::size_t backlog, std::weak_ptr<router_state> router);
  // Queues an established group; false when closed or the backlog is full.
  bool deliver(std::shared_ptr<group_state> g);
  void close();

  std::uint16_t port;
  dmsg::port_lease lease;
  std::size_t backlog;
  std::weak_ptr<router_state> router;
  std::deque<std::shared_ptr<group_state>> queue;
  boost::asio::steady_timer wake;
  bool closed = false;
};

struct router_state : std::enable_shared_from_this<router_state> {
  router_state(boost::asio::any_io_executor ex, router_config cfg, transport::manager& tm, const base::clock& clock,
               base::random_source& rng, base::logger log);

  void handle_packet(const transport::transport_info& from, const wire::routing::packet_view& p);
  void forward(const wire::transport::uuid& from, const wire::routing::packet_view& p, const routing::rule& r);
  void deliver(const wire::transport::uuid& from, const wire::routing::packet_view& p, const routing::rule& r);
  void drop(std::uint64_t& counter, const wire::routing::packet_view& p, const char* why);

  // Saves the edge rules and starts a route group for them (the map owns it).
  result<std::shared_ptr<group_state>> create_group(group_role role, const routing::edge_rules& rules, bool encrypt,
                                                    dmsg::port_lease lease);
  void on_group_open(group_state& g);
  void on_group_closed(group_state& g);
  // Closes the group whose consume rule `r` was (if it is still that group's).
  void close_group_of(const routing::rule& r, error_code why);
  boost::asio::awaitable<void> gc_loop(std::shared_ptr<router_state> self);
  boost::asio::awaitable<result<std::pair<routing::path, routing::path>>> ping_paths(const crypto::public_key& via);
  // The transport to `remote` a one-hop route takes (stcp, stcpr, sudph, then dmsg: relayed last).
  std::optional<transport::transport_info> direct_transport(const crypto::public_key& remote) const;
  boost::asio::awaitable<result<route_group>> dial_route(routing::route_descriptor desc, routing::path fwd,
                                                         routing::path rev, bool encrypt, dmsg::port_lease lease);

  boost::asio::any_io_executor ex;
  router_config cfg;
  transport::manager& tm;
  const base::clock& clock;
  base::random_source& rng;
  base::logger log;
  routing::table table;
  net::task_group tasks;
  forwarder fwd;
  std::shared_ptr<dmsg::port_table> ports = std::make_shared<dmsg::port_table>();
  std::map<routing::route_descriptor, std::shared_ptr<group_state>> groups;
  std::map<std::uint16_t, std::weak_ptr<listener_state>> listeners;
  std::shared_ptr<path_finder> finder;
  std::shared_ptr<route_setup> setup;
  std::shared_ptr<dial_hook> hook;
  router_counters counters;
  boost::asio::steady_timer gc_timer;
  bool started = false;
  bool closed = false;
  // Drop log rate limit: drops logged in the current one-second window, and those not logged.
  base::clock::steady_time drop_window{};
  std::size_t drops_logged = 0;
  std::uint64_t drops_suppressed = 0;
};

}  // namespace skywire::router::detail
