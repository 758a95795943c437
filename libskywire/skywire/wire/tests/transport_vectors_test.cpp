// Appendix B.1 / B.2 of spec/skywire.md replayed byte for byte: transport ids, ToBinary, the
// SignedEntry settlement line and the raw handshake frames, plus round trips through our parsers.
#include <gtest/gtest.h>

#include "skywire/base/hex.hpp"
#include "skywire/wire/transport/entry.hpp"
#include "skywire/wire/transport/handshake_frames.hpp"
#include "skywire/wire/transport/transport_id.hpp"
#include "transport_b_vectors.hpp"

namespace skywire::wire::transport {
namespace {

namespace v = vectors;

const handshake_nonce b2_nonce{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                               0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

TEST(TransportVectors, DeterministicKeysMatchAppendixB) {
  EXPECT_EQ(v::kp("a").pk.to_hex(), v::pk1);
  EXPECT_EQ(v::kp("a").sk.reveal_hex(), v::sk1);
  EXPECT_EQ(v::kp("b").pk.to_hex(), v::pk2);
  EXPECT_EQ(v::kp("c").pk.to_hex(), v::pk3);
}

TEST(TransportVectors, TransportIdsB1) {
  const auto a = v::pk(v::pk1);
  const auto b = v::pk(v::pk2);
  EXPECT_EQ(make_transport_id(a, b, type_stcpr).to_string(), v::id_stcpr);
  EXPECT_EQ(make_transport_id(a, b, type_sudph).to_string(), v::id_sudph);
  EXPECT_EQ(make_transport_id(a, b, type_dmsg).to_string(), v::id_dmsg);
  EXPECT_EQ(make_transport_id(a, b, type_stcp).to_string(), v::id_stcp);
  // Symmetric: both ends compute the same id.
  EXPECT_EQ(make_transport_id(b, a, type_stcp), make_transport_id(a, b, type_stcp));
  EXPECT_NE(make_transport_id(a, v::pk(v::pk3), type_stcp), make_transport_id(a, b, type_stcp));
}

TEST(TransportVectors, SortEdgesPk2First) {
  const auto e = sort_edges(v::pk(v::pk1), v::pk(v::pk2));
  EXPECT_EQ(e[0].to_hex(), v::pk2);
  EXPECT_EQ(e[1].to_hex(), v::pk1);
  EXPECT_EQ(sort_edges(v::pk(v::pk2), v::pk(v::pk1)), e);
}

TEST(TransportVectors, UuidTextRoundTrip) {
  auto id = uuid::from_text(v::id_stcpr);
  ASSERT_TRUE(id);
  EXPECT_EQ(base::to_hex(id->bytes), "a283e9bce5b403f8a640a4c189c21e04");
  EXPECT_EQ(id->to_string(), v::id_stcpr);
  auto upper = uuid::from_text("A283E9BC-E5B4-03F8-A640-A4C189C21E04");
  ASSERT_TRUE(upper);
  EXPECT_EQ(*upper, *id);
  EXPECT_EQ(uuid{}.to_string(), "00000000-0000-0000-0000-000000000000");
}

TEST(TransportVectors, EntryToBinaryB1) {
  const entry e = make_entry(v::pk(v::pk1), v::pk(v::pk2), type_stcpr, label_user);
  EXPECT_EQ(base::to_hex(to_binary(e)),
            std::string("a283e9bce5b403f8a640a4c189c21e04") + v::pk2 + v::pk1 + "7374637072");
}

TEST(TransportVectors, SignedEntryB1ByteExact) {
  signed_entry se{make_entry(v::pk(v::pk1), v::pk(v::pk2), type_stcpr, label_user), {}, 0};
  se.signatures[1] = crypto::signature::from_text(v::entry_sig_pk1).value();
  EXPECT_EQ(to_json_line(se), v::signed_entry_line());
  EXPECT_EQ(to_json(se) + "\n", v::signed_entry_line());
  // Go's signature verifies in pk1's slot; pk2's slot is empty.
  EXPECT_TRUE(verify_entry_slot(se, v::pk(v::pk1)));
  EXPECT_FALSE(verify_entry_slot(se, v::pk(v::pk2)));

  auto parsed = parse_signed_entry(v::signed_entry_line());
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, se);
  EXPECT_EQ(to_json_line(*parsed), v::signed_entry_line());
}

TEST(TransportVectors, SignEntryUsesOwnSlot) {
  signed_entry se{make_entry(v::pk(v::pk1), v::pk(v::pk2), type_stcpr, label_user), {}, 0};
  ASSERT_TRUE(sign_entry(se, v::kp1()));
  EXPECT_TRUE(se.signatures[0].is_null());
  EXPECT_TRUE(verify_entry_slot(se, v::pk(v::pk1)));
  ASSERT_TRUE(sign_entry(se, v::kp("b")));
  EXPECT_TRUE(verify_entry_slot(se, v::pk(v::pk2)));
  EXPECT_FALSE(sign_entry(se, v::kp("c")));  // not an edge
  EXPECT_FALSE(verify_entry_slot(se, v::pk(v::pk3)));
}

TEST(TransportVectors, RegisteredOmittedWhenZeroWrittenOtherwise) {
  signed_entry se{make_entry(v::pk(v::pk1), v::pk(v::pk2), type_stcp, label_automatic), {}, 1700000000};
  const std::string j = to_json(se);
  EXPECT_NE(j.find(",\"registered\":1700000000}"), std::string::npos) << j;
  auto back = parse_signed_entry(j);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, se);
  se.entry.reset();
  EXPECT_EQ(to_json(se).rfind("{\"entry\":null,", 0), 0u);
}

TEST(TransportVectors, Frame1B2) {
  EXPECT_EQ(encode_frame1(b2_nonce), v::frame1);
  auto n = parse_frame1(v::frame1);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, b2_nonce);
}

