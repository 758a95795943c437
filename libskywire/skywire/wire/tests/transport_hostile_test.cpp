// Hostile input for the transport-layer JSON decoders (SignedEntry, handshake frames): every
// malformed or oversized document is an error value, never a crash, and the Go-compatible
// tolerances (key case, null, later duplicate wins) are what Go's decoder does.
#include <gtest/gtest.h>

#include <string>

#include "skywire/crypto/errc.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/transport/entry.hpp"
#include "skywire/wire/transport/handshake_frames.hpp"
#include "transport_b_vectors.hpp"

namespace skywire::wire::transport {
namespace {

namespace v = vectors;

const std::string nonce_json = "[0,17,34,51,68,85,102,119,136,153,170,187,204,221,238,255]";

std::string frame2_text(const std::string& src_pk, const std::string& port, const std::string& nonce) {
  return R"({"SrcAddr":{"public_key":")" + src_pk + R"(","port":)" + port + R"(},"DstAddr":{"public_key":")" +
         v::pk2 + R"(","port":45},"Nonce":)" + nonce + R"(,"Sig":")" + v::frame2_sig + "\"}\n";
}

std::string entry_text(const std::string& edges, const std::string& sigs, const std::string& extra = "") {
  return R"({"entry":{"t_id":"a283e9bc-e5b4-03f8-a640-a4c189c21e04","edges":)" + edges +
         R"(,"type":"stcpr","label":"user"},"signatures":)" + sigs + extra + "}\n";
}

const std::string good_edges = std::string("[\"") + v::pk2 + "\",\"" + v::pk1 + "\"]";
const std::string zero_sigs = "[\"" + std::string(130, '0') + "\",\"" + std::string(130, '0') + "\"]";

TEST(TransportHostile, Frame1NonceShapes) {
  EXPECT_TRUE(parse_frame1("{\"Nonce\":" + nonce_json + "}"));  // no newline: fine
  EXPECT_EQ(parse_frame1("{\"Nonce\":[1,2,3]}\n").error(), errc::invalid_value);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}\n").error(), errc::invalid_value);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}\n").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[-1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}\n").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[1.5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}\n").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[1e300,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}\n").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[99999999999999999999999,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}").error(),
            errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[\"0\",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":\"AAAAAAAAAAAAAAAAAAAAAA==\"}").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame1("{\"Nonce\":{}}").error(), errc::type_mismatch);
  // Absent or null: the zero nonce (Go leaves the field alone); the handshake then rejects it.
  EXPECT_EQ(*parse_frame1("{}"), handshake_nonce{});
  EXPECT_EQ(*parse_frame1("{\"Nonce\":null}"), handshake_nonce{});
}

TEST(TransportHostile, DuplicateAndCaseVariantKeysLaterWins) {
  auto n = parse_frame1("{\"Nonce\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"nonce\":[2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2]}");
  ASSERT_TRUE(n);
  EXPECT_EQ((*n)[0], 2);
  auto m = parse_frame1("{\"Nonce\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"Nonce\":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3]}");
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)[0], 3);
  // A later bad duplicate is still an error (every occurrence is decoded, as in Go).
  EXPECT_FALSE(parse_frame1("{\"Nonce\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"NONCE\":7}"));
}

TEST(TransportHostile, TrailingGarbageAndNonObjects) {
  const std::string f1 = v::frame1;
  EXPECT_TRUE(parse_frame1(f1 + "\n  \t"));  // JSON whitespace only
  EXPECT_EQ(parse_frame1(f1 + "x").error(), errc::bad_json);
  EXPECT_EQ(parse_frame1(f1 + f1).error(), errc::bad_json);
  EXPECT_EQ(parse_frame1("").error(), errc::bad_json);
  EXPECT_EQ(parse_frame1("\n").error(), errc::bad_json);
  EXPECT_EQ(parse_frame1("[]").error(), errc::bad_json);
  EXPECT_EQ(parse_frame1("\"get_nonce\"").error(), errc::bad_json);
  EXPECT_EQ(parse_frame1("{\"Nonce\":[0,1").error(), errc::bad_json);
  EXPECT_EQ(parse_frame3("{\"OK\":true,\"ErrMsg\":\"\xff\"}").error(), errc::bad_json);  // invalid UTF-8
}

TEST(TransportHostile, SizeAndDepthBounded) {
  std::string big = "{\"pad\":\"" + std::string(max_frame_bytes, 'a') + "\"}";
  EXPECT_EQ(parse_frame3(big).error(), errc::too_long);
  std::string deep = "{\"x\":" + std::string(50, '[') + std::string(50, ']') + "}";
  EXPECT_EQ(parse_frame3(deep).error(), errc::too_deep);
  std::string big_entry = entry_text(good_edges, zero_sigs, ",\"pad\":\"" + std::string(5000, 'a') + "\"");
  EXPECT_EQ(parse_signed_entry(big_entry).error(), errc::too_long);
}

