#pragma once
// Go's time.Time as JSON text (time.RFC3339Nano in UTC): "2006-01-02T15:04:05.999999999Z", the
// fraction's trailing zeros trimmed and left out when zero. The services' /health "started_at".
#include <cstdint>
#include <string>

namespace skywire::wire::json {

// `unix_ns`: nanoseconds since the Unix epoch (negative values are before 1970).
std::string format_go_time(std::int64_t unix_ns);

}  // namespace skywire::wire::json
