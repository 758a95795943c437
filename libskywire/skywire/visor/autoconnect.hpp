#pragma once
// Public autoconnect (spec/skywire.md §1.8; Go: pkg/servicedisc/autoconnect.go): while the
// visor has fewer than `target` automatic transports, every `interval` it asks the service
// discovery for public visors and makes an stcpr transport (label "automatic") to each one it
// has no automatic transport to yet, giving up on a visor after `max_failures` failed tries.
// Once `target` automatic transports exist the loop ends for good, as Go's does.
//
// The loop is written against three hooks so it can be tested without a network; the visor
// binds them to its service-discovery client and transport manager (visor.cpp).
//
// Executor: the caller's; cancel the coroutine (terminal cancellation) to stop it early.
#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"

namespace skywire::visor {

struct autoconnect_config {
  std::chrono::steady_clock::duration interval = std::chrono::seconds(10);
  std::size_t target = 3;         // automatic transports wanted (Go: 3)
  unsigned quantity = 3;          // visors asked of the service discovery per round (Go: 3)
  unsigned max_failures = 2;      // failed tries before a visor is skipped for good (Go: 2)
};

struct autoconnect_hooks {
  // Public visors from the service discovery (type "visor").
  std::function<boost::asio::awaitable<result<std::vector<crypto::public_key>>>()> public_visors;
  // An stcpr transport with label "automatic" to pk.
  std::function<boost::asio::awaitable<result<void>>(crypto::public_key)> connect;
  // The remote keys of the automatic transports up now.
  std::function<std::vector<crypto::public_key>()> automatic_edges;
};

boost::asio::awaitable<void> run_autoconnect(autoconnect_hooks hooks, crypto::public_key self,
                                             autoconnect_config cfg, base::logger log);

}  // namespace skywire::visor
