#pragma once
// Noise KK over a carrier net::stream (spec/skywire.md §1.3), the layer stcp / stcpr / sudph
// put on top of the raw handshake. The cryptography and frame format are the noise module's
// (handshake_state, frame_sealer / frame_opener — the same code dmsg streams use); this file
// only moves those frames over a virtual net::stream instead of an Asio stream, so one
// implementation serves TCP now and KCP later.
//
//   noise_kk(...)  KK handshake (initiator = dialer), each message as u16 BE length ‖ 49 bytes
//                  in one write, exact-length reads, under one deadline (Go: 5 s) →
//                  encrypted_stream
//   encrypted_stream  data frames u16 L ‖ u64 BE seq ‖ ChaChaPoly: writes split at 4070
//                  plaintext bytes (batched ~64 KiB per carrier write), reads return data from
//                  at most one frame, empty frames skipped, seq strictly increasing, a length
//                  prefix above 4094 is fatal. peek_some shows the current frame's unread
//                  plaintext (opening the next frame first if none is left), so the settlement
//                  line is read in two calls instead of one read_some per byte.
//
// Ownership: encrypted_stream owns the carrier stream and the keys (wiped on destruction).
// One read (read_some or peek_some) and one write_all may be outstanding at a time (disjoint
// state).
// Errors: noise::errc (decrypt_failed, replayed_nonce, frame_too_long, frame_too_short,
// bad_message_length, handshake errors), net::errc::timeout (handshake deadline),
// net::errc::closed at EOF, carrier errors. Every error is sticky for its direction and fatal.
#include <chrono>
#include <memory>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/noise/frame.hpp"
#include "skywire/noise/handshake_state.hpp"

namespace skywire::transport {

inline constexpr std::chrono::seconds noise_handshake_timeout{5};

class encrypted_stream final : public net::stream {
 public:
  encrypted_stream(std::unique_ptr<net::stream> carrier, const noise::transport_keys& keys);
  ~encrypted_stream() override;

  boost::asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override;
  boost::asio::awaitable<result<std::size_t>> peek_some(mutable_byte_view buf) override;
  boost::asio::awaitable<result<void>> write_all(byte_view data) override;
  void close() noexcept override;

 private:
  // Opens frames until one has plaintext (pending_ not empty) or the read direction fails.
  boost::asio::awaitable<result<void>> fill_pending();
  // read_some and peek_some: copies plaintext into buf (opening a frame first when none is
  // pending) and, when `consume`, drops what it copied from pending_.
  boost::asio::awaitable<result<std::size_t>> copy_pending(mutable_byte_view buf, bool consume);

  std::unique_ptr<net::stream> carrier_;
  noise::frame_sealer sealer_;
  noise::frame_opener opener_;
  bytes rbuf_;
  byte_view pending_;
  bytes wbuf_;
  error_code read_error_;
  error_code write_error_;
};

// Runs the KK handshake over carrier as initiator or responder and wraps it. rng supplies the
// ephemeral key. On error the carrier is closed and dropped.
boost::asio::awaitable<result<std::unique_ptr<encrypted_stream>>> noise_kk(
    std::unique_ptr<net::stream> carrier, noise::handshake_role role, const crypto::key_pair& local,
    const crypto::public_key& remote, base::random_source& rng,
    std::chrono::steady_clock::duration timeout = noise_handshake_timeout);

}  // namespace skywire::transport
