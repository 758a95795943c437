// The setup protocol's gob values (setup/gob_types.hpp): B.5 (a)(b)(c) reproduced byte for byte
// from our types and values (type ids pinned as the recorded Go processes numbered them), the
// recorded Go bytes decoded into the expected routes and rules, round trips, and every bound and
// shape check of the decoders.
#include <gtest/gtest.h>

#include <vector>

#include "skywire/routing/errc.hpp"
#include "skywire/rpc/codec.hpp"
#include "skywire/setup/gob_types.hpp"
#include "skywire/setup/limits.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/gob/decoder.hpp"
#include "skywire/wire/gob/encoder.hpp"
#include "skywire/wire/tests/gob_b5_vectors.hpp"
#include "test_keys.hpp"
#include "vectors.hpp"

namespace skywire::setup {
namespace {

using namespace std::chrono_literals;
using namespace test;
using skywire::test::unhex;
namespace b5 = wire::gob::b5;

std::vector<gob::value> decode_all(const bytes& stream) {
  gob::decoder d;
  std::vector<gob::value> out;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    auto m = d.next_message(byte_view(stream).subspan(pos));
    EXPECT_TRUE(m) << "at offset " << pos << ": " << m.error().message();
    if (!m) break;
    pos += m->consumed;
    if (m->v) out.push_back(std::move(*m->v));
  }
  return out;
}

gob::value response(std::string_view method, std::uint64_t seq, std::string_view error = {}) {
  return rpc::to_value(rpc::response_header{std::string(method), seq, std::string(error)});
}

// B.5 (c)'s reply: the requester's EdgeRules.
routing::edge_rules b5_reply() {
  const routing::route_descriptor d{pk1(), pk2(), 49153, 44};
  return {d.inverted(), routing::rule::make_forward(30s, 1, 7, uuid1(), d),
          routing::rule::make_consume(30s, 2, d.inverted())};
}

TEST(SetupGob, A_ReserveIdsCallBytes) {
  gob::type_ids ids;  // a fresh Go process: Request is 65
  gob::encoder enc(ids);
  bytes out;
  ASSERT_TRUE(enc.encode(rpc::request_type(), rpc::to_value(rpc::request_header{"RPCGateway.ReserveIDs", 0}), out));
  ASSERT_TRUE(enc.encode(gob::uint_type(), gob::make_uint(3), out));
  EXPECT_EQ(out, unhex(b5::a_client));
  auto v = decode_all(out);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(*parse_uint8(v[1]), 3);
}

TEST(SetupGob, A_ReserveIdsReplyBytes) {
  gob::type_ids ids;
  ids.pin(rpc::response_type(), 72);
  ids.pin(*types().route_ids, 74);
  gob::encoder enc(ids);
  bytes out;
  ASSERT_TRUE(enc.encode(rpc::response_type(), response("RPCGateway.ReserveIDs", 0), out));
  ASSERT_TRUE(enc.encode(*types().route_ids, route_ids_value({1, 2, 3}), out));
  EXPECT_EQ(out, unhex(b5::a_server));
  auto v = decode_all(unhex(b5::a_server));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(*parse_route_ids(v[1]), (std::vector<routing::route_id>{1, 2, 3}));
}

TEST(SetupGob, B_FailureReplyBytes) {
  EXPECT_EQ(failure_text(failure_code::add_rules, "boom"), "failure code 1 (boom)");
  EXPECT_EQ(failure_text(failure_code::reserve_ids, "x"), "failure code 4 (x)");
  // (b) follows (a) on the same connection: Response is already defined there.
  gob::type_ids ids;
  ids.pin(rpc::response_type(), 72);
  ids.pin(rpc::empty_struct_type(), 76);
  gob::encoder enc(ids);
  bytes earlier;
  ASSERT_TRUE(enc.encode(rpc::response_type(), response("RPCGateway.ReserveIDs", 0), earlier));
  bytes out;
  ASSERT_TRUE(enc.encode(rpc::response_type(),
                         response("RPCGateway.AddIntermediaryRules", 2, failure_text(failure_code::add_rules, "boom")),
                         out));
  ASSERT_TRUE(enc.encode(rpc::empty_struct_type(), rpc::empty_struct(), out));
  EXPECT_EQ(out, unhex(b5::b_error_reply));
}

TEST(SetupGob, C_DialRouteGroupRequestBytes) {
  gob::type_ids ids;  // Go's own first-use numbering gives the vector's ids 65..71
  gob::encoder enc(ids);
  bytes out;
  ASSERT_TRUE(
      enc.encode(rpc::request_type(), rpc::to_value(rpc::request_header{"SetupRPCGateway.DialRouteGroup", 0}), out));
  ASSERT_TRUE(enc.encode(*types().route, to_value(b5_route()), out));
  EXPECT_EQ(out, unhex(b5::c_dial_request));
}

TEST(SetupGob, C_DialRouteGroupRequestDecodes) {
  auto v = decode_all(unhex(b5::c_dial_request));
  ASSERT_EQ(v.size(), 2u);
  auto r = parse_bidirectional_route(v[1]);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(*r, b5_route());
}

TEST(SetupGob, C_DialRouteGroupReplyBytes) {
  gob::type_ids ids;  // the Go setup node had numbered RouteDescriptor 67 for the request
  ids.pin(rpc::response_type(), 72);
  ids.pin(*types().edge_rules, 73);
  ids.pin(*types().descriptor, 67);
  gob::encoder enc(ids);
  bytes out;
  ASSERT_TRUE(enc.encode(rpc::response_type(), response("SetupRPCGateway.DialRouteGroup", 0), out));
  ASSERT_TRUE(enc.encode(*types().edge_rules, to_value(b5_reply()), out));
  EXPECT_EQ(out, unhex(b5::c_dial_reply));
}

TEST(SetupGob, C_DialRouteGroupReplyDecodes) {
  auto v = decode_all(unhex(b5::c_dial_reply));
  ASSERT_EQ(v.size(), 2u);
  auto e = parse_edge_rules(v[1]);
  ASSERT_TRUE(e) << e.error().message();
  EXPECT_EQ(*e, b5_reply());
}

// Encodes with a fresh stream and decodes back: what a peer's decoder sees.
gob::value through_bytes(const gob::type_def& t, const gob::value& v) {
  auto b = gob::encode_fresh(t, v);
  EXPECT_TRUE(b);
  auto back = gob::decode_single(*b);
  EXPECT_TRUE(back);
  return *back;
}

TEST(SetupGob, RoundTrips) {
  EXPECT_EQ(*parse_bidirectional_route(through_bytes(*types().route, to_value(b5_route()))), b5_route());
  EXPECT_EQ(*parse_edge_rules(through_bytes(*types().edge_rules, to_value(b5_reply()))), b5_reply());
  const std::vector<routing::route_id> ids{1, 0xfffffffe, 7};
  EXPECT_EQ(*parse_route_ids(through_bytes(*types().route_ids, route_ids_value(ids))), ids);
  EXPECT_TRUE(parse_route_ids(through_bytes(*types().route_ids, route_ids_value({})))->empty());
  const std::vector<routing::rule> rules{routing::rule::make_intermediary(30s, 5, 6, uuid6()),
                                         routing::rule::make_intermediary(30s, 8, 9, uuid1())};
  EXPECT_EQ(*parse_rules(through_bytes(*types().rules, rules_value(rules))), rules);
  EXPECT_EQ(*parse_bool(through_bytes(gob::bool_type(), gob::make_bool(true))), true);
  EXPECT_EQ(*parse_uint8(through_bytes(gob::uint_type(), gob::make_uint(255))), 255);
}

TEST(SetupGob, AbsentTpIdIsTheNilUuid) {
  auto r = b5_route();
  r.forward[0].tp_id = {};
  // The encoder omits an all-zero marshaled field, as Go does; the decoder reads it as nil.
  auto back = parse_bidirectional_route(through_bytes(*types().route, to_value(r)));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->forward[0].tp_id.is_nil());
}

