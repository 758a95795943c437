#pragma once
// dmsg stream request/response objects (spec/dmsg.md §5.3–5.4) and their gob encoding.
//
// A dialer sends a StreamRequest{Timestamp, SrcAddr, DstAddr, NoiseMsg} (KK message 1) and the
// listener answers with a StreamResponse{ReqHash, Accepted, ErrCode, NoiseMsg} (KK message 2).
// Go encodes each with a fresh gob Encoder, so an object is a self-contained gob stream:
// definitions, then one value. Our encoders reproduce a fresh Go process byte for byte (ids 65
// StreamRequest, 66 Addr, 67 PubKey; 65 StreamResponse, 66 SHA256); our decoders accept any
// ids and field order a Go peer may use (a Go process that sent a request first numbers its
// response types 68/69), matching fields by name as Go does and ignoring unknown ones.
//
// Decoding validates as it extracts (the decode-and-validate step of Go's Verify, minus the
// signature, which lives in signed_object.hpp):
//   request : Timestamp > 0; both addresses have a valid (non-null) public key and port != 0;
//             NoiseMsg <= max_noise_msg bytes.
//   response: ReqHash sent as a 32-element gob array of uints (Go refuses a slice), each
//             <= 255 (absent = all zero, Go's zero value); ErrCode fits u16; NoiseMsg bounded.
//             Accepted = false is a valid response (the caller turns it into a dial error).
// Errors: the gob decoder's codes (truncated input shows up as errc::bad_message or
// errc::truncated), errc::type_mismatch (a field's wire type is not what Go would send),
// errc::invalid_value (a rule above), errc::too_long (NoiseMsg), and crypto::errc::
// bad_public_key for a PK that is not a curve point. All mean: reject the stream.
#include <cstdint>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/gob/types.hpp"

namespace skywire::wire::dmsg {

// KK handshake messages are 49 bytes; the bound leaves room for a payload while keeping a
// hostile object small. Go sets no limit, but its session frames cap objects anyway.
inline constexpr std::size_t max_noise_msg = 1024;

struct addr {
  crypto::public_key pk;
  std::uint16_t port = 0;
  friend bool operator==(const addr&, const addr&) = default;
};

struct stream_request {
  std::int64_t timestamp = 0;  // dialer's time.Now().UnixNano()
  addr src;
  addr dst;
  bytes noise_msg;
  friend bool operator==(const stream_request&, const stream_request&) = default;
};

struct stream_response {
  crypto::sha256_digest req_hash{};  // SHA256 of the request SignedObject
  bool accepted = false;
  std::uint16_t err_code = 0;
  bytes noise_msg;
  friend bool operator==(const stream_response&, const stream_response&) = default;
};

// Gob bytes as a fresh Go Encoder in a fresh process writes them (first_id = 65); another
// first_id reproduces a process that had already numbered other types.
bytes encode_stream_request(const stream_request& r, gob::type_id first_id = gob::default_first_id);
bytes encode_stream_response(const stream_response& r, gob::type_id first_id = gob::default_first_id);

result<stream_request> decode_stream_request(byte_view gob_bytes);
result<stream_response> decode_stream_response(byte_view gob_bytes);

}  // namespace skywire::wire::dmsg
