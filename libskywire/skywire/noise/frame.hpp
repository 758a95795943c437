#pragma once
// Noise transport frames (spec/dmsg.md §3.5, spec/skywire.md §1.3):
//
//   frame = u16 BE L ‖ u64 BE N ‖ ChaCha20-Poly1305(key, nonce = 0^4 ‖ LE64(N), ad = ∅, plaintext)
//   L = 8 + len(plaintext) + 16
//
// frame_sealer owns a send key and its counter. The counter is pre-incremented, so the first
// frame carries N = 1, and there is no way to set it: a sealer cannot reuse a nonce. After
// limits::max_nonce frames seal() fails with nonce_exhausted (unreachable in practice).
//
// frame_opener owns a receive key and a replay rule, chosen at construction:
//   replay_mode::strictly_increasing  stream data (dmsg streams, skywire transports): N must
//       exceed the last accepted N; gaps are allowed, repeats and decreases are errors. Go's
//       DecryptUnsafe rule. Body limit limits::max_frame_body (4094).
//   replay_mode::window  dmsg session objects, which Go may send out of order: a bounded
//       sliding window (replay_window.hpp). Body limit limits::max_object_frame_body (65535).
// The opener records N only after the tag authenticates. Zero-length plaintexts are valid
// frames; skipping them is the reader's business (noise_stream does).
//
// Both are plain values, not thread-safe; a connection has one of each per direction.
// Errors: frame_too_long (plaintext or body above the limit), frame_too_short (body < 24),
// replayed_nonce, decrypt_failed, nonce_exhausted. All are fatal for the connection.
#include <cstdint>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/aead.hpp"
#include "skywire/noise/errc.hpp"
#include "skywire/noise/limits.hpp"
#include "skywire/noise/replay_window.hpp"

namespace skywire::noise {

// Whole frame size on the wire (with the u16 prefix) for a plaintext of n bytes.
constexpr std::size_t sealed_frame_size(std::size_t n) noexcept {
  return limits::length_prefix_len + limits::frame_overhead + n;
}

class frame_sealer {
 public:
  // max_plaintext: limits::max_data_plaintext for data, up to limits::max_object_plaintext for
  // session objects (larger values are clamped to that).
  explicit frame_sealer(const crypto::aead_key& key,
                        std::size_t max_plaintext = limits::max_data_plaintext) noexcept;
  frame_sealer(const frame_sealer&) = delete;  // a copy would reuse nonces
  frame_sealer& operator=(const frame_sealer&) = delete;
  frame_sealer(frame_sealer&&) noexcept;
  frame_sealer& operator=(frame_sealer&&) noexcept;
  ~frame_sealer();

  // Writes the whole frame (u16 L ‖ u64 N ‖ ciphertext ‖ tag) into out, which must be exactly
  // sealed_frame_size(plaintext.size()) bytes (checked: frame_too_long/frame_too_short otherwise).
  result<void> seal_into(byte_view plaintext, mutable_byte_view out) noexcept;
  // Appends the frame to out.
  result<void> seal_append(byte_view plaintext, bytes& out);
  result<bytes> seal(byte_view plaintext);

  // N of the last frame sealed (0 before the first).
  std::uint64_t last_nonce() const noexcept { return counter_; }
  std::size_t max_plaintext() const noexcept { return max_plaintext_; }

 private:
  crypto::aead_key key_;
  std::uint64_t counter_ = 0;
  std::size_t max_plaintext_;
};

enum class replay_mode : std::uint8_t { strictly_increasing, window };

class frame_opener {
 public:
  explicit frame_opener(const crypto::aead_key& key,
                        replay_mode mode = replay_mode::strictly_increasing) noexcept;
  frame_opener(const frame_opener&) = delete;
  frame_opener& operator=(const frame_opener&) = delete;
  frame_opener(frame_opener&&) noexcept;
  frame_opener& operator=(frame_opener&&) noexcept;
  ~frame_opener();

  // body = the frame after its u16 length: u64 N ‖ ciphertext ‖ tag. Decrypts in place and
  // returns the plaintext as a view into body. On error body's contents are unspecified.
  result<mutable_byte_view> open_in_place(mutable_byte_view body) noexcept;
  // Same, leaving body untouched and returning a copy.
  result<bytes> open(byte_view body);

  // Largest body this opener accepts (depends on the mode).
  std::size_t max_body() const noexcept;
  // Highest N accepted so far (0 before the first frame).
  std::uint64_t last_nonce() const noexcept;

 private:
  result<std::uint64_t> check_header(byte_view body) const noexcept;
  void accept(std::uint64_t n) noexcept;

  crypto::aead_key key_;
  replay_mode mode_;
  std::uint64_t last_ = 0;  // strictly_increasing
  replay_window window_;    // window
};

}  // namespace skywire::noise