// --- hostile shapes ----------------------------------------------------------------------------

// A struct value as a decoder yields it when the sender left `field` out (Go's zero value).
gob::value without(gob::value s, std::string_view field) {
  for (std::size_t k = 0; k < s.names.size(); ++k) {
    if (s.names[k] == field) {
      s.names.erase(s.names.begin() + static_cast<std::ptrdiff_t>(k));
      s.items.erase(s.items.begin() + static_cast<std::ptrdiff_t>(k));
      break;
    }
  }
  return s;
}

gob::value route_with(std::string_view field, gob::value v) {
  gob::value r = to_value(b5_route());
  for (std::size_t k = 0; k < r.names.size(); ++k)
    if (r.names[k] == field) r.items[k] = std::move(v);
  return r;
}

gob::value desc_items(std::size_t n, std::uint64_t fill = 1) {
  std::vector<gob::value> items;
  auto real = to_value(b5_route().desc);
  for (std::size_t k = 0; k < n; ++k) items.push_back(k < real.items.size() ? real.items[k] : gob::make_uint(fill));
  return gob::make_list(std::move(items));
}

TEST(SetupGob, DescriptorMustBeSeventyBytesWithValidKeys) {
  EXPECT_EQ(parse_descriptor(desc_items(69)).error(), wire::errc::type_mismatch);
  EXPECT_EQ(parse_descriptor(desc_items(71)).error(), wire::errc::type_mismatch);
  auto big = desc_items(70);
  big.items[69] = gob::make_uint(256);
  EXPECT_EQ(parse_descriptor(big).error(), wire::errc::invalid_value);
  auto neg = desc_items(70);
  neg.items[3] = gob::make_int(1);
  EXPECT_EQ(parse_descriptor(neg).error(), wire::errc::type_mismatch);
  auto zero = desc_items(70);
  for (std::size_t k = 0; k < 33; ++k) zero.items[k] = gob::make_uint(0);
  EXPECT_EQ(parse_descriptor(zero).error(), wire::errc::invalid_value);  // null source key
  auto offcurve = desc_items(70);
  offcurve.items[0] = gob::make_uint(0x05);  // not a compressed point prefix
  EXPECT_FALSE(parse_descriptor(offcurve));
  EXPECT_EQ(parse_descriptor(gob::make_bytes(b5_route().desc.encode())).error(), wire::errc::type_mismatch);
  // Absent Desc is Go's zero descriptor: null keys.
  EXPECT_EQ(parse_bidirectional_route(without(to_value(b5_route()), "Desc")).error(), wire::errc::invalid_value);
}

