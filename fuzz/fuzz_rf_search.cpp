// Fuzz target: the route finder's graph and search (services/route-finder/graph.hpp) on graphs
// drawn from the input. Input: byte 0 = source, byte 1 = destination, byte 2 = MinHops, byte 3 =
// MaxHops (each modulo a small range), then pairs of bytes = transports between 16 fixed keys
// (equal or repeated pairs included: the builder must skip or merge them). Invariants: at most
// 5 paths; lengths within the bounds and non-decreasing; every path passes disc::check_rf_path
// for its edge and uses only transports of the input between the keys it joins; the search is
// deterministic.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "route-finder/graph.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace {

const std::vector<skywire::crypto::public_key>& keys() {
  static const std::vector<skywire::crypto::public_key> k = [] {
    std::vector<skywire::crypto::public_key> out;
    for (int i = 0; i < 16; ++i) {
      const std::string seed = "fuzz" + std::to_string(i);
      out.push_back(skywire::crypto::deterministic_key_pair(skywire::as_bytes(std::string_view(seed)))->pk);
    }
    return out;
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace rf = skywire::svc::route_finder;
  namespace wt = skywire::wire::transport;
  namespace disc = skywire::disc;
  if (size < 4) return 0;
  const auto& k = keys();
  const auto& src = k[data[0] % 16];
  const auto& dst = k[data[1] % 16];
  const disc::rf_options opts{static_cast<std::uint16_t>(data[2] % 8), static_cast<std::uint16_t>(data[3] % 20)};
  std::vector<wt::entry> entries;
  std::set<wt::uuid> ids;
  for (std::size_t i = 4; i + 1 < size && entries.size() < 512; i += 2) {
    const auto& a = k[data[i] % 16];
    const auto& b = k[data[i + 1] % 16];
    const auto type = (data[i] & 0x80) ? wt::type_dmsg : wt::type_stcpr;
    wt::entry e;
    e.id = wt::make_transport_id(a, b, type);
    e.edges = wt::sort_edges(a, b);
    e.type = type;
    entries.push_back(e);
    ids.insert(e.id);
  }
  auto g = rf::graph::build(entries, rf::default_max_transports);
  if (!g) std::abort();
  auto paths = g->shortest(src, dst, opts, disc::max_rf_paths);
  auto again = g->shortest(src, dst, opts, disc::max_rf_paths);
  if (paths.has_value() != again.has_value()) std::abort();
  if (!paths) {
    if (paths.error() != again.error()) std::abort();
    return 0;
  }
  if (*paths != *again || paths->empty() || paths->size() > disc::max_rf_paths) std::abort();
  std::size_t previous = 0;
  for (const auto& p : *paths) {
    if (p.size() < opts.min_hops || p.size() > opts.max_hops || p.size() < previous) std::abort();
    previous = p.size();
    if (!disc::check_rf_path(p, {src, dst})) std::abort();
    for (const auto& h : p) {
      if (!ids.count(h.tp_id)) std::abort();
      if (h.tp_id != wt::make_transport_id(h.from, h.to, wt::type_stcpr) &&
          h.tp_id != wt::make_transport_id(h.from, h.to, wt::type_dmsg)) {
        std::abort();
      }
    }
  }
  return 0;
}
