// Fuzz target: a dmsg discovery entry from arbitrary bytes, through everything the discovery
// does with a POST body (parse, loopback check, validate, verify, iteration) plus our own
// re-serialisation. Must never crash, hang or over-allocate; a parsed entry must re-serialise
// to a document that parses back to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "skywire/base/clock.hpp"
#include "skywire/wire/disc/entry.hpp"
#include "skywire/wire/disc/parse.hpp"
#include "skywire/wire/disc/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skywire::wire::disc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const skywire::base::manual_clock clock{skywire::base::clock::wall_time{
      std::chrono::duration_cast<skywire::base::clock::wall_time::duration>(
          std::chrono::nanoseconds{1700000000000000000})}};

  auto e = parse_entry(text);
  if (!e) return 0;
  (void)validate(*e, clock);
  (void)verify_signature(*e);
  if (e->server) (void)is_loopback_address(e->server->address);
  (void)validate_iteration(*e, *e);
  const std::string json = to_json(*e);
  auto again = parse_entry(json, {.max_bytes = 1 << 22, .max_depth = 16});
  // Only invalid UTF-8 copied raw by ConfigFastest may fail to parse back (Boost.JSON is
  // strict about it); anything that parses must round-trip exactly.
  if (again && !(*again == *e)) std::abort();
  auto r = check_post(text, clock, &*e, {.test_mode = true});
  (void)r;
  (void)to_http_error(r ? skywire::error_code{} : r.error());
  return 0;
}
