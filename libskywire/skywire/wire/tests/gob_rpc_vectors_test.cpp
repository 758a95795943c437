// net/rpc + gob exchanges recorded from Go (spec/skywire.md Appendix B.5): decode every one,
// and re-encode (a), (c) and (d) with the persistent encoder byte for byte.
#include <gtest/gtest.h>

#include <vector>

#include "gob_b5_vectors.hpp"
#include "skywire/wire/gob/gob.hpp"
#include "vectors.hpp"

namespace skywire::wire::gob {
namespace {

const char* const pk1 = "032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b";
const char* const pk2 = "02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b";
const char* const pk3 = "035a630a621aa3483f87cb288438982d7ba8524302ed6f293f667e6d8c9fa369a7";
const char* const uuid1 = "11111111222233334444555555555555";
const char* const uuid6 = "66666666777788889999aaaaaaaaaaaa";

// The server's Response definition (first message of (a) server->client), which later
// messages on that connection ((b), (f)) rely on.
bytes response_def() {
  bytes a = test::unhex(b5::a_server);
  return bytes(a.begin(), a.begin() + 1 + 0x3a);
}

std::vector<value> decode_all(const bytes& stream) {
  decoder d;
  std::vector<value> out;
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

std::string str_field(const value& v, std::string_view name) {
  const value* f = v.field(name);
  return f == nullptr ? std::string{} : std::string(f->text());
}

bytes list_bytes(const value& v) {
  bytes out;
  for (const auto& e : v.items) out.push_back(static_cast<std::uint8_t>(e.u));
  return out;
}

TEST(GobRpcVectors, A_ReserveIdsBothDirections) {
  auto c = decode_all(test::unhex(b5::a_client));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(str_field(c[0], "ServiceMethod"), "RPCGateway.ReserveIDs");
  EXPECT_EQ(c[0].field("Seq"), nullptr);  // Seq 0 omitted
  EXPECT_EQ(c[1].kind, value_kind::unsigned_integer);
  EXPECT_EQ(c[1].u, 3u);

  auto s = decode_all(test::unhex(b5::a_server));
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].type, 72);
  EXPECT_EQ(str_field(s[0], "ServiceMethod"), "RPCGateway.ReserveIDs");
  ASSERT_EQ(s[1].kind, value_kind::list);
  ASSERT_EQ(s[1].items.size(), 3u);
  EXPECT_EQ(s[1].items[2].u, 3u);
}

TEST(GobRpcVectors, B_ErrorReplyWithEmptyStructBody) {
  bytes stream = response_def();
  bytes b = test::unhex(b5::b_error_reply);
  stream.insert(stream.end(), b.begin(), b.end());
  auto v = decode_all(stream);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(str_field(v[0], "ServiceMethod"), "RPCGateway.AddIntermediaryRules");
  EXPECT_EQ(str_field(v[0], "Error"), "failure code 1 (boom)");
  ASSERT_NE(v[0].field("Seq"), nullptr);
  EXPECT_EQ(v[0].field("Seq")->u, 2u);
  EXPECT_EQ(v[1].kind, value_kind::structure);
  EXPECT_TRUE(v[1].items.empty());
}

void expect_hop(const value& hop, const char* tp, const char* from, const char* to) {
  ASSERT_EQ(hop.kind, value_kind::structure);
  ASSERT_NE(hop.field("TpID"), nullptr);
  EXPECT_EQ(hop.field("TpID")->marshaler, type_kind::binary_marshaler);
  EXPECT_EQ(hop.field("TpID")->data, test::unhex(tp));
  EXPECT_EQ(hop.field("From")->data, test::unhex(from));
  EXPECT_EQ(hop.field("To")->data, test::unhex(to));
}

TEST(GobRpcVectors, C_DialRouteGroupRequest) {
  const bytes stream = test::unhex(b5::c_dial_request);
  ASSERT_EQ(stream.size(), 789u);
  auto v = decode_all(stream);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(str_field(v[0], "ServiceMethod"), "SetupRPCGateway.DialRouteGroup");
  const value& route = v[1];
  ASSERT_NE(route.field("Desc"), nullptr);
  EXPECT_EQ(route.field("Desc")->items.size(), 70u);
  bytes desc = test::unhex(pk1);
  bytes p2 = test::unhex(pk2);
  desc.insert(desc.end(), p2.begin(), p2.end());
  for (std::uint8_t b : {0xc0, 0x01, 0x00, 0x2c}) desc.push_back(b);
  EXPECT_EQ(list_bytes(*route.field("Desc")), desc);
  ASSERT_NE(route.field("KeepAlive"), nullptr);
  EXPECT_EQ(route.field("KeepAlive")->i, 30'000'000'000);
  const value* fwd = route.field("Forward");
  ASSERT_NE(fwd, nullptr);
  ASSERT_EQ(fwd->items.size(), 2u);
  expect_hop(fwd->items[0], uuid1, pk1, pk3);
  expect_hop(fwd->items[1], uuid6, pk3, pk2);
  const value* rev = route.field("Reverse");
  ASSERT_NE(rev, nullptr);
  ASSERT_EQ(rev->items.size(), 2u);
  expect_hop(rev->items[0], uuid6, pk2, pk3);
  expect_hop(rev->items[1], uuid1, pk3, pk1);
}

TEST(GobRpcVectors, C_DialRouteGroupReply) {
  const bytes stream = test::unhex(b5::c_dial_reply);
  ASSERT_EQ(stream.size(), 504u);
  auto v = decode_all(stream);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(str_field(v[0], "ServiceMethod"), "SetupRPCGateway.DialRouteGroup");
  const value& rules = v[1];
  ASSERT_NE(rules.field("Desc"), nullptr);
  EXPECT_EQ(rules.field("Desc")->items.size(), 70u);
  ASSERT_NE(rules.field("Forward"), nullptr);
  EXPECT_EQ(rules.field("Forward")->data.size(), 120u);
  ASSERT_NE(rules.field("Reverse"), nullptr);
  EXPECT_EQ(rules.field("Reverse")->data.size(), 83u);
}

TEST(GobRpcVectors, D_AddTransport) {
  auto v = decode_all(test::unhex(b5::d_add_transport));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(str_field(v[0], "ServiceMethod"), "TransportGateway.AddTransport");
  EXPECT_EQ(v[1].type, 86);
  ASSERT_NE(v[1].field("RemotePK"), nullptr);
  EXPECT_EQ(v[1].field("RemotePK")->data, test::unhex(pk2));
  EXPECT_EQ(str_field(v[1], "Type"), "dmsg");
}

TEST(GobRpcVectors, E_AppDial) {
  auto v = decode_all(test::unhex(b5::e_app_dial));
  ASSERT_EQ(v.size(), 2u);
  std::string method;
  for (int k = 0; k < 16; ++k) method += "ab";
  EXPECT_EQ(str_field(v[0], "ServiceMethod"), method + ".Dial");
  EXPECT_EQ(str_field(v[1], "Net"), "skynet");
  EXPECT_EQ(v[1].field("PubKey")->data, test::unhex(pk2));
  EXPECT_EQ(v[1].field("Port")->u, 44u);
}

TEST(GobRpcVectors, F_TransportsReplyWithNestedGobEncoderLog) {
  bytes stream = response_def();
  bytes f = test::unhex(b5::f_transports_reply);
  stream.insert(stream.end(), f.begin(), f.end());
  auto v = decode_all(stream);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(str_field(v[0], "ServiceMethod"), "app-visor.Transports");
  ASSERT_EQ(v[1].kind, value_kind::list);
  ASSERT_EQ(v[1].items.size(), 1u);
  const value& t = v[1].items[0];
  EXPECT_EQ(t.field("ID")->data, test::unhex("a283e9bce5b403f8a640a4c189c21e04"));
  EXPECT_EQ(t.field("Local")->data, test::unhex(pk1));
  EXPECT_EQ(t.field("Remote")->data, test::unhex(pk2));
  EXPECT_EQ(str_field(t, "Type"), "stcpr");
  EXPECT_EQ(str_field(t, "Label"), "user");
  const value* log = t.field("Log");
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->marshaler, type_kind::gob_encoder);
  ASSERT_EQ(log->data.size(), 11u);
  // The blob is itself a gob stream of two top-level uint64 values.
  auto counts = decode_all(log->data);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].u, 1000u);
  EXPECT_EQ(counts[1].u, 200u);
}

