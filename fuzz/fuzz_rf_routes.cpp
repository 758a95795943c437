// Fuzz target: a route finder's 200 answer from arbitrary bytes, as disc::rf_client reads it
// (parse_rf_routes, then check_rf_path on every path of every edge). Must never crash, hang or
// over-allocate; the parsed routes stay within max_rf_edges / max_rf_paths / max_rf_hops; a path
// check_rf_path accepts starts at its edge's source, ends at its destination and is contiguous;
// and re-encoding the routes (the service's encoder) parses back to the same routes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "skywire/disc/rf_client.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace disc = skywire::disc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto routes = disc::parse_rf_routes(text);
  if (!routes) return 0;
  if (routes->size() > disc::max_rf_edges) std::abort();
  for (const auto& [edge, paths] : *routes) {
    if (paths.size() > disc::max_rf_paths) std::abort();
    for (const auto& p : paths) {
      if (p.size() > disc::max_rf_hops) std::abort();
      if (!disc::check_rf_path(p, edge)) continue;
      if (p.front().from != edge.first || p.back().to != edge.second) std::abort();
      for (std::size_t i = 1; i < p.size(); ++i) {
        if (p[i - 1].to != p[i].from) std::abort();
      }
    }
  }
  auto again = disc::parse_rf_routes(disc::rf_routes_json(*routes));
  if (!again || *again != *routes) std::abort();
  return 0;
}