TEST(TransportVectors, Frame2B2SigningBytesAndGoSignature) {
  const skywire_addr src{v::pk(v::pk1), 49153};
  const skywire_addr dst{v::pk(v::pk2), 45};
  frame2 f{src, dst, b2_nonce, crypto::signature{}};
  EXPECT_EQ(frame2_signing_bytes(f), v::frame2_with_sig(std::string(130, '0')));

  // Go's sent Frame2 parses, re-encodes byte for byte and its signature verifies.
  const std::string sent = v::frame2_with_sig(v::frame2_sig);
  auto parsed = parse_frame2(sent);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->src, src);
  EXPECT_EQ(parsed->dst, dst);
  EXPECT_EQ(parsed->nonce, b2_nonce);
  EXPECT_EQ(parsed->sig.to_hex(), v::frame2_sig);
  EXPECT_EQ(encode_frame2(*parsed), sent);
  EXPECT_TRUE(verify_frame2(*parsed));

  // Our own signature over the same frame verifies too (and is over the bytes with "\n").
  const frame2 ours = make_frame2(v::kp1(), 49153, dst, b2_nonce);
  EXPECT_TRUE(verify_frame2(ours));
  EXPECT_TRUE(crypto::verify_payload(src.pk, as_bytes(v::frame2_with_sig(std::string(130, '0'))), ours.sig));
  const std::string no_newline = v::frame2_with_sig(std::string(130, '0'));
  EXPECT_FALSE(crypto::verify_payload(src.pk, as_bytes(std::string_view(no_newline).substr(0, no_newline.size() - 1)),
                                      ours.sig));
}

TEST(TransportVectors, Frame2VerifiesReEncodingNotReceivedSpelling) {
  // Same values, different spelling (key case, upper-case hex, whitespace, unknown key): the
  // signature still verifies because the verifier re-encodes canonically, as Go does.
  std::string sent = v::frame2_with_sig(v::frame2_sig);
  std::string odd = R"({ "srcaddr" : {"PUBLIC_KEY":"032FFEE44B9554CD3350EE16760688B2FB9D0FAAE7F3534917FF07E971EB36FD6B","port":49153},)"
                    R"("DstAddr":{"public_key":")" + std::string(v::pk2) + R"(","port":45},"extra":[1,2],)"
                    R"("nonce":[0,17,34,51,68,85,102,119,136,153,170,187,204,221,238,255],"Sig":")" + v::frame2_sig + "\"}\n";
  auto parsed = parse_frame2(odd);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_TRUE(verify_frame2(*parsed));
  EXPECT_EQ(encode_frame2(*parsed), sent);
}

TEST(TransportVectors, Frame3B2) {
  EXPECT_EQ(encode_frame3({true, ""}), v::frame3_ok);
  EXPECT_EQ(encode_frame3({false, "not listening on given port"}),
            "{\"OK\":false,\"ErrMsg\":\"not listening on given port\"}\n");
  auto f = parse_frame3(v::frame3_ok);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->ok);
  EXPECT_EQ(f->err_msg, "");
  // Go escapes HTML characters in the error text.
  EXPECT_EQ(encode_frame3({false, "a<b"}), "{\"OK\":false,\"ErrMsg\":\"a\\u003cb\"}\n");
}

}  // namespace
}  // namespace skywire::wire::transport
