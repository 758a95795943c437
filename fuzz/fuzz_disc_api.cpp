// Fuzz target: arbitrary bytes as the body of POST /dmsg-discovery/entry/ (and of DELETE
// /dmsg-discovery/entry) handed to the dmsg discovery's API logic with a memory store, no
// sockets; then the listing endpoints over whatever got stored. Must never crash, hang or
// over-allocate; every reply must be a status the Go discovery can send with a JSON body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dmsg-discovery/api.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"

namespace {

void check(const skywire::net::http_reply& r) {
  switch (r.status) {
    case 200: case 401: case 404: case 422: case 500: break;
    default: std::abort();
  }
  if (r.content_type != "application/json" || r.body.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skywire::svc::dmsg_discovery;
  static const skywire::base::manual_clock clock{skywire::base::clock::wall_time{
      std::chrono::duration_cast<skywire::base::clock::wall_time::duration>(
          std::chrono::nanoseconds{1700000000000000000})}};
  static const auto log = skywire::base::make_null_logger("fuzz_disc_api");
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto db = make_memory_store();
  api_options opt;
  opt.test_mode = size > 0 && (data[0] & 1);
  const api a(*db, clock, log, opt);
  check(a.post_entry(body, size > 1 && (data[1] & 1)));
  check(a.post_entry(body, false));  // the same again: iteration rules against what is stored
  check(a.available_servers());
  check(a.all_servers());
  check(a.client_entries());
  check(a.visor_entries());
  check(a.delete_entry(body));
  (void)a.sweep();
  return 0;
}
