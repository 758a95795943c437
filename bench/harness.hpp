#pragma once
// A tiny bench harness: measure callables repeatedly and print one JSON line per row,
//   {"row": "...", "value": x, "baseline": y, "unit": "...", "ratio": x/y, "target": t}
// which bench/run collects over several runs into bench/results.md. A row compares what we
// built (value) against the best the underlying primitive can do on this machine (baseline),
// measured in the same process, interleaved, so machine load affects both alike; the target is
// the ratio we promise. Rates are "operations per second" (higher is better); each is the best
// of several batches, since on a shared machine interference only ever makes a batch slower.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>
#include <utility>

namespace skywire::bench {

// Keeps the compiler from discarding a computed value.
template <class T>
inline void do_not_optimize(T const& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}

using bench_clock = std::chrono::steady_clock;

// Calls f n times; seconds taken.
template <class F>
double time_batch(F& f, std::uint64_t n) {
  const auto t0 = bench_clock::now();
  for (std::uint64_t i = 0; i < n; ++i) f();
  return std::chrono::duration<double>(bench_clock::now() - t0).count();
}

// A batch size that takes roughly `target` seconds.
template <class F>
std::uint64_t calibrate(F& f, double target) {
  for (int i = 0; i < 3; ++i) f();  // warm-up: caches, lazy initialisation
  std::uint64_t n = 1;
  for (;;) {
    const double t = time_batch(f, n);
    if (t >= target || n >= (std::uint64_t{1} << 40)) return n;
    n = t <= 0 ? n * 16 : std::max<std::uint64_t>(n * 2, static_cast<std::uint64_t>(n * target / t) + 1);
  }
}

// Best rate (calls per second) of f over `batches` batches of ~batch_seconds each.
template <class F>
double rate(F&& f, int batches = 7, double batch_seconds = 0.05) {
  const std::uint64_t n = calibrate(f, batch_seconds);
  double best = 0;
  for (int b = 0; b < batches; ++b) best = std::max(best, static_cast<double>(n) / time_batch(f, n));
  return best;
}

// Best rates of a and b, measured in alternating batches.
template <class A, class B>
std::pair<double, double> compare(A&& a, B&& b, int batches = 7, double batch_seconds = 0.05) {
  const std::uint64_t na = calibrate(a, batch_seconds);
  const std::uint64_t nb = calibrate(b, batch_seconds);
  double best_a = 0, best_b = 0;
  for (int i = 0; i < batches; ++i) {
    best_a = std::max(best_a, static_cast<double>(na) / time_batch(a, na));
    best_b = std::max(best_b, static_cast<double>(nb) / time_batch(b, nb));
  }
  return {best_a, best_b};
}

// One result row on stdout. Row names and units are ours (no characters needing JSON escapes).
inline void row(std::string_view name, double value, double baseline, std::string_view unit, double target) {
  std::printf("{\"row\": \"%.*s\", \"value\": %.6g, \"baseline\": %.6g, \"unit\": \"%.*s\", \"ratio\": %.4f, "
              "\"target\": %.3g}\n",
              static_cast<int>(name.size()), name.data(), value, baseline, static_cast<int>(unit.size()),
              unit.data(), baseline > 0 ? value / baseline : 0.0, target);
  std::fflush(stdout);
}

}  // namespace skywire::bench
