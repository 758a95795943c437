#pragma once
// bench_routes's measurements (bench_routes.cpp says what each row compares and why): each
// coroutine runs on the network's executor, fills its part of `figures` and leaves no route
// open behind it. A failed step ends the bench (support.hpp).
//
//   figures f;
//   co_await throughput_1hop(net, f);       // throughput.cpp
//   co_await throughput_3hop(net, f);
//   co_await setup_latency(net, f);         // setup_latency.cpp: the in-process stand-in
//   co_await dmsg_setup_latency(net, d, f); // the real setup node over dmsg (d started)
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "dmsg_deployment.hpp"
#include "network.hpp"

namespace skywire::bench::routes {

// Latency samples of one kind, seconds.
struct latency {
  double p50 = 0, p95 = 0;
  void set(const std::vector<double>& samples);
};

struct figures {
  double aead = 0;       // bytes/s, one core
  double one_hop = 0;    // payload bytes/s
  double three_hop = 0;  // payload bytes/s
  double forwarded = 0;  // packets/s at C
  double relay = 0;      // records/s
  double cpu3 = 0;       // CPU-s over the 3-hop batches
  double bytes3 = 0;     // payload bytes of those batches
  latency setup;         // 3-hop dial, in-process setup node stand-in
  latency dmsg_setup;    // 3-hop dial through the setup node over dmsg
  double tcp_connect = 0;       // median seconds, loopback TCP connect + accept
  latency dmsg_stream;          // dmsg stream dial + accept, A to B through the dmsg server
};

boost::asio::awaitable<void> throughput_1hop(network& net, figures& f);
boost::asio::awaitable<void> throughput_3hop(network& net, figures& f);
boost::asio::awaitable<void> setup_latency(network& net, figures& f);
boost::asio::awaitable<void> dmsg_setup_latency(network& net, dmsg_deployment& d, figures& f);

}  // namespace skywire::bench::routes