TEST(SetupGob, HopsAreBoundedAndTyped) {
  std::vector<gob::value> many(max_hops + 1, to_value(b5_route().forward[0]));
  EXPECT_EQ(parse_bidirectional_route(route_with("Forward", gob::make_list(many))).error(), wire::errc::too_long);
  many.pop_back();
  EXPECT_TRUE(parse_bidirectional_route(route_with("Reverse", gob::make_list(many))));  // routing::check's job

  auto hop = to_value(b5_route().forward[0]);
  auto as_bytes = hop;
  as_bytes.items[1] = gob::make_bytes(pk1().view());  // From as []byte, not a BinaryMarshaler
  EXPECT_EQ(parse_bidirectional_route(route_with("Forward", gob::make_list({as_bytes}))).error(),
            wire::errc::type_mismatch);
  auto short_key = hop;
  short_key.items[2] = gob::make_marshaled(gob::type_kind::binary_marshaler, byte_view(pk2().view()).first(32));
  EXPECT_FALSE(parse_bidirectional_route(route_with("Forward", gob::make_list({short_key}))));
  auto no_key = without(hop, "To");
  EXPECT_EQ(parse_bidirectional_route(route_with("Forward", gob::make_list({no_key}))).error(),
            wire::errc::invalid_value);
  auto short_tp = hop;
  short_tp.items[0] = gob::make_marshaled(gob::type_kind::binary_marshaler, bytes(15, 1));
  EXPECT_EQ(parse_bidirectional_route(route_with("Forward", gob::make_list({short_tp}))).error(),
            wire::errc::invalid_value);
  EXPECT_EQ(parse_bidirectional_route(route_with("Forward", gob::make_uint(1))).error(), wire::errc::type_mismatch);
  EXPECT_EQ(parse_bidirectional_route(route_with("KeepAlive", gob::make_uint(1))).error(),
            wire::errc::type_mismatch);
  EXPECT_EQ(parse_bidirectional_route(gob::make_list({})).error(), wire::errc::type_mismatch);
}

TEST(SetupGob, RulesAreParsedStrictlyAndBounded) {
  const auto good = routing::rule::make_intermediary(30s, 5, 6, uuid6()).encode();
  EXPECT_EQ(parse_rules(gob::make_list({gob::make_string("x")})).error(), wire::errc::type_mismatch);
  auto bad_type = good;
  bad_type[8] = 7;
  EXPECT_EQ(parse_rules(gob::make_list({gob::make_bytes(bad_type)})).error(), routing::errc::bad_rule_type);
  EXPECT_EQ(parse_rules(gob::make_list({gob::make_bytes(byte_view(good).first(20))})).error(),
            wire::errc::truncated);
  std::vector<gob::value> many(max_rules_per_call + 1, gob::make_bytes(good));
  EXPECT_EQ(parse_rules(gob::make_list(many)).error(), wire::errc::too_long);
  many.pop_back();
  EXPECT_TRUE(parse_rules(gob::make_list(many)));

  // A nil Forward rule.
  EXPECT_EQ(parse_edge_rules(without(to_value(b5_reply()), "Forward")).error(), wire::errc::invalid_value);
  auto e2 = to_value(b5_reply());
  e2.items[2] = gob::make_bytes(bytes(200, 0));  // a consume rule with 117 bytes too many
  EXPECT_EQ(parse_edge_rules(e2).error(), wire::errc::trailing_bytes);
}

TEST(SetupGob, NumbersAreRangeChecked) {
  EXPECT_EQ(parse_uint8(gob::make_uint(256)).error(), wire::errc::invalid_value);
  EXPECT_EQ(parse_uint8(gob::make_int(3)).error(), wire::errc::type_mismatch);
  EXPECT_EQ(parse_route_ids(gob::make_list({gob::make_uint(0x100000000)})).error(), wire::errc::invalid_value);
  std::vector<gob::value> many(max_reserve + 1, gob::make_uint(1));
  EXPECT_EQ(parse_route_ids(gob::make_list(many)).error(), wire::errc::too_long);
  EXPECT_EQ(parse_bool(gob::make_uint(1)).error(), wire::errc::type_mismatch);
}

}  // namespace
}  // namespace skywire::setup
