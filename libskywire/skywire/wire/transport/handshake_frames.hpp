#pragma once
// The raw-connection handshake frames of stcp / stcpr / sudph (spec/skywire.md §1.2), as pure
// codecs; transport/handshake.hpp runs them over a stream.
//
//   Frame0 I→R  the 9 bytes "get_nonce"
//   Frame1 R→I  {"Nonce":[b0,…,b15]}\n
//   Frame2 I→R  {"SrcAddr":{"public_key":"<hex>","port":n},"DstAddr":{…},"Nonce":[…],"Sig":"<130 hex>"}\n
//   Frame3 R→I  {"OK":true,"ErrMsg":""}\n
//
// Every encode_* returns the json.Encoder bytes, trailing "\n" included (send them in one
// write). Frame2's signature is SignPayload over encode_frame2 of the frame with a zero Sig —
// the canonical bytes *with* the "\n" — so verify_frame2 rebuilds those bytes from the decoded
// values and never hashes what was received.
//
// Parsing: one JSON object, optionally surrounded by whitespace (the "\n"); Go's decoder rules
// for keys (case-insensitive, unknown ignored, null = zero, later duplicate wins); stricter than
// Go on what no Go encoder sends: Nonce must be exactly 16 integers 0..255 (Go pads or ignores
// extra elements), ports must be integers 0..65535, public keys must be valid points (as in Go;
// an invalid point makes Go's decode fail too) or the '0' null quirk, at most max_frame_bytes.
// Errors: wire::errc too_long / too_deep / bad_json / type_mismatch / invalid_value, crypto::errc
// bad_public_key / bad_signature.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"

namespace skywire::wire::transport {

inline constexpr std::string_view frame0 = "get_nonce";

// Longest frame line accepted from a peer. The canonical Frame2 is ~380 bytes and an OK:false
// Frame3 carries a short error text; 4 KiB is generous for any Go spelling of those values.
inline constexpr std::size_t max_frame_bytes = 4096;

using handshake_nonce = std::array<std::uint8_t, 16>;

// routing.Addr: a skywire address (public key and skywire port).
struct skywire_addr {
  crypto::public_key pk;
  std::uint16_t port = 0;

  friend bool operator==(const skywire_addr&, const skywire_addr&) = default;
};

struct frame2 {
  skywire_addr src;
  skywire_addr dst;
  handshake_nonce nonce{};
  crypto::signature sig;

  friend bool operator==(const frame2&, const frame2&) = default;
};

struct frame3 {
  bool ok = false;
  std::string err_msg;

  friend bool operator==(const frame3&, const frame3&) = default;
};

std::string encode_frame1(const handshake_nonce& nonce);
result<handshake_nonce> parse_frame1(std::string_view text);

// The bytes that get signed: f encoded with a zero Sig, "\n" included.
std::string frame2_signing_bytes(const frame2& f);
// Builds and signs Frame2 as the Go initiator does (SrcAddr.public_key forced to kp.pk).
frame2 make_frame2(const crypto::key_pair& kp, std::uint16_t src_port, const skywire_addr& dst,
                   const handshake_nonce& nonce);
std::string encode_frame2(const frame2& f);
result<frame2> parse_frame2(std::string_view text);
// Signature check over the canonical re-encoding, against f.src.pk (crypto::errc on failure).
result<void> verify_frame2(const frame2& f);

std::string encode_frame3(const frame3& f);
result<frame3> parse_frame3(std::string_view text);

}  // namespace skywire::wire::transport
