// dmsg StreamRequest / StreamResponse / SignedObject against the Go vectors
// (tests/vectors/dmsg-vectors.json, spec/dmsg.md §5.2–5.4).
#include <gtest/gtest.h>

#include "skywire/crypto/errc.hpp"
#include "skywire/wire/dmsg/signed_object.hpp"
#include "skywire/wire/dmsg/stream_objects.hpp"
#include "skywire/wire/gob/decoder.hpp"
#include "skywire/wire/gob/encoder.hpp"
#include "vectors.hpp"

namespace skywire::wire::dmsg {
namespace {

const boost::json::value& v() { return test::dmsg_vectors(); }

crypto::public_key pk_at(std::string_view path) {
  auto k = crypto::public_key::from_bytes(test::hex(v(), path));
  EXPECT_TRUE(k);
  return k ? *k : crypto::public_key{};
}

stream_request vector_request() {
  stream_request r;
  r.timestamp = test::at(v(), "stream_request.fields.Timestamp").to_number<std::int64_t>();
  r.src.pk = pk_at("stream_request.fields.SrcAddr.PK");
  r.src.port = static_cast<std::uint16_t>(test::at(v(), "stream_request.fields.SrcAddr.Port").to_number<int>());
  r.dst.pk = pk_at("stream_request.fields.DstAddr.PK");
  r.dst.port = static_cast<std::uint16_t>(test::at(v(), "stream_request.fields.DstAddr.Port").to_number<int>());
  r.noise_msg = test::hex(v(), "stream_request.fields.NoiseMsg");
  return r;
}

stream_response vector_response() {
  stream_response r;
  bytes h = test::hex(v(), "stream_response.fields.ReqHash");
  std::copy(h.begin(), h.end(), r.req_hash.begin());
  r.accepted = test::at(v(), "stream_response.fields.Accepted").as_bool();
  r.err_code = static_cast<std::uint16_t>(test::at(v(), "stream_response.fields.ErrCode").to_number<int>());
  r.noise_msg = test::hex(v(), "stream_response.fields.NoiseMsg");
  return r;
}

TEST(DmsgStreamObjects, EncodeRequestMatchesGoBytes) {
  const bytes gob = encode_stream_request(vector_request());
  EXPECT_EQ(gob, test::hex(v(), "stream_request.gob"));
  EXPECT_EQ(gob.size(), 282u);
}

TEST(DmsgStreamObjects, EncodeResponseMatchesGoBytesWithIds68) {
  EXPECT_EQ(encode_stream_response(vector_response(), 68), test::hex(v(), "stream_response.gob"));
  stream_response zero = vector_response();
  zero.accepted = false;
  zero.err_code = 0;
  zero.noise_msg.clear();
  EXPECT_EQ(encode_stream_response(zero, 68), test::hex(v(), "stream_response_all_zero_fields.gob"));
}

TEST(DmsgStreamObjects, DecodeRequestVector) {
  auto r = decode_stream_request(test::hex(v(), "stream_request.gob"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, vector_request());
}

TEST(DmsgStreamObjects, DecodeResponseVectorIds68And69) {
  auto r = decode_stream_response(test::hex(v(), "stream_response.gob"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, vector_response());
}

TEST(DmsgStreamObjects, DecodeAllZeroFieldsResponse) {
  auto r = decode_stream_response(test::hex(v(), "stream_response_all_zero_fields.gob"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_FALSE(r->accepted);
  EXPECT_EQ(r->err_code, 0);
  EXPECT_TRUE(r->noise_msg.empty());
  EXPECT_EQ(r->req_hash, vector_response().req_hash);
}

TEST(DmsgStreamObjects, FreshEncoderResponseUsesIds65And66AndRoundTrips) {
  const bytes gob = encode_stream_response(vector_response());
  gob::decoder d;
  auto m = d.next_value(gob);
  ASSERT_TRUE(m);
  ASSERT_NE(d.find_type(65), nullptr);
  ASSERT_NE(d.find_type(66), nullptr);
  EXPECT_EQ(d.find_type(65)->name, "StreamResponse");
  EXPECT_EQ(d.find_type(66)->kind, gob::type_kind::array);
  auto r = decode_stream_response(gob);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, vector_response());
}

TEST(DmsgStreamObjects, VectorSignaturesVerifyAndHashesMatch) {
  auto req = open_signed_request(test::hex(v(), "stream_request.signed_object"));
  ASSERT_TRUE(req) << req.error().message();
  EXPECT_EQ(req->request, vector_request());
  EXPECT_EQ(bytes(req->hash.begin(), req->hash.end()), test::hex(v(), "stream_request.signed_object_sha256"));
  EXPECT_EQ(req->request.src.pk, pk_at("keys.client_A.pk"));

  auto resp = open_signed_response(test::hex(v(), "stream_response.signed_object"), pk_at("keys.client_B.pk"));
  ASSERT_TRUE(resp) << resp.error().message();
  EXPECT_EQ(resp->req_hash, req->hash);
  // Wrong signer.
  EXPECT_FALSE(open_signed_response(test::hex(v(), "stream_response.signed_object"), pk_at("keys.client_A.pk")));
}

TEST(DmsgStreamObjects, SignReproducesVectorSignedObject) {
  auto sk = crypto::secret_key::from_bytes(test::hex(v(), "keys.client_A.sk"));
  ASSERT_TRUE(sk);
  const signed_object obj = make_signed_request(vector_request(), *sk);
  EXPECT_EQ(bytes(obj.sig.bytes().begin(), obj.sig.bytes().end()), test::hex(v(), "stream_request.signature"));
  EXPECT_EQ(obj.serialize(), test::hex(v(), "stream_request.signed_object"));
  auto h = obj.hash();
  EXPECT_EQ(bytes(h.begin(), h.end()), test::hex(v(), "stream_request.signed_object_sha256"));

  auto skb = crypto::secret_key::from_bytes(test::hex(v(), "keys.client_B.sk"));
  ASSERT_TRUE(skb);
  const signed_object resp = sign_object(encode_stream_response(vector_response(), 68), *skb);
  EXPECT_EQ(resp.serialize(), test::hex(v(), "stream_response.signed_object"));
}

TEST(DmsgStreamObjects, TamperedObjectFailsVerification) {
  bytes so = test::hex(v(), "stream_request.signed_object");
  so[65 + 200] ^= 0x01;  // inside the SrcAddr/DstAddr/NoiseMsg value bytes
  EXPECT_FALSE(open_signed_request(so));
}

TEST(DmsgStreamObjects, SignedObjectTooShort) {
  bytes so(65, 0);
  EXPECT_EQ(parse_signed_object(so).error(), errc::too_short);
  EXPECT_EQ(parse_signed_object(bytes(max_signed_object_size + 1, 0)).error(), errc::too_long);
}

TEST(DmsgStreamObjects, ZeroPortRejected) {
  stream_request r = vector_request();
  r.src.port = 0;
  EXPECT_EQ(decode_stream_request(encode_stream_request(r)).error(), errc::invalid_value);
}

TEST(DmsgStreamObjects, NullKeyRejected) {
  stream_request r = vector_request();
  r.dst.pk = crypto::public_key::null();
  EXPECT_EQ(decode_stream_request(encode_stream_request(r)).error(), errc::invalid_value);
}

TEST(DmsgStreamObjects, NonPositiveTimestampRejected) {
  stream_request r = vector_request();
  r.timestamp = 0;
  EXPECT_EQ(decode_stream_request(encode_stream_request(r)).error(), errc::invalid_value);
  r.timestamp = -5;
  EXPECT_EQ(decode_stream_request(encode_stream_request(r)).error(), errc::invalid_value);
}

TEST(DmsgStreamObjects, OversizedNoiseMsgRejected) {
  stream_request r = vector_request();
  r.noise_msg.assign(max_noise_msg + 1, 0xaa);
  EXPECT_EQ(decode_stream_request(encode_stream_request(r)).error(), errc::too_long);
}

TEST(DmsgStreamObjects, InvalidCurvePointRejected) {
  bytes gob = test::hex(v(), "stream_request.gob");
  // The SrcAddr PK starts after "ff90 ff82 01 f8<8> 01 01 21"; corrupt its x coordinate prefix.
  const bytes pk = test::hex(v(), "stream_request.fields.SrcAddr.PK");
  auto it = std::search(gob.begin(), gob.end(), pk.begin(), pk.end());
  ASSERT_NE(it, gob.end());
  *it = 0x05;  // not a compressed-point prefix
  auto r = decode_stream_request(gob);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), crypto::errc::bad_public_key);
}

TEST(DmsgStreamObjects, ResponseDecodedAsRequestFails) {
  // Only NoiseMsg matches by name, so Timestamp is zero: invalid. (The other way round Go
  // decodes too — NoiseMsg matches — and so do we.)
  EXPECT_EQ(decode_stream_request(test::hex(v(), "stream_response.gob")).error(), errc::invalid_value);
}

TEST(DmsgStreamObjects, StructWithNoMatchingFieldsIsTypeMismatch) {
  gob::schema s;
  const auto& other = s.add_struct("Other", {{"X", &gob::int_type()}});
  auto gob = gob::encode_fresh(other, gob::make_struct({{"X", gob::make_int(7)}}));
  ASSERT_TRUE(gob);
  EXPECT_EQ(decode_stream_request(*gob).error(), errc::type_mismatch);
  EXPECT_EQ(decode_stream_response(*gob).error(), errc::type_mismatch);
}

TEST(DmsgStreamObjects, TrailingBytesRejected) {
  bytes gob = test::hex(v(), "stream_request.gob");
  gob.push_back(0);
  EXPECT_FALSE(decode_stream_request(gob));
}

TEST(DmsgStreamObjects, TruncatedAtEveryOffsetNeverSucceeds) {
  for (const char* path : {"stream_request.gob", "stream_response.gob"}) {
    const bytes gob = test::hex(v(), path);
    for (std::size_t n = 0; n < gob.size(); ++n) {
      const byte_view cut(gob.data(), n);
      EXPECT_FALSE(decode_stream_request(cut)) << path << " cut at " << n;
      EXPECT_FALSE(decode_stream_response(cut)) << path << " cut at " << n;
    }
  }
}

}  // namespace
}  // namespace skywire::wire::dmsg
