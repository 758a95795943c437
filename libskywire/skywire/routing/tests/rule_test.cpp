// Route descriptors and rules (spec/skywire.md §3.2): Appendix B.3's rule bytes exactly, the
// 50-byte intermediary layout, Go's shorter-but-valid lengths, and refusal of hostile input.
#include <gtest/gtest.h>

#include <string>

#include "skywire/base/hex.hpp"
#include "skywire/crypto/errc.hpp"
#include "skywire/routing/errc.hpp"
#include "skywire/routing/rule.hpp"
#include "skywire/wire/errc.hpp"
#include "test_keys.hpp"
#include "vectors.hpp"

namespace skywire::routing {
namespace {

using namespace std::chrono_literals;
using test::pk1;
using test::pk2;

std::string hex(byte_view b) { return base::to_hex(b); }

bytes unhex(std::string s) {
  std::erase(s, ' ');
  return skywire::test::unhex(s);
}

const std::string pk1_hex = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
const std::string pk2_hex = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";

wire::transport::uuid tp_01020300() {
  return wire::transport::uuid::from_text("01020300-0000-0000-0000-000000000000").value();
}

route_descriptor b3_desc() { return {pk1(), pk2(), 1, 2}; }

// B.3: Consume(30 s, key 5, pk1, pk2, 1, 2) and Forward(…, next 6, tp 01020300-…).
const std::string b3_consume = "00000006fc23ac00" "00" "00000005" + pk1_hex + pk2_hex + "0001" "0002";
const std::string b3_forward = "00000006fc23ac00" "01" "00000005" + pk1_hex + pk2_hex + "0001" "0002" +
                               "00000006" "01020300000000000000000000000000" + std::string(34, '0');

TEST(RouteDescriptor, LayoutAndRoundTrip) {
  const route_descriptor d{pk1(), pk2(), 49153, 44};
  const auto b = d.encode();
  EXPECT_EQ(hex(b), pk1_hex + pk2_hex + "c001" "002c");
  EXPECT_EQ(route_descriptor::parse(b).value(), d);
  EXPECT_EQ(d.inverted(), (route_descriptor{pk2(), pk1(), 44, 49153}));
  EXPECT_EQ(d.inverted().inverted(), d);
  EXPECT_EQ(d.to_string(), pk1_hex + ":49153 \u2192 " + pk2_hex + ":44");
}

TEST(RouteDescriptor, NullKeysAcceptedLikeGo) {
  const route_descriptor d{};
  const auto back = route_descriptor::parse(d.encode());
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_TRUE(back->src_pk.is_null());
  EXPECT_TRUE(back->dst_pk.is_null());
}

TEST(RouteDescriptor, RefusesBadLengthsAndPoints) {
  auto b = b3_desc().encode();
  bytes v(b.begin(), b.end());
  EXPECT_EQ(route_descriptor::parse(byte_view(v).first(69)).error(), wire::errc::truncated);
  v.push_back(0);
  EXPECT_EQ(route_descriptor::parse(v).error(), wire::errc::trailing_bytes);
  v.pop_back();
  v[0] = 0x05;  // not a compressed-point prefix
  EXPECT_EQ(route_descriptor::parse(v).error(), crypto::errc::bad_public_key);
  v = bytes(b.begin(), b.end());
  v[33] = 0x04;  // dst key
  EXPECT_EQ(route_descriptor::parse(v).error(), crypto::errc::bad_public_key);
}

TEST(Rule, AppendixB3ConsumeBytes) {
  const rule r = rule::make_consume(30s, 5, b3_desc());
  const bytes b = r.encode();
  EXPECT_EQ(b.size(), consume_rule_size);
  EXPECT_EQ(hex(b), b3_consume);
  const auto back = rule::parse(unhex(b3_consume));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(back->type, rule_type::consume);
  EXPECT_EQ(back->keep_alive, 30s);
  EXPECT_EQ(back->key_route_id, 5u);
  EXPECT_EQ(back->descriptor, b3_desc());
}

TEST(Rule, AppendixB3ForwardBytes) {
  const rule r = rule::make_forward(30s, 5, 6, tp_01020300(), b3_desc());
  const bytes b = r.encode();
  EXPECT_EQ(b.size(), forward_rule_size);
  EXPECT_EQ(hex(b), b3_forward);
  const auto back = rule::parse(unhex(b3_forward));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, r);
  EXPECT_EQ(back->next_route_id, 6u);
  EXPECT_EQ(back->next_transport_id, tp_01020300());
}

TEST(Rule, IntermediaryLayoutIs50Bytes) {
  const auto tid = wire::transport::uuid::from_text("a283e9bc-e5b4-03f8-a640-a4c189c21e04").value();
  const rule r = rule::make_intermediary(30s, 0x01020304, 0x0a0b0c0d, tid);
  const bytes b = r.encode();
  ASSERT_EQ(b.size(), intermediary_rule_size);
  EXPECT_EQ(hex(b), std::string("00000006fc23ac00" "02" "01020304" "0a0b0c0d" "a283e9bce5b403f8a640a4c189c21e04") +
                        std::string(34, '0'));
  EXPECT_EQ(rule::parse(b).value(), r);
}

TEST(Rule, AcceptsGoReaderMinimumLengths) {
  // Go's readers stop after the transport id: 103 / 33 bytes are enough for them.
  const bytes fwd = unhex(b3_forward);
  const auto f = rule::parse(byte_view(fwd).first(103));
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(*f, rule::make_forward(30s, 5, 6, tp_01020300(), b3_desc()));
  EXPECT_EQ(rule::parse(byte_view(fwd).first(102)).error(), wire::errc::truncated);

  const bytes inter = rule::make_intermediary(1s, 7, 8, test::tp(9)).encode();
  const auto i = rule::parse(byte_view(inter).first(33));
  ASSERT_TRUE(i) << i.error().message();
  EXPECT_EQ(*i, rule::make_intermediary(1s, 7, 8, test::tp(9)));
  EXPECT_EQ(rule::parse(byte_view(inter).first(32)).error(), wire::errc::truncated);

  const bytes consume = unhex(b3_consume);
  EXPECT_EQ(rule::parse(byte_view(consume).first(82)).error(), wire::errc::truncated);
}

TEST(Rule, IgnoresPaddingContents) {
  bytes fwd = unhex(b3_forward);
  for (std::size_t i = 103; i < fwd.size(); ++i) fwd[i] = 0xff;
  EXPECT_EQ(rule::parse(fwd).value(), rule::make_forward(30s, 5, 6, tp_01020300(), b3_desc()));
  bytes inter = rule::make_intermediary(1s, 7, 8, test::tp(9)).encode();
  for (std::size_t i = 33; i < inter.size(); ++i) inter[i] = 0xaa;
  EXPECT_EQ(rule::parse(inter).value(), rule::make_intermediary(1s, 7, 8, test::tp(9)));
}

TEST(Rule, RefusesTrailingBytes) {
  for (const bytes& good : {unhex(b3_consume), unhex(b3_forward), rule::make_intermediary(1s, 7, 8, test::tp(9)).encode()}) {
    bytes b = good;
    b.push_back(0);
    EXPECT_EQ(rule::parse(b).error(), wire::errc::trailing_bytes) << b.size();
  }
}

TEST(Rule, RefusesBadTypeAndShortHeader) {
  bytes b = unhex(b3_consume);
  for (std::uint8_t t : {3, 4, 0x80, 0xff}) {
    b[8] = t;
    EXPECT_EQ(rule::parse(b).error(), errc::bad_rule_type) << int(t);
  }
  for (std::size_t n : {0, 1, 8, 12}) {
    EXPECT_EQ(rule::parse(byte_view(b).first(n)).error(), wire::errc::truncated) << n;
  }
  // A 13-byte header of a known type still needs its body.
  b[8] = 0;
  EXPECT_EQ(rule::parse(byte_view(b).first(13)).error(), wire::errc::truncated);
}

TEST(Rule, RefusesBadKeyInDescriptor) {
  bytes b = unhex(b3_forward);
  b[13] = 0x07;  // src key prefix
  EXPECT_EQ(rule::parse(b).error(), crypto::errc::bad_public_key);
}

TEST(Rule, NegativeKeepAliveClampedToZero) {
  // Go's setKeepAlive stores negatives as 0; a top-bit-set u64 on the wire reads as 0 here.
  const rule r = rule::make_consume(-5s, 1, b3_desc());
  EXPECT_EQ(r.keep_alive, 0ns);
  EXPECT_EQ(hex(r.encode()).substr(0, 16), "0000000000000000");
  bytes b = unhex(b3_consume);
  b[0] = 0x80;
  EXPECT_EQ(rule::parse(b).value().keep_alive, 0ns);
  b[0] = 0x7f;  // the largest positive duration is kept as it is
  EXPECT_EQ(rule::parse(b).value().keep_alive.count(), 0x7f000006fc23ac00);
}

TEST(Rule, TypeNames) {
  EXPECT_EQ(to_string(rule_type::consume), "Consume");
  EXPECT_EQ(to_string(rule_type::forward), "Forward");
  EXPECT_EQ(to_string(rule_type::intermediary), "IntermediaryForward");
}

TEST(RoutingErrc, CategoryAndGoTexts) {
  const error_code ec = errc::invalid_route;
  EXPECT_STREQ(ec.category().name(), "skywire.routing");
  EXPECT_EQ(ec.message(), "bidirectional route has an invalid route description");
  EXPECT_EQ(error_code(errc::no_forward_hops).message(), "bidirectional route does not have forward hops");
  EXPECT_EQ(error_code(errc::no_reverse_hops).message(), "bidirectional route does not have reverse hops");
  EXPECT_EQ(error_code(errc::route_ids_exhausted).message(), "no available routeIDs");
  for (int e = 1; e <= static_cast<int>(errc::no_reverse_hops); ++e) {
    EXPECT_NE(error_code(static_cast<errc>(e)).message(), "unknown routing error") << e;
  }
}

}  // namespace
}  // namespace skywire::routing
