#pragma once
// dmsg SignedObject (spec/dmsg.md §5.2): sig(65) ‖ gob(object), where sig signs SHA256(gob)
// with the sender's key (crypto::sign_payload). The request's hash, which the response must
// quote as ReqHash, is SHA256(sig ‖ gob) of the whole object exactly as received.
//
// A SignedObject must be longer than 65 bytes (errc::too_short) and at most
// max_signed_object_size (errc::too_long). open_* functions parse, decode, validate and verify
// in one step, so a caller never holds an unverified request: a request must be signed by its
// SrcAddr.PK, a response by the key the caller expects (the request's DstAddr.PK). Signature
// failures keep their crypto::errc codes (signature_mismatch, bad_signature, high_s_signature).
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/wire/dmsg/stream_objects.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::wire::dmsg {

// 65-byte signature plus the largest gob object the decoder accepts (gob::stream_object_limits).
inline constexpr std::size_t max_signed_object_size = crypto::signature::size + 8192;

struct signed_object {
  crypto::signature sig;
  bytes gob;

  bytes serialize() const;                // sig ‖ gob
  crypto::sha256_digest hash() const;     // SHA256(sig ‖ gob)
};

result<signed_object> parse_signed_object(byte_view in);
signed_object sign_object(bytes gob, const crypto::secret_key& sk);
// Whether signer made sig over SHA256(gob). crypto::errc on failure.
result<void> verify_object(const signed_object& obj, const crypto::public_key& signer);

// Encode + sign with the source's key (which must be r.src.pk's secret key).
signed_object make_signed_request(const stream_request& r, const crypto::secret_key& src_sk);
signed_object make_signed_response(const stream_response& r, const crypto::secret_key& dst_sk);

struct opened_request {
  stream_request request;
  crypto::sha256_digest hash;  // what the response's ReqHash must equal
};
// Parse, decode, validate, and verify the signature against request.src.pk.
result<opened_request> open_signed_request(byte_view in);
// Parse, decode, validate, and verify the signature against expected_signer.
result<stream_response> open_signed_response(byte_view in, const crypto::public_key& expected_signer);

}  // namespace skywire::wire::dmsg
