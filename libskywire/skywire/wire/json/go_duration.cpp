#include "skywire/wire/json/go_duration.hpp"

#include <cstdint>
#include <limits>

namespace skywire::wire::json {

namespace {

struct unit {
  std::string_view name;
  std::uint64_t ns;
};
// Longest names first so "ms" is not read as "m" followed by junk.
constexpr unit units[] = {{"ns", 1},          {"us", 1000},           {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000},
                          {"ms", 1000000},    {"s", 1000000000},      {"m", 60000000000ull},
                          {"h", 3600000000000ull}};

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds{0};
  if (s.empty()) return std::nullopt;
  constexpr std::uint64_t limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  std::uint64_t total = 0;
  while (!s.empty()) {
    // Integer part, then an optional fraction; at least one digit overall.
    std::uint64_t whole = 0;
    std::size_t digits = 0;
    while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
      if (whole > (limit - static_cast<std::uint64_t>(s[0] - '0')) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<std::uint64_t>(s[0] - '0');
      s.remove_prefix(1);
      ++digits;
    }
    std::uint64_t frac = 0, scale = 1;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
        if (scale < 1000000000000000000ull) {  // further digits cannot matter at ns precision
          frac = frac * 10 + static_cast<std::uint64_t>(s[0] - '0');
          scale *= 10;
        }
        s.remove_prefix(1);
        ++digits;
      }
    }
    if (digits == 0) return std::nullopt;
    const unit* u = nullptr;
    for (const auto& candidate : units) {
      if (s.starts_with(candidate.name) && (!u || candidate.name.size() > u->name.size())) u = &candidate;
    }
    if (!u) return std::nullopt;  // Go: "missing unit" / "unknown unit"
    s.remove_prefix(u->name.size());
    if (whole > limit / u->ns) return std::nullopt;
    std::uint64_t v = whole * u->ns;
    // Fraction: frac/scale of the unit, in float64 and truncated, exactly as Go computes it.
    if (frac > 0) {
      v += static_cast<std::uint64_t>(static_cast<double>(frac) *
                                      (static_cast<double>(u->ns) / static_cast<double>(scale)));
      if (v > limit) return std::nullopt;
    }
    if (v > limit - total) return std::nullopt;
    total += v;
  }
  const auto n = static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds{negative ? -n : n};
}

namespace {

// Writes v / 10^prec with trailing zeros of the fraction removed, as Go's fmtFrac + fmtInt.
void append_fraction(std::string& out, std::uint64_t v, int prec) {
  std::string frac;
  bool printed = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>('0' + v % 10);
    printed = printed || digit != '0';
    if (printed) frac.insert(frac.begin(), digit);
    v /= 10;
  }
  out += std::to_string(v);
  if (!frac.empty()) out += "." + frac;
}

}  // namespace

std::string format_go_duration(std::chrono::nanoseconds d) {
  const std::int64_t n = d.count();
  if (n == 0) return "0s";
  const bool negative = n < 0;
  // Magnitude as unsigned (INT64_MIN has no positive int64).
  std::uint64_t u = negative ? ~static_cast<std::uint64_t>(n) + 1 : static_cast<std::uint64_t>(n);
  std::string out = negative ? "-" : "";
  if (u < 1000000000ull) {
    // Below one second: ns, µs or ms with a fraction.
    if (u < 1000) {
      out += std::to_string(u) + "ns";
    } else if (u < 1000000) {
      append_fraction(out, u, 3);
      out += "\xc2\xb5s";
    } else {
      append_fraction(out, u, 6);
      out += "ms";
    }
    return out;
  }
  const std::uint64_t hours = u / 3600000000000ull;
  u -= hours * 3600000000000ull;
  const std::uint64_t minutes = u / 60000000000ull;
  u -= minutes * 60000000000ull;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  append_fraction(out, u, 9);
  out += "s";
  return out;
}

}  // namespace skywire::wire::json
