#pragma once
// Error codes of the noise module (category "skywire.noise"). Every one of them is fatal for
// the handshake or connection that reported it: the caller drops the connection (and, for a
// dmsg stream, the stream). None is retryable on the same connection, because a Noise peer that
// sent one bad message or frame cannot be resynchronised.
#include <boost/system/error_code.hpp>
#include <type_traits>

namespace skywire::noise {

enum class errc {
  wrong_state = 1,         // handshake call out of turn, after completion/failure, or split too early
  bad_message_length,      // handshake message is not exactly the length its pattern implies
  decrypt_failed,          // AEAD tag did not authenticate (wrong key, tampered or replaced bytes)
  bad_public_key,          // peer's e or s is not a valid compressed secp256k1 point
  dh_failed,               // ECDH produced no shared secret
  missing_remote_static,   // the pattern needs the peer's static key up front and none was given
  handshake_failed,        // an earlier error poisoned this handshake; it can only be discarded
  frame_too_long,          // u16 length (or plaintext) above the limit for this kind of frame
  frame_too_short,         // frame body shorter than nonce + tag
  replayed_nonce,          // frame nonce not accepted by the replay rule (repeat, decrease, too old)
  nonce_exhausted,         // send counter reached its maximum; the connection must be replaced
  truncated_frame,         // the byte stream ended inside a frame
  timed_out,               // the handshake deadline passed
};

const boost::system::error_category& category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

}  // namespace skywire::noise

template <>
struct boost::system::is_error_code_enum<skywire::noise::errc> : std::true_type {};
