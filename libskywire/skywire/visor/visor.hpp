#pragma once
// visor::visor: the process a user runs (spec/skywire.md §1, §8; Go: pkg/visor), composed from a
// config file. It owns, and starts in this order:
//
//   1. the dmsg client (sessions to dmsg servers from dmsg.discovery, dmsg.sessions_count of
//      them), started in the background: nothing waits for it;
//   2. the transport manager (transport/manager.hpp) with one network per type the config
//      enables (networks.hpp says which and why), registering transports in
//      transport.discovery;
//   3. the persistent transports of the config;
//   4. the local API (api.hpp) on cli_addr, which the `skywire cli` commands talk to.
//
// stop() undoes that in reverse order, bounded by the config's shutdown_timeout. Each step is
// logged, so the log says what the visor is doing and where a start failed.
//
//   auto v = visor::visor::create(ex, cfg, clock, log);   // result<std::unique_ptr<visor>>
//   co_await (*v)->start();                               // result<void>: listeners bound
//   ...
//   co_await (*v)->stop();
//
// Errors: create() refuses a config without a secret key, or whose cli_addr is not a loopback
// address (the local API has no authentication: it must not be reachable from elsewhere).
// start() returns the first module that could not start (a port in use, an unparsable address)
// after stopping what it had started.
//
// Executor: everything on the executor given to create() (single-threaded). The clock must
// outlive the visor.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/router/router.hpp"
#include "skywire/router/sky_ping.hpp"
#include "skywire/transport/manager.hpp"
#include "skywire/visor/config.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace skywire::visor {

// What `skywire cli visor info` shows.
struct visor_info {
  crypto::public_key pk;
  std::string version;
  std::chrono::seconds uptime{};
  std::string local_path;
  std::string dmsg_discovery;
  std::vector<crypto::public_key> dmsg_servers;  // connected now
  std::string transport_discovery;
  std::string address_resolver;
  std::vector<std::string> transport_types;
  std::map<std::string, std::string> listening;  // type -> where it accepts transports
  std::size_t transports = 0;
  std::string api_address;
};

class visor_state;

class visor {
 public:
  static result<std::unique_ptr<visor>> create(boost::asio::any_io_executor ex, config cfg, const base::clock& clock,
                                               base::logger log);
  ~visor();
  visor(const visor&) = delete;
  visor& operator=(const visor&) = delete;

  boost::asio::awaitable<result<void>> start();
  boost::asio::awaitable<void> stop();

  visor_info info() const;
  transport::manager& transports();
  // The local API's bound port (0 before start()).
  std::uint16_t api_port() const;

  // Go's AddTransport: the transport to `remote` of `type`; an empty type tries stcpr, then
  // sudph, then dmsg (the types this visor has), returning the first that comes up, or the last
  // error. Each try is bounded by `timeout`. Label "user".
  boost::asio::awaitable<result<transport::transport_info>> add_transport(crypto::public_key remote, std::string type,
                                                                          std::chrono::steady_clock::duration timeout);

  // The transport discovery's entries with `pk` as an edge / with that id (what `cli tp disc`
  // shows). Errors: no transport discovery configured, or its answer.
  boost::asio::awaitable<result<std::vector<wire::transport::entry>>> discover_by_edge(crypto::public_key pk);
  boost::asio::awaitable<result<wire::transport::entry>> discover_by_id(wire::transport::uuid id);

  // The router (rules, route groups, counters); valid after start().
  router::router& routes();
  // What the route finder answers for this visor → pk and back (`cli route rtfind`). Errors: no
  // route finder configured (errc::no_route_finder), or its answer (disc::errc::no_route …).
  boost::asio::awaitable<result<disc::rf_routes>> find_routes(crypto::public_key pk, disc::rf_options opts);
  // Sky-ping round trips over a loop route through pk (`cli visor ping`).
  boost::asio::awaitable<result<std::vector<router::ping_result>>> ping(crypto::public_key pk,
                                                                        router::ping_options opts);

 private:
  explicit visor(std::shared_ptr<visor_state> st) : state_(std::move(st)) {}
  std::shared_ptr<visor_state> state_;
};

}  // namespace skywire::visor
