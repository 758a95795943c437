#pragma once
// The route finder's graph and path search (spec/skywire.md §4.1; Go: skywire-services
// pkg/route-finder/store/{mark_and_sweep.go,dijkstra.go}). Pure: built from transport entries,
// searched without I/O.
//
//   auto g = graph::build(entries, max_transports);          // result<graph>, immutable after
//   auto paths = g->shortest(src, dst, {.min_hops = 0, .max_hops = 50}, 5);
//
// Graph: one vertex per visor key, one undirected link per pair of visors that share a transport
// (entries whose edges are equal or null are skipped: no visor has a transport to itself). Two
// transports between the same pair (say stcpr and dmsg) are one link carrying the smaller
// transport ID; Go keeps whichever its store listed last — an arbitrary choice either way.
// Stored as sorted keys plus compressed adjacency lists (neighbours in key order).
//
// Search, Go's algorithm with its unit weights: a breadth-first search from src that never
// expands dst (so no path passes through it); every neighbour u of dst that the search reaches
// gives one candidate path, the search tree's shortest path src → … → u followed by the hop
// u → dst, of length dist(u) + 1. Candidates are ordered by length (ties: by u's key, where
// Go's order is random), those with min_hops ≤ length ≤ max_hops are kept, at most `count`.
// Such a path never visits a key twice. For a loop route (src == dst, Go's ping with MinHops 0,
// MaxHops 2) src is the root and every neighbour u yields src → … → u → src; a neighbour of src
// itself gives the two-hop loop out and back over the same transport, as Go's finder answers.
// The search stops once every neighbour of dst is reached.
//
// Errors (Go's texts, each answered with 404 by the API): errc::no_transports "transport not
// found" (src has no transport: what Go's store says when its graph is built), errc::no_route
// "no route to destination" (dst is not reachable from src), errc::route_not_found "route not
// found" (reachable, but no candidate within the hop bounds; also for max_hops 0). build():
// errc::too_many_transports above max_transports entries.
//
// Work: build is O(E log E); shortest is O(V + E) time and O(V) memory per call (a BFS).
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/wire/transport/entry.hpp"

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

namespace skywire::svc::route_finder {

enum class errc {
  no_transports = 1,     // "transport not found"
  no_route,              // "no route to destination"
  route_not_found,       // "route not found"
  too_many_transports,   // the transport list is larger than the graph may be
  source_unavailable,    // the transport source failed and has no usable snapshot
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

// Go's production transport discovery holds ~10^4 transports; the memory TPD is capped at 10^6.
inline constexpr std::size_t default_max_transports = 1'000'000;

class graph {
 public:
  static result<graph> build(const std::vector<wire::transport::entry>& entries, std::size_t max_transports);

  std::size_t vertices() const noexcept { return keys_.size(); }
  std::size_t links() const noexcept { return adjacency_.size() / 2; }
  // Whether pk has a transport (is a vertex).
  bool contains(const crypto::public_key& pk) const { return index(pk).has_value(); }

  result<std::vector<disc::rf_path>> shortest(const crypto::public_key& src, const crypto::public_key& dst,
                                              disc::rf_options opts, std::size_t count) const;

 private:
  struct link {
    std::uint32_t to;
    wire::transport::uuid tp_id;
  };

  std::optional<std::uint32_t> index(const crypto::public_key& pk) const;

  std::vector<crypto::public_key> keys_;   // sorted, distinct
  std::vector<std::uint32_t> offsets_;     // links of vertex i: adjacency_[offsets_[i], offsets_[i+1])
  std::vector<link> adjacency_;            // each undirected link twice, neighbours in key order
};

}  // namespace skywire::svc::route_finder

template <>
struct boost::system::is_error_code_enum<skywire::svc::route_finder::errc> : std::true_type {};
