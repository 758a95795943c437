#pragma once
// Injectable time. Protocol code never reads the system clock itself: it is handed a clock, so
// tests can move time (manual_clock) and timestamps/expiry are deterministic under test.
// wall_now() is Unix time (what goes on the wire: entry timestamps are Unix nanoseconds);
// steady_now() is monotonic (what deadlines and keepalives use).
#include <chrono>

namespace skywire::base {

class clock {
 public:
  using wall_time = std::chrono::system_clock::time_point;
  using steady_time = std::chrono::steady_clock::time_point;

  virtual ~clock() = default;
  virtual wall_time wall_now() const = 0;
  virtual steady_time steady_now() const = 0;
};

// The real clocks.
class system_clock final : public clock {
 public:
  wall_time wall_now() const override { return std::chrono::system_clock::now(); }
  steady_time steady_now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to; for tests.
class manual_clock final : public clock {
 public:
  explicit manual_clock(wall_time start = wall_time{}) : wall_(start) {}
  wall_time wall_now() const override { return wall_; }
  steady_time steady_now() const override { return steady_; }
  void advance(std::chrono::nanoseconds d) {
    wall_ += std::chrono::duration_cast<wall_time::duration>(d);
    steady_ += std::chrono::duration_cast<steady_time::duration>(d);
  }

 private:
  wall_time wall_;
  steady_time steady_{};
};

// Unix nanoseconds, as Go's time.Now().UnixNano() writes them.
inline std::int64_t unix_nanos(clock::wall_time t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace skywire::base
