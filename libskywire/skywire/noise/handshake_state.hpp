#pragma once
// handshake_state: the sans-I/O Noise handshake dmsg and skywire speak (spec/dmsg.md §3.1-3.4,
// spec/skywire.md §1.3). No sockets, no clocks, no randomness: the caller injects the
// ephemeral key pair (production passes crypto::generate_key_pair(system_random); tests pass
// the vectors' keys) and moves the messages; async.hpp has the socket adaptor.
//
// Suite: Noise_{XK,KK}_Secp256k1_ChaChaPoly_SHA256, DHLEN 33 (DH = crypto::noise_dh, i.e.
// SHA256(compressed point) ‖ 0x00), empty prologue (still mixed), empty payloads, no PSK.
//   XK (dmsg session; client = initiator):   <- s  ...  -> e, es   <- e, ee   -> s, se
//   KK (dmsg stream, skywire transport):     -> s, <- s  ...  -> e, es, ss   <- e, ee, se
// Messages are 49 / 49 / 65 bytes (XK) and 49 / 49 (KK); read_message accepts only those exact
// lengths (no trailing bytes: the payloads are always empty).
//
// Ownership: the state owns copies of the keys it was given and wipes its chaining key and
// cipher key on destruction. Not thread-safe; one handshake per object.
//
// Errors (noise::errc, all fatal: once write_message/read_message fails the state is poisoned
// and every later call returns handshake_failed; drop the connection. split() is const and
// does not poison):
//   wrong_state           write/read out of turn, after completion, or split() before it.
//   bad_message_length    read_message got a message of the wrong size.
//   decrypt_failed        a tag did not authenticate (wrong static key, corrupted message).
//   bad_public_key        the peer's e or s is not a valid point.
//   dh_failed             ECDH failed.
//   missing_remote_static create(): XK initiator and both KK roles need the peer's static key.
#include <cstdint>
#include <optional>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/aead.hpp"
#include "skywire/crypto/ecdh.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/noise/errc.hpp"

namespace skywire::noise {

enum class handshake_pattern : std::uint8_t { xk, kk };
enum class handshake_role : std::uint8_t { initiator, responder };

// The two transport keys after the handshake, with the dmsg assignment quirk (§3.4) already
// applied: the party that wrote the last handshake message sends with split's k2 and receives
// with k1. So the XK initiator sends with k2 (reversed vs. the Noise spec) and the KK initiator
// with k1 (standard). Wiped on destruction.
struct transport_keys {
  crypto::aead_key send;
  crypto::aead_key recv;
  ~transport_keys() {
    crypto::wipe(send);
    crypto::wipe(recv);
  }
};

struct handshake_config {
  handshake_pattern pattern;
  handshake_role role;
  crypto::key_pair local_static;
  // Required (non-null) for the XK initiator and both KK roles; ignored by the XK responder,
  // which learns it from message 3 (remote_static()).
  std::optional<crypto::public_key> remote_static;
  // Fresh for every handshake. Reusing one breaks Noise's security; the type cannot stop that.
  crypto::key_pair local_ephemeral;
};

class handshake_state {
 public:
  static result<handshake_state> create(const handshake_config& config);

  handshake_state(const handshake_state&) = default;
  handshake_state(handshake_state&&) = default;
  handshake_state& operator=(const handshake_state&) = default;
  handshake_state& operator=(handshake_state&&) = default;
  ~handshake_state();

  // The next handshake message (empty payload). Requires is_my_turn().
  result<bytes> write_message();
  // Consumes the peer's next handshake message (exact length). Requires !is_my_turn() and
  // !is_complete().
  result<void> read_message(byte_view message);

  bool is_complete() const noexcept { return !failed_ && index_ == message_count(); }
  bool failed() const noexcept { return failed_; }
  // Whether the next step is write_message() (false when complete or failed).
  bool is_my_turn() const noexcept;
  // Length the next message (read or written) has; 0 when complete.
  std::size_t next_message_length() const noexcept;

  // The peer's static key: given at create(), or (XK responder) learned from message 3 once
  // that message has fully authenticated. The null key until then.
  const crypto::public_key& remote_static() const noexcept;

  // Transport keys with the dmsg quirk (see transport_keys). Requires is_complete().
  result<transport_keys> split() const;

  // Noise's h and ck; for tests against the golden vectors (h is not secret, ck is).
  const crypto::sha256_digest& handshake_hash() const noexcept { return h_; }
  const crypto::sha256_digest& chaining_key() const noexcept { return ck_; }

  handshake_pattern pattern() const noexcept { return pattern_; }
  handshake_role role() const noexcept { return role_; }

 private:
  explicit handshake_state(const handshake_config& config);

  std::size_t message_count() const noexcept;
  bool initiator() const noexcept { return role_ == handshake_role::initiator; }

  void mix_hash(byte_view data);
  void mix_key(byte_view ikm);
  void encrypt_and_hash(byte_view plaintext, bytes& out);
  result<void> decrypt_and_hash(byte_view ciphertext, mutable_byte_view plaintext);
  result<void> mix_dh(const crypto::secret_key& sk, const std::optional<crypto::dh_public_key>& pk);
  result<void> do_read(byte_view message);
  const std::optional<crypto::dh_public_key>& peer_s(
      const std::optional<crypto::dh_public_key>& learned) const noexcept;

  handshake_pattern pattern_;
  handshake_role role_;
  crypto::key_pair s_;
  crypto::key_pair e_;
  // The peer's keys with their points decoded once: each takes part in two DHs. Empty until
  // known (remote_static_: the XK responder's until message 3).
  std::optional<crypto::dh_public_key> remote_static_;
  std::optional<crypto::dh_public_key> remote_ephemeral_;

  crypto::sha256_digest h_{};
  crypto::sha256_digest ck_{};
  crypto::aead_key k_{};
  bool has_key_ = false;
  std::uint64_t n_ = 0;

  std::size_t index_ = 0;  // next message, 0-based; even = written by the initiator
  bool failed_ = false;
};

}  // namespace skywire::noise
