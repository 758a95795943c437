#pragma once
// Test support: the fixed part of a dmsg network, in process on 127.0.0.1 — our dmsg discovery
// (memory store, test mode, so the servers' entries advertise 127.0.0.1) on an ephemeral port
// and our dmsg servers registered in it — for the tests and benches that run dmsg clients.
//
//   test::local_dmsg d;
//   auto starting = d.start({"server0", "server1"});   // named first: g++ 12 (the vector)
//   auto up = co_await std::move(starting);            // every server's entry published
//   auto c = d.start_client(d.client_config(keys("a")), "a");    // then c->wait_ready(10s)
//   auto r = co_await d.ready_client(d.client_config(keys("b")), "b");  // started and ready
//   ... d.url, d.servers[i], d.server_pks[i], d.server_ports[i], d.clock ...
//   co_await c->close();
//   co_await d.stop();                                 // the servers, then the discovery
//
// Not named dmsg_deployment: bench/routes has a header of that name that includes this one.
//
// Ownership: the deployment owns the clock, the store, the discovery and the servers; it is
// neither copied nor moved (they hold the clock). Clients made here belong to the caller and use
// d.clock and d's discovery: close them before d.stop().
// Executor: start() runs everything on its caller's executor; the clients go there too.
// Errors: start() gives the discovery's or a server's start error, or net::errc::timeout when an
// entry is not published within 10 s; ready_client() gives wait_ready's error.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "dmsg-discovery/service.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/server.hpp"

namespace skywire::test {

class local_dmsg {
 public:
  // Lets a test change server i's config (limits, intervals) before that server starts.
  using server_tuning = std::function<void(std::size_t i, dmsg::server_config&)>;

  local_dmsg() = default;
  local_dmsg(const local_dmsg&) = delete;
  local_dmsg& operator=(const local_dmsg&) = delete;

  // Starts the discovery on 127.0.0.1:0, then one server per seed (keys derived from the seed,
  // listening on 127.0.0.1:0, its entry retried every 100 ms), and waits for every entry.
  boost::asio::awaitable<result<void>> start(std::vector<std::string> server_seeds, server_tuning tune = {});

  // A config for a client of this deployment: its discovery, stream dials bounded at 3 s, the
  // upkeep retried every 100 ms. Callers adjust it for what they test.
  dmsg::client_config client_config(crypto::key_pair keys) const;
  // A started client (not yet ready), its log discarded under `name`.
  std::unique_ptr<dmsg::client> start_client(dmsg::client_config cfg, std::string_view name);
  // A started client that is ready (a session, its entry posted) within 10 s.
  boost::asio::awaitable<result<std::unique_ptr<dmsg::client>>> ready_client(dmsg::client_config cfg,
                                                                            std::string name);

  // Stops what start() got up: the servers (also one a test stopped already), then the
  // discovery (1 s grace).
  boost::asio::awaitable<void> stop();

  boost::asio::any_io_executor executor() const { return ex_; }

  base::system_clock clock;
  std::string url;  // the discovery, "http://127.0.0.1:<port>"
  std::vector<std::unique_ptr<dmsg::server>> servers;
  std::vector<crypto::public_key> server_pks;  // by server index
  std::vector<std::uint16_t> server_ports;      // by server index

 private:
  boost::asio::any_io_executor ex_;
  std::unique_ptr<svc::dmsg_discovery::store> db_ = svc::dmsg_discovery::make_memory_store();
  std::unique_ptr<svc::dmsg_discovery::service> disc_;
};

}  // namespace skywire::test
