// Fuzz target: the bandwidth log's CSV reader (transport/bandwidth_log.hpp; spec/skywire.md
// §1.7) and its day-file-name parser on arbitrary text. The reader loads whatever is on disk
// under the transport log directory at start, so it must be total: no crash, at most max_rows
// rows, and anything it returns must format back to text that parses to the same rows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "skywire/transport/bandwidth_log.hpp"

using namespace skywire::transport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr std::size_t max_rows = 64;
  auto rows = parse_bandwidth_csv(text, max_rows);
  if (rows) {
    if (rows->size() > max_rows) std::abort();
    auto again = parse_bandwidth_csv(format_bandwidth_csv(*rows), max_rows);
    if (!again || *again != *rows) std::abort();
  }
  if (auto day = parse_bandwidth_file_name(text.substr(0, 32))) {
    if (bandwidth_file_name(skywire::base::clock::wall_time{*day}) != text.substr(0, 32)) std::abort();
  }
  return 0;
}
