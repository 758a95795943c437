#pragma once
// Go's time.Duration as text: what Skywire's JSON configs hold ("10s", "168h0m0s", "1m30s",
// "500ms", "1.5h"). parse_go_duration accepts what Go's time.ParseDuration accepts (a signed
// sequence of decimal numbers with optional fraction, each with a unit ns, us, µs, ms, s, m, h;
// "0" alone) and refuses overflow; format_go_duration writes Duration.String()'s form, so a
// value read and written back keeps Go's spelling.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace skywire::wire::json {

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text);
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace skywire::wire::json
