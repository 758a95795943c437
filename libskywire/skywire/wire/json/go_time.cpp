#include "skywire/wire/json/go_time.hpp"

#include <ctime>

namespace skywire::wire::json {

std::string format_go_time(std::int64_t unix_ns) {
  std::int64_t secs = unix_ns / 1000000000;
  std::int64_t frac = unix_ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --secs;
  }
  const auto tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 9 - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out + "Z";
}

}  // namespace skywire::wire::json
