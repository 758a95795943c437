#pragma once
// replay_window: a bounded sliding-window replay filter for frame nonces, the layout of
// WireGuard's replay.Filter (a ring of 64-bit blocks). Used for dmsg session objects, which Go
// seals with one counter shared by all streams of a session and so can arrive out of order
// (spec/dmsg.md §3.5). Go's own reader has no replay protection there at all (its nonce map is
// never filled); we accept any nonce not seen before that is at most limits::replay_window_size
// below the highest accepted one, and nonce 0 never (senders start at 1).
//
// Checking and marking are separate so that a nonce is only recorded once its frame has
// authenticated: a forged frame must not be able to move the window.
#include <array>
#include <cstdint>

#include "skywire/noise/limits.hpp"

namespace skywire::noise {

class replay_window {
 public:
  // Whether n would be accepted now.
  bool check(std::uint64_t n) const noexcept {
    if (n == 0) return false;
    if (n > last_) return true;
    if (last_ - n > limits::replay_window_size) return false;
    return (ring_[block_of(n)] & bit_of(n)) == 0;
  }

  // Records n as seen. Requires check(n).
  void mark(std::uint64_t n) noexcept {
    if (n > last_) {
      const std::uint64_t current = last_ >> 6;
      std::uint64_t diff = (n >> 6) - current;
      if (diff > limits::replay_ring_blocks) diff = limits::replay_ring_blocks;  // clear the whole ring
      for (std::uint64_t i = current + 1; i <= current + diff; ++i) ring_[i % limits::replay_ring_blocks] = 0;
      last_ = n;
    }
    ring_[block_of(n)] |= bit_of(n);
  }

  std::uint64_t highest() const noexcept { return last_; }

 private:
  static std::size_t block_of(std::uint64_t n) noexcept {
    return static_cast<std::size_t>((n >> 6) % limits::replay_ring_blocks);
  }
  static std::uint64_t bit_of(std::uint64_t n) noexcept { return std::uint64_t{1} << (n & 63); }

  std::array<std::uint64_t, limits::replay_ring_blocks> ring_{};
  std::uint64_t last_ = 0;
};

}  // namespace skywire::noise
