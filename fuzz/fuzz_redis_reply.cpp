// Fuzz target: arbitrary bytes from a "Redis server" into the services' bounded RESP reader
// (services/common/redis_reply.hpp, hiredis underneath), fed in chunks whose sizes come from the
// input. Must never crash, hang or over-allocate; every reply handed out must respect the
// configured bounds, and after an error the reader must stay failed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/redis_reply.hpp"

namespace {

using skywire::svc::common::redis_limits;
using skywire::svc::common::redis_reply;

void measure(const redis_reply& r, std::size_t& bytes, std::size_t& elements) {
  bytes += r.str.size();
  elements += r.elements.size();
  for (const auto& e : r.elements) measure(e, bytes, elements);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const redis_limits limits{4096, 64};
  skywire::svc::common::redis_reader reader(limits);
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool failed = false;
  while (!rest.empty()) {
    const auto piece = rest.substr(0, chunk);
    rest.remove_prefix(piece.size());
    if (!reader.feed(piece)) {
      failed = true;
      break;
    }
    for (;;) {
      auto n = reader.next();
      if (!n) {
        failed = true;
        break;
      }
      if (!*n) break;
      std::size_t bytes = 0, elements = 0;
      measure(**n, bytes, elements);
      if (bytes > limits.max_bytes || elements > limits.max_elements) std::abort();
    }
    if (failed) break;
  }
  if (failed && (reader.next() || reader.feed("+OK\r\n"))) std::abort();  // poisoned for good
  return 0;
}
