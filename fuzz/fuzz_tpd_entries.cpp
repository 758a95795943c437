// Fuzz target: a transport discovery answer listing entries (GET /transports/edge:{pk},
// GET /all-transports) from arbitrary bytes, as disc::tpd_client parses it. Must never crash,
// hang or over-allocate; every parsed entry must re-serialise to JSON that parses back to the
// same entry (the wire/transport encoder is Go's).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "skywire/disc/tpd_client.hpp"
#include "skywire/wire/transport/entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace wt = skywire::wire::transport;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto list = skywire::disc::parse_entries(text);
  if (!list) return 0;
  if (list->size() > skywire::disc::max_tpd_entries) std::abort();
  for (const auto& e : *list) {
    auto again = wt::parse_entry(wt::to_json(e), {.max_bytes = 1 << 20, .max_depth = 16});
    // Invalid UTF-8 in type/label may be copied raw and then refused by Boost.JSON; anything
    // that parses back must be identical.
    if (again && !(*again == e)) std::abort();
  }
  return 0;
}