// --- re-encoding with the persistent (net/rpc style) encoder -------------------------------

struct rpc_types {
  schema s;
  const type_def& request =
      s.add_struct("Request", {{"ServiceMethod", &string_type()}, {"Seq", &uint_type()}});
  const type_def& response = s.add_struct(
      "Response", {{"ServiceMethod", &string_type()}, {"Seq", &uint_type()}, {"Error", &string_type()}});
};

value header(std::string_view method, std::uint64_t seq) {
  return make_struct({{"ServiceMethod", make_string(method)}, {"Seq", make_uint(seq)}});
}

TEST(GobRpcVectors, A_ReencodeClientAndServerBytes) {
  rpc_types t;
  {
    type_ids ids;  // a fresh Go process: Request is 65
    encoder enc(ids);
    bytes out;
    ASSERT_TRUE(enc.encode(t.request, header("RPCGateway.ReserveIDs", 0), out));
    ASSERT_TRUE(enc.encode(uint_type(), make_uint(3), out));
    EXPECT_EQ(out, test::unhex(b5::a_client));
  }
  {
    // The Go server process had already numbered other types: pin its ids.
    const type_def& route_ids = t.s.add_slice("", uint_type());
    type_ids ids;
    ids.pin(t.response, 72);
    ids.pin(route_ids, 74);
    encoder enc(ids);
    bytes out;
    value h = make_struct({{"ServiceMethod", make_string("RPCGateway.ReserveIDs")},
                           {"Seq", make_uint(0)},
                           {"Error", make_string("")}});
    ASSERT_TRUE(enc.encode(t.response, h, out));
    ASSERT_TRUE(enc.encode(route_ids, make_list({make_uint(1), make_uint(2), make_uint(3)}), out));
    EXPECT_EQ(out, test::unhex(b5::a_server));
  }
}

