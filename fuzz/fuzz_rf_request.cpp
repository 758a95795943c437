// Fuzz target: the route finder's POST /routes body decoder (services/route-finder/api.hpp,
// Go's json.Unmarshal rules) on arbitrary bytes. Must never crash or hang; the answer is a
// decoded request (status 0) or a 400 with a text; decoded edges are distinct and at most
// max_edges; and a decoded request re-encoded the way Go's client writes it decodes the same.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "route-finder/api.hpp"
#include "skywire/disc/rf_client.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace rf = skywire::svc::route_finder;
  namespace disc = skywire::disc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t max_edges = 8;
  const auto d = rf::decode_find_routes(text, max_edges);
  if (d.status != 0) {
    if (d.status != 400 || d.error.empty()) std::abort();
    return 0;
  }
  if (d.edges.size() > max_edges) std::abort();
  for (std::size_t i = 0; i < d.edges.size(); ++i) {
    if (std::count(d.edges.begin(), d.edges.end(), d.edges[i]) != 1) std::abort();
  }
  const auto again = rf::decode_find_routes(disc::rf_request_json(d.edges, d.opts), max_edges);
  if (again.status != 0 || again.edges != d.edges || again.opts != d.opts) std::abort();
  return 0;
}
