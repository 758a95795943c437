#pragma once
// path_finder: what the router asks for paths when it dials (spec/skywire.md §3.7 step 2). The
// visor binds it to disc::rf_client (POST /routes with edges [src,dst] and [dst,src], the first
// path of each, Go's retry of non-404 errors every 500 ms for up to 2 s); tests bind it to a
// fixed table. Kept here, as an interface, so the router does not depend on the HTTP client.
//
//   auto paths = co_await finder->find(self, remote, 0, 50);   // {forward, reverse}
//
// Contract: forward goes src → dst, reverse dst → src (for src == dst: two loops through
// other visors, PingRoute's case); an error value when there is no route (the router passes it
// on to the dialler unchanged). The router bounds the call with router_config::find_timeout and
// checks both paths (routing::check_path) before using them.
// Executor: called on the router's executor.
#include <cstdint>
#include <utility>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/routing/route.hpp"

namespace skywire::router {

class path_finder {
 public:
  virtual ~path_finder() = default;

  virtual boost::asio::awaitable<result<std::pair<routing::path, routing::path>>> find(
      crypto::public_key src, crypto::public_key dst, std::uint16_t min_hops, std::uint16_t max_hops) = 0;
};

}  // namespace skywire::router