TEST(GobRpcVectors, D_ReencodeAddTransport) {
  rpc_types t;
  const type_def& pubkey = t.s.add_binary_marshaler("PubKey");
  const type_def& req = t.s.add_struct("TransportRequest", {{"RemotePK", &pubkey}, {"Type", &string_type()}});
  type_ids ids;
  ids.pin(pubkey, 70);
  ids.pin(req, 86);
  encoder enc(ids);
  bytes out;
  ASSERT_TRUE(enc.encode(t.request, header("TransportGateway.AddTransport", 0), out));
  ASSERT_TRUE(enc.encode(req,
                         make_struct({{"RemotePK", make_marshaled(type_kind::binary_marshaler, test::unhex(pk2))},
                                      {"Type", make_string("dmsg")}}),
                         out));
  EXPECT_EQ(out, test::unhex(b5::d_add_transport));
}

value hop_value(const char* tp, const char* from, const char* to) {
  return make_struct({{"TpID", make_marshaled(type_kind::binary_marshaler, test::unhex(tp))},
                      {"From", make_marshaled(type_kind::binary_marshaler, test::unhex(from))},
                      {"To", make_marshaled(type_kind::binary_marshaler, test::unhex(to))}});
}

TEST(GobRpcVectors, C_ReencodeDialRouteGroupWithGoIdOrder) {
  // No pinning: Go's own first-use numbering (struct before its fields, slice after its
  // element) yields exactly the ids of the vector: 66 route, 67 desc, 68 Hop, 69 UUID,
  // 70 PubKey, 71 []routing.Hop.
  rpc_types t;
  const type_def& uuid = t.s.add_binary_marshaler("UUID");
  const type_def& pubkey = t.s.add_binary_marshaler("PubKey");
  const type_def& desc = t.s.add_array("RouteDescriptor", uint_type(), 70);
  const type_def& hop = t.s.add_struct("Hop", {{"TpID", &uuid}, {"From", &pubkey}, {"To", &pubkey}});
  const type_def& path = t.s.add_slice("[]routing.Hop", hop);
  const type_def& route = t.s.add_struct(
      "BidirectionalRoute",
      {{"Desc", &desc}, {"KeepAlive", &int_type()}, {"Forward", &path}, {"Reverse", &path}});

  bytes d = test::unhex(pk1);
  bytes p2 = test::unhex(pk2);
  d.insert(d.end(), p2.begin(), p2.end());
  for (std::uint8_t b : {0xc0, 0x01, 0x00, 0x2c}) d.push_back(b);
  std::vector<value> desc_items;
  for (std::uint8_t b : d) desc_items.push_back(make_uint(b));

  value v = make_struct(
      {{"Desc", make_list(std::move(desc_items))},
       {"KeepAlive", make_int(30'000'000'000)},
       {"Forward", make_list({hop_value(uuid1, pk1, pk3), hop_value(uuid6, pk3, pk2)})},
       {"Reverse", make_list({hop_value(uuid6, pk2, pk3), hop_value(uuid1, pk3, pk1)})}});

  type_ids ids;
  encoder enc(ids);
  bytes out;
  ASSERT_TRUE(enc.encode(t.request, header("SetupRPCGateway.DialRouteGroup", 0), out));
  ASSERT_TRUE(enc.encode(route, v, out));
  EXPECT_EQ(out, test::unhex(b5::c_dial_request));
}

TEST(GobRpcVectors, PersistentEncoderSendsDefinitionsOnce) {
  rpc_types t;
  type_ids ids;
  encoder enc(ids);
  bytes first;
  bytes second;
  ASSERT_TRUE(enc.encode(t.request, header("X.Y", 0), first));
  ASSERT_TRUE(enc.encode(t.request, header("X.Y", 1), second));
  EXPECT_GT(first.size(), second.size());
  // The second message is a bare value message: decodable after the first on one stream.
  decoder d;
  auto a = d.next_value(first);
  ASSERT_TRUE(a);
  auto b = d.next_value(second);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->v.field("Seq")->u, 1u);
}

}  // namespace
}  // namespace skywire::wire::gob
