#include "skywire/wire/dmsg/signed_object.hpp"

namespace skywire::wire::dmsg {

bytes signed_object::serialize() const {
  bytes out;
  out.reserve(sig.bytes().size() + gob.size());
  out.insert(out.end(), sig.bytes().begin(), sig.bytes().end());
  out.insert(out.end(), gob.begin(), gob.end());
  return out;
}

crypto::sha256_digest signed_object::hash() const { return crypto::sha256(sig.view(), gob); }

result<signed_object> parse_signed_object(byte_view in) {
  if (in.size() <= crypto::signature::size) return errc::too_short;
  if (in.size() > max_signed_object_size) return errc::too_long;
  auto sig = crypto::signature::from_bytes(in.first(crypto::signature::size));
  if (!sig) return sig.error();
  const byte_view rest = in.subspan(crypto::signature::size);
  return signed_object{*sig, bytes(rest.begin(), rest.end())};
}

signed_object sign_object(bytes gob, const crypto::secret_key& sk) {
  signed_object out;
  out.sig = crypto::sign_payload(gob, sk);
  out.gob = std::move(gob);
  return out;
}

result<void> verify_object(const signed_object& obj, const crypto::public_key& signer) {
  return crypto::verify_payload(signer, obj.gob, obj.sig);
}

signed_object make_signed_request(const stream_request& r, const crypto::secret_key& src_sk) {
  return sign_object(encode_stream_request(r), src_sk);
}

signed_object make_signed_response(const stream_response& r, const crypto::secret_key& dst_sk) {
  return sign_object(encode_stream_response(r), dst_sk);
}

result<opened_request> open_signed_request(byte_view in) {
  auto obj = parse_signed_object(in);
  if (!obj) return obj.error();
  auto req = decode_stream_request(obj->gob);
  if (!req) return req.error();
  if (auto v = verify_object(*obj, req->src.pk); !v) return v.error();
  return opened_request{std::move(*req), obj->hash()};
}

result<stream_response> open_signed_response(byte_view in, const crypto::public_key& expected_signer) {
  auto obj = parse_signed_object(in);
  if (!obj) return obj.error();
  auto resp = decode_stream_response(obj->gob);
  if (!resp) return resp.error();
  if (auto v = verify_object(*obj, expected_signer); !v) return v.error();
  return std::move(*resp);
}

}  // namespace skywire::wire::dmsg