TEST(TransportHostile, Frame2BadKeysPortsAndNonce) {
  EXPECT_TRUE(parse_frame2(frame2_text(v::pk1, "49153", nonce_json)));
  // Not a curve point (x with no y), wrong length, not hex.
  std::string bad_point = "02" + std::string(64, 'f');
  EXPECT_EQ(parse_frame2(frame2_text(bad_point, "1", nonce_json)).error(), crypto::errc::bad_public_key);
  EXPECT_EQ(parse_frame2(frame2_text(std::string(v::pk1).substr(2), "1", nonce_json)).error(),
            crypto::errc::bad_public_key);
  EXPECT_EQ(parse_frame2(frame2_text("zz" + std::string(v::pk1).substr(2), "1", nonce_json)).error(),
            crypto::errc::bad_public_key);
  // Ports: must be an integer 0..65535.
  EXPECT_EQ(parse_frame2(frame2_text(v::pk1, "65536", nonce_json)).error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame2(frame2_text(v::pk1, "-1", nonce_json)).error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame2(frame2_text(v::pk1, "1.0", nonce_json)).error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame2(frame2_text(v::pk1, "18446744073709551616", nonce_json)).error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame2(frame2_text(v::pk1, "\"45\"", nonce_json)).error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame2(frame2_text(v::pk1, "45", "[1,2]")).error(), errc::invalid_value);
  // Signature text of the wrong length.
  std::string f = frame2_text(v::pk1, "49153", nonce_json);
  f.replace(f.find(v::frame2_sig), 130, "abcd");
  EXPECT_EQ(parse_frame2(f).error(), crypto::errc::bad_signature);
}

TEST(TransportHostile, Frame2TamperedFailsVerification) {
  auto f = parse_frame2(frame2_text(v::pk1, "49153", nonce_json));
  ASSERT_TRUE(f);
  ASSERT_TRUE(verify_frame2(*f));
  for (int field = 0; field < 4; ++field) {
    frame2 t = *f;
    if (field == 0) t.src.port = 49154;
    if (field == 1) t.dst.port = 46;
    if (field == 2) t.nonce[15] ^= 1;
    if (field == 3) t.src.pk = v::pk(v::pk3);
    EXPECT_FALSE(verify_frame2(t)) << field;
  }
  frame2 zero = *f;
  zero.sig = crypto::signature{};
  EXPECT_FALSE(verify_frame2(zero));
  // A null SrcAddr key (Go's '0' quirk parses) never verifies.
  auto null_src = parse_frame2(frame2_text(std::string(66, '0'), "49153", nonce_json));
  ASSERT_TRUE(null_src);
  EXPECT_TRUE(null_src->src.pk.is_null());
  EXPECT_EQ(verify_frame2(*null_src).error(), crypto::errc::null_public_key);
}

TEST(TransportHostile, Frame3Shapes) {
  EXPECT_EQ(parse_frame3("{\"OK\":\"true\"}").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame3("{\"OK\":1}").error(), errc::type_mismatch);
  EXPECT_EQ(parse_frame3("{\"ErrMsg\":5}").error(), errc::type_mismatch);
  auto f = parse_frame3("{\"ok\":false,\"errmsg\":\"not listening on given port\"}");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->ok);
  EXPECT_EQ(f->err_msg, "not listening on given port");
  EXPECT_FALSE(parse_frame3("{}")->ok);  // absent OK is false: the initiator fails
}

TEST(TransportHostile, SignedEntryShapes) {
  EXPECT_TRUE(parse_signed_entry(entry_text(good_edges, zero_sigs)));
  const std::string one_edge = std::string("[\"") + v::pk2 + "\"]";
  const std::string three_edges = std::string("[\"") + v::pk2 + "\",\"" + v::pk1 + "\",\"" + v::pk3 + "\"]";
  EXPECT_EQ(parse_signed_entry(entry_text(one_edge, zero_sigs)).error(), errc::invalid_value);
  EXPECT_EQ(parse_signed_entry(entry_text(three_edges, zero_sigs)).error(), errc::invalid_value);
  EXPECT_EQ(parse_signed_entry(entry_text("\"x\"", zero_sigs)).error(), errc::type_mismatch);
  const std::string bad_edge = std::string("[\"") + v::pk2 + "\",\"03" + std::string(64, '0') + "\"]";
  EXPECT_EQ(parse_signed_entry(entry_text(bad_edge, zero_sigs)).error(), crypto::errc::bad_public_key);
  EXPECT_EQ(parse_signed_entry(entry_text(good_edges, "[\"00\"]")).error(), errc::invalid_value);
  EXPECT_EQ(parse_signed_entry(entry_text(good_edges, "[\"0\",\"abc\"]")).error(), crypto::errc::bad_signature);
  EXPECT_EQ(parse_signed_entry(entry_text(good_edges, zero_sigs, ",\"registered\":9223372036854775808")).error(),
            errc::type_mismatch);
  EXPECT_EQ(parse_signed_entry(entry_text(good_edges, zero_sigs, ",\"registered\":1.5")).error(),
            errc::type_mismatch);
  EXPECT_EQ(parse_signed_entry("{\"entry\":[]}").error(), errc::type_mismatch);
  EXPECT_EQ(parse_signed_entry("{\"entry\":{\"t_id\":\"not-a-uuid\"}}").error(), errc::invalid_value);
  EXPECT_EQ(parse_signed_entry("{\"entry\":{\"t_id\":\"a283e9bc-e5b4-03f8-a640-a4c189c21e0g\"}}").error(),
            errc::invalid_value);
  EXPECT_EQ(parse_signed_entry("{\"entry\":{\"t_id\":\"a283e9bc0e5b4003f80a6400a4c189c21e04\"}}").error(),
            errc::invalid_value);
  EXPECT_EQ(parse_signed_entry(entry_text(good_edges, zero_sigs) + "{}").error(), errc::bad_json);
  auto null_entry = parse_signed_entry("{\"entry\":null,\"signatures\":null}");
  ASSERT_TRUE(null_entry);
  EXPECT_FALSE(null_entry->entry);
  EXPECT_FALSE(verify_entry_slot(*null_entry, v::pk(v::pk1)));
}

}  // namespace
}  // namespace skywire::wire::transport
