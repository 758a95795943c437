#pragma once
// The route finder's HTTP API (spec/skywire.md §4.1, B.4; Go: skywire-services
// pkg/route-finder/api/api.go) over a transport_source. No sockets here: service.hpp puts it
// behind net::http_server. Bodies are json.Marshal output (no trailing newline), Content-Type
// application/json; errors are Go's rfclient.HTTPResponse `{"error":{"message":"…","code":N}}`.
//
//   POST /routes   no auth. Body: {"Edges":["<src>:<dst>",…],"Opts":{"MinHops":m,"MaxHops":M}}
//                  (Go's json.Unmarshal rules: keys case-insensitive, unknown keys ignored, null =
//                  zero; `Opts` null or absent = 0/0, so every answer is a 404). 200: an object
//                  keyed by each distinct edge (sorted, as Go writes map keys), each value up to
//                  5 paths of hops {"TpID","From","To"}, shortest first (graph.hpp); no edges:
//                  `{}`. As in Go, all sources are looked up before any path is searched, and
//                  the first failure answers for the whole request:
//                    404 "transport not found"      a source has no transport
//                    404 "no route to destination"  the destination is not reachable
//                    404 "route not found"          no path within MinHops..MaxHops
//                    400 <decode error>             not JSON, wrong types, a bad key in an edge,
//                                                   an edge shorter than 67 characters (Go panics:
//                                                   500), more than max_edges edges (ours)
//                    500 <text>                     the transport source failed (no graph)
//   GET /health    {"build_info":{"version","commit","date"},"started_at":"<RFC 3339>"}
// Other paths: 404 "404 page not found\n"; a known path with another method: 405.
//
// Work per request: one snapshot of the graph (transport_source.hpp), then one breadth-first
// search per distinct edge (graph.hpp), so at most max_edges searches of O(visors + links).
//
// Deviations: decode error texts are ours, not encoding/json's; MaxHops above disc::max_rf_hops
// (50) is treated as 50, so no path is longer (Go's visors ask 50); at most max_edges distinct
// edges (Go: unbounded); the separator between the two keys of an edge is not checked (as Go);
// no dmsghttp listener and no metrics.
//
// Executor: the service's; the transport_source, clock and logger must outlive the api.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport_source.hpp"

namespace skywire::svc::route_finder {

struct build_info {
  std::string version = "unknown";
  std::string commit = "unknown";
  std::string date = "unknown";
};

struct api_options {
  build_info build;
  std::size_t max_edges = disc::max_rf_edges;
};

// A POST /routes body decoded: the distinct edges in request order and the options, or the
// status (400) and error text.
struct decoded_request {
  std::vector<disc::rf_edge> edges;
  std::optional<disc::rf_options> opts;  // nullopt: `Opts` null or absent
  unsigned status = 0;                   // 0 = ok, else 400
  std::string error;
};
decoded_request decode_find_routes(std::string_view body, std::size_t max_edges);

// rfclient.HTTPResponse{Error: &HTTPError{message, code}} as json.Marshal writes it.
net::http_reply error_reply(unsigned status, std::string_view message);

class api {
 public:
  api(transport_source& source, const base::clock& clock, base::logger log, api_options options);
  api(const api&) = delete;  // the router's handlers point at this object
  api& operator=(const api&) = delete;

  // The whole API as one asynchronous handler (routing included).
  boost::asio::awaitable<net::http_reply> handle(const net::http_request& req) const;

  boost::asio::awaitable<net::http_reply> find_routes(const net::http_request& req) const;
  net::http_reply health() const;

 private:
  transport_source& source_;
  base::logger log_;
  api_options opt_;
  std::string started_at_;
  net::http_router router_;
};

}  // namespace skywire::svc::route_finder
