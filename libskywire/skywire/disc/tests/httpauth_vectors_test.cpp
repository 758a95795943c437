// httpauth's signed bytes against spec/skywire.md §2.1's digests, and the pure parts of the
// httpauth and address-resolver clients (URL sanitising, Go's JSON bytes, response parsing).
#include <gtest/gtest.h>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/hash.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/disc/httpauth_client.hpp"

namespace skywire::disc {
namespace {

std::string digest_hex(std::string_view s) { return base::to_hex(crypto::sha256(as_bytes(s))); }

TEST(HttpAuthVectors, SignedBytesAndDigests) {
  // A bodiless GET with nonce 7 signs "7".
  EXPECT_EQ(httpauth::signed_payload("", 7), "7");
  EXPECT_EQ(digest_hex(httpauth::signed_payload("", 7)),
            "7902699be42c8a8e46fbbb4501726517e86b22c56a189f7625a6da49081b2451");
  // The AR's DELETE /bind/stcpr with nonce 12 signs 7b 7d 0a 31 32.
  const std::string del = httpauth::signed_payload("{}\n", 12);
  EXPECT_EQ(base::to_hex(as_bytes(del)), "7b7d0a3132");
  EXPECT_EQ(digest_hex(del), "a5e6aeea35ae0aa3add5e971b29c7b2215481faf3d05c9e514a3ae1d81d18f04");
  EXPECT_EQ(httpauth::signed_payload("x", 18446744073709551615ull), "x18446744073709551615");
}

TEST(HttpAuthVectors, SignVerifyWithAppendixBKey) {
  const auto sk = *crypto::secret_key::from_text("b4f56cab07ea360c16c22ac241738e923b232138b69089fe0134f81a432ffaff");
  const auto pk = *crypto::public_key::from_text("032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b");
  const auto sig = httpauth::sign("{}\n", 12, sk);
  EXPECT_TRUE(httpauth::verify("{}\n", 12, pk, sig));
  // Same signature over SHA256("{}\n12") directly: the nonce is part of the signed payload.
  EXPECT_TRUE(crypto::verify_payload(pk, as_bytes(std::string_view("{}\n12")), sig));
  EXPECT_FALSE(httpauth::verify("{}\n", 13, pk, sig));
  EXPECT_FALSE(httpauth::verify("{}", 12, pk, sig));
}

TEST(HttpAuthClient, SanitizeBaseUrl) {
  EXPECT_EQ(sanitize_base_url(""), "http://localhost");
  EXPECT_EQ(sanitize_base_url("http://ar.skywire.skycoin.com/"), "http://ar.skywire.skycoin.com");
  EXPECT_EQ(sanitize_base_url("127.0.0.1:9093"), "http://127.0.0.1:9093");
  EXPECT_EQ(sanitize_base_url("http://h:1/base//"), "http://h:1/base");
}

TEST(HttpAuthClient, NonceErrorDetection) {
  net::http_response r;
  r.status = 401;
  r.body = "{\"error\":{\"message\":\"SW-Nonce does not match\",\"code\":401}}\n";
  EXPECT_TRUE(is_nonce_error(r));
  r.body = "{\"error\":{\"message\":\"Recovered pubkey does not match pubkey\",\"code\":401}}\n";
  EXPECT_TRUE(is_nonce_error(r));  // Go retries on any 401 in this shape
  r.body = "{\"error\":{\"message\":\"SW-Nonce does not match\",\"code\":0}}";
  EXPECT_TRUE(is_nonce_error(r));
  r.body = "{\"error\":\"Cannot bind\"}";
  EXPECT_FALSE(is_nonce_error(r));
  r.body = "";
  EXPECT_FALSE(is_nonce_error(r));
  r.body = "{\"error\":{\"message\":\"x\",\"code\":400}}";
  EXPECT_FALSE(is_nonce_error(r));
}

TEST(AddrResolverClient, LocalAddressesJsonIsGoEncoderOutput) {
  EXPECT_EQ(local_addresses_json("7777", {"203.0.113.5", "127.0.0.1"}),
            "{\"port\":\"7777\",\"addresses\":[\"203.0.113.5\",\"127.0.0.1\"]}\n");
  EXPECT_EQ(local_addresses_json("0", {}), "{\"port\":\"0\",\"addresses\":null}\n");
  EXPECT_EQ(local_addresses_json("1", {"<a>"}), "{\"port\":\"1\",\"addresses\":[\"\\u003ca\\u003e\"]}\n");
}

TEST(AddrResolverClient, ParseVisorData) {
  auto v = parse_visor_data(R"({"remote_addr":"203.0.113.5","port":"7777","addresses":["203.0.113.5"]})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->remote_addr, "203.0.113.5");
  EXPECT_FALSE(v->is_local);
  EXPECT_EQ(v->port, "7777");
  EXPECT_EQ(v->addresses, std::vector<std::string>{"203.0.113.5"});
  auto l = parse_visor_data(R"({"remote_addr":"1.2.3.4:5","is_local":true,"port":"9","addresses":null,"x":1})");
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->is_local);
  EXPECT_TRUE(l->addresses.empty());
  for (const char* bad : {"", "[]", "{\"port\":7}", "{\"addresses\":[1]}", "{\"is_local\":\"yes\"}", "{"}) {
    auto b = parse_visor_data(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error(), errc::bad_response);
  }
  std::string many = "{\"addresses\":[";
  for (std::size_t i = 0; i <= max_addresses; ++i) many += (i ? ",\"a\"" : "\"a\"");
  many += "]}";
  EXPECT_FALSE(parse_visor_data(many));
}

}  // namespace
}  // namespace skywire::disc
