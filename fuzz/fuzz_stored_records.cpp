// Fuzz target: what the services' database stores read back from a (possibly shared, possibly
// edited) database — a transport discovery row (transport_id, edge_a, edge_b, type, label;
// stored_entry.hpp) and an address resolver value (VisorData JSON; visor_data_json.hpp). The
// input's first byte picks which; a row's columns are separated by '\n'. Must never crash, hang
// or over-allocate; whatever is accepted must write back to the same bytes' meaning: the entry
// to the same columns, the VisorData to JSON that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "address-resolver/visor_data_json.hpp"
#include "transport-discovery/stored_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    namespace ar = skywire::svc::address_resolver;
    auto d = ar::parse_stored_visor_data(text);
    if (!d) return 0;
    auto again = ar::parse_stored_visor_data(ar::stored_visor_data_json(*d));
    if (!again || !(*again == *d)) std::abort();
    return 0;
  }
  namespace tpd = skywire::svc::transport_discovery;
  std::vector<std::string_view> cols;
  std::string_view rest = text;
  while (cols.size() < 4) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return 0;
    cols.push_back(rest.substr(0, nl));
    rest = rest.substr(nl + 1);
  }
  cols.push_back(rest);
  auto e = tpd::stored_entry_from_columns(cols[0], cols[1], cols[2], cols[3], cols[4]);
  if (!e) return 0;
  if (e->type.size() > tpd::max_stored_text || e->label.size() > tpd::max_stored_text) std::abort();
  auto again = tpd::stored_entry_from_columns(e->id.to_string(), e->edges[0].to_hex(), e->edges[1].to_hex(), e->type,
                                              e->label);
  if (!again || !(*again == *e)) std::abort();
  return 0;
}
