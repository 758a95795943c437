#pragma once
// disc::rf_client: the route finder's HTTP API (spec/skywire.md §4.1; Go:
// pkg/routefinder/rfclient/client.go) and the §3.7 step 2 a visor runs before a route setup.
//
//   disc::rf_client rf(http, "http://127.0.0.1:9092");       // shared_ptr<net::http_client>
//   auto r = co_await rf.find_routes({{a, b}, {b, a}}, {.min_hops = 0, .max_hops = 50});
//   // r: result<rf_routes>; (*r)[{a, b}] = up to 5 paths a → … → b, shortest first
//   auto pair = co_await rf.find_route_pair(a, b, {.min_hops = 0, .max_hops = 50});
//   // pair->forward / pair->reverse: the first path of [a,b] and of [b,a], retried as Go's router
//
// Types: disc knows no routing module (docs/layers.txt), so paths are disc-level `rf_hop`s
// ({tp_id, from, to}, Go's routing.Hop); the visor converts them to routing::hop.
//
// Request: POST /routes, no authentication, `Content-Type: application/json`, body json.Marshal
// of Go's FindRoutesRequest (no trailing newline):
//   {"Edges":["<src>:<dst>",…],"Opts":{"MinHops":0,"MaxHops":50}}
// Duplicate edges are sent once (Go's server keys its answer by edge anyway; Go's ping asks
// [self,self] twice and reads the one key). An empty list answers an empty map without a request.
//
// Answer: 200 with `{"<src>:<dst>":[[{"TpID":…,"From":…,"To":…},…],…],…}` (B.4). Everything in
// it is checked, because a hostile or broken route finder must not make a visor set up a route
// that loops or ends elsewhere: the keys are exactly the asked edges; each edge has 1 to
// max_rf_paths paths (Go's server answers 404 rather than an empty list, and never more than 5);
// each path has min_hops ≤ length ≤ max_hops (capped at max_rf_hops) and passes check_rf_path.
// Paths are returned in the server's order (Go's: shortest first); nothing is re-sorted.
// Hops are read like Go's decoder reads routing.Hop: keys case-insensitive, unknown keys
// ignored, the later of two duplicate keys wins; uuid only in canonical text.
//
// Errors: errc::no_route (any 404: Go's client maps it to ErrTransportNotFound "transport not
// found" and its router does not retry), errc::rejected (any other status; last_error() holds
// "status N: <error.message>"), errc::bad_response (a 200 that is not the JSON above, an
// unasked or missing edge, too many paths or hops), errc::bad_route (a path that fails
// check_rf_path or the hop bounds), boost::system::errc::invalid_argument (a null key in an
// asked edge, or more than max_rf_edges distinct edges), and the http_client's errors
// (net::errc::timeout, connection refused, body_too_large …) unchanged.
//
// Limits: the answer is bounded by the http_client's max_body (1 MiB by default: a visor's two
// edges need at most ~100 KiB, 5 paths × 50 hops × ~190 bytes each); then by max_rf_edges keys,
// max_rf_paths paths per key and max_rf_hops hops per path, checked before anything is kept.
// Executor: the http_client's; the rf_client is used from it and must outlive its requests.
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/wire/transport/transport_id.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skywire::disc {

// Go's routing.Hop: one transport crossed from `from` to `to`.
struct rf_hop {
  wire::transport::uuid tp_id;
  crypto::public_key from;
  crypto::public_key to;
  friend bool operator==(const rf_hop&, const rf_hop&) = default;
};

using rf_path = std::vector<rf_hop>;

// Go's routing.PathEdges: {source, destination}.
using rf_edge = std::pair<crypto::public_key, crypto::public_key>;

// Go's rfclient.RouteOptions (uint16 fields).
struct rf_options {
  std::uint16_t min_hops = 0;
  std::uint16_t max_hops = 50;
  friend bool operator==(const rf_options&, const rf_options&) = default;
};

// Keyed by edge; std::map's order (src bytes, then dst bytes) is the order of the "<src>:<dst>"
// texts, which is the order Go's json.Marshal writes map keys in.
using rf_routes = std::map<rf_edge, std::vector<rf_path>>;

// Edges in one request: a visor asks 2; the service refuses more (400).
inline constexpr std::size_t max_rf_edges = 64;
// Paths per edge: Go's route finder returns at most 5 (maxNumberOfRoutes).
inline constexpr std::size_t max_rf_paths = 5;
// Hops per path: Go's router asks MaxHops 50 (routing::max_path_hops); the service caps at it.
inline constexpr std::size_t max_rf_hops = 50;

// "<66 hex src>:<66 hex dst>" (PathEdges.MarshalText).
std::string rf_edge_text(const rf_edge& e);

// PathEdges.UnmarshalText: text[0,66) and text[67,…) are the keys (the separator is not looked
// at, as in Go; '0'-only text is the null key). Shorter than 67 characters: Go panics (a 500);
// here wire::errc::invalid_value. Bad key text: crypto::errc::bad_public_key.
result<rf_edge> parse_rf_edge(std::string_view text);

// json.Marshal of FindRoutesRequest; `opts` nullopt is `"Opts":null`.
std::string rf_request_json(const std::vector<rf_edge>& edges, const std::optional<rf_options>& opts);

// json.Marshal of map[PathEdges][][]Hop (the service's 200 body; no trailing newline).
std::string rf_routes_json(const rf_routes& routes);

// Parses a 200 body into routes, bounded (≤ max_rf_edges keys, ≤ max_rf_paths paths per key,
// ≤ max_rf_hops hops per path, nesting depth) but without checking the paths (check_rf_path).
// A `null` body or value is empty, as in Go. Errors: errc::bad_response.
result<rf_routes> parse_rf_routes(std::string_view body);

// A path the route finder may answer for edge {src, dst}: 1..max_rf_hops hops; the first starts
// at src and the last ends at dst; each hop ends where the next starts; no hop goes from a key to
// itself; no null key or nil transport id; no key visited twice — except that a loop route
// (src == dst, what Go's ping asks for) ends where it started. The same transport may be
// crossed twice (a 2-hop loop goes out and back over one transport, as Go's finder returns
// it). Errors: errc::bad_route.
result<void> check_rf_path(const rf_path& p, const rf_edge& edge);

// §3.7 step 2: the first path of each direction.
struct rf_route_pair {
  rf_path forward;  // src → dst
  rf_path reverse;  // dst → src
};

// Go's router retries every 500 ms for up to 2 s on any error but a 404.
struct rf_retry {
  std::chrono::steady_clock::duration interval = std::chrono::milliseconds(500);
  unsigned attempts = 5;  // first try + retries within Go's 2 s
};

class rf_client {
 public:
  // base_url: "http://host:port" (Go's sanitizedAddr: scheme defaults to http, '/' trimmed).
  rf_client(std::shared_ptr<net::http_client> http, std::string base_url);

  boost::asio::awaitable<result<rf_routes>> find_routes(std::vector<rf_edge> edges, rf_options opts);
  // Edges [src,dst] and [dst,src] (one edge when src == dst: a loop route), the first path of
  // each; retried per `retry` on any error but errc::no_route and invalid_argument.
  boost::asio::awaitable<result<rf_route_pair>> find_route_pair(crypto::public_key src, crypto::public_key dst,
                                                                rf_options opts);
  boost::asio::awaitable<result<rf_route_pair>> find_route_pair(crypto::public_key src, crypto::public_key dst,
                                                                rf_options opts, rf_retry retry);

  // "status N: <text>" of the last errc::rejected answer.
  const std::string& last_error() const noexcept { return last_error_; }
  const std::string& base_url() const noexcept { return base_url_; }

 private:
  std::shared_ptr<net::http_client> http_;
  std::string base_url_;
  std::string last_error_;
};

}  // namespace skywire::disc
