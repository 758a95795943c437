// Fuzz target: arbitrary bytes as an HTTP response, fed to http_response_parser with the HTTP
// client's default limits (http_options: 16 KiB header, 1 MiB body) the way the client feeds it
// (in read-sized pieces, unconsumed bytes kept), then EOF. Must never crash, hang or read out of
// bounds; a completed response must respect the limits.
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace skywire;
  using namespace skywire::net;
  const http_options defaults;
  const http_limits limits{defaults.max_header, defaults.max_body};
  // First byte picks the piece size (1..256) and whether this answers a HEAD request, so
  // incremental feeding is exercised as well as whole-buffer parsing.
  if (size == 0) return 0;
  const std::size_t step = (data[0] & 0x7F) + 1u;
  const bool head = (data[0] & 0x80) != 0;
  const byte_view input(data + 1, size - 1);

  http_response_parser parser(limits, head);
  bytes pending;
  bool failed = false;
  for (std::size_t i = 0; i < input.size() && !parser.done() && !failed; i += step) {
    const auto piece = input.subspan(i, std::min(step, input.size() - i));
    pending.insert(pending.end(), piece.begin(), piece.end());
    std::size_t off = 0;
    while (off < pending.size() && !parser.done()) {
      auto used = parser.put(byte_view(pending).subspan(off));
      if (!used) {
        failed = true;
        break;
      }
      if (*used == 0) break;
      if (*used > pending.size() - off) std::abort();  // consumed more than given
      off += *used;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(off));
    if (pending.size() > limits.max_header + step + 1) failed = true;  // client's backstop
  }
  if (!failed && !parser.done()) failed = !parser.put_eof();
  if (!failed && parser.done()) {
    const http_response r = parser.release();
    if (r.body.size() > limits.max_body) std::abort();
    if (head && !r.body.empty()) std::abort();
  }
  return 0;
}
