// Encoder/decoder behaviour beyond the vectors: Go's zero rules, id order, round trips.
#include <gtest/gtest.h>

#include "skywire/wire/gob/gob.hpp"
#include "vectors.hpp"

namespace skywire::wire::gob {
namespace {

TEST(GobCodec, ZeroFieldsOmittedArraysAndStructsAlwaysSent) {
  schema s;
  const type_def& arr = s.add_array("A2", uint_type(), 2);
  const type_def& inner = s.add_struct("In", {{"X", &int_type()}});
  const type_def& t = s.add_struct("T", {{"B", &bool_type()},
                                         {"I", &int_type()},
                                         {"S", &string_type()},
                                         {"Arr", &arr},
                                         {"Sub", &inner},
                                         {"Blob", &s.add_binary_marshaler("K")}});
  value v = make_struct({{"B", make_bool(false)},
                         {"I", make_int(0)},
                         {"S", make_string("")},
                         {"Arr", make_list({make_uint(0), make_uint(0)})},
                         {"Sub", make_struct({{"X", make_int(0)}})},
                         {"Blob", make_marshaled(type_kind::binary_marshaler, bytes(3, 0))}});
  auto out = encode_fresh(t, v);
  ASSERT_TRUE(out);
  auto back = decode_single(*out);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->names, (std::vector<std::string>{"Arr", "Sub"}));
  // Value message ends: delta 4 -> Arr {count 2, 0, 0}, delta 1 -> Sub {end}, end.
  const bytes tail = test::unhex("04020000010000");
  ASSERT_GE(out->size(), tail.size());
  EXPECT_EQ(bytes(out->end() - static_cast<std::ptrdiff_t>(tail.size()), out->end()), tail);
}

TEST(GobCodec, RoundTripMapFloatNested) {
  schema s;
  const type_def& m = s.add_map("M", string_type(), float_type());
  const type_def& sl = s.add_slice("L", m);
  value v = make_list({make_map({{make_string("a"), make_float(1.5)}, {make_string("b"), make_float(-2)}}),
                       make_map({})});
  auto out = encode_fresh(sl, v);
  ASSERT_TRUE(out);
  auto back = decode_single(*out);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->items.size(), 2u);
  ASSERT_EQ(back->items[0].items.size(), 4u);
  EXPECT_EQ(back->items[0].items[0].text(), "a");
  EXPECT_EQ(back->items[0].items[1].as_double(), 1.5);
  EXPECT_EQ(back->items[0].items[3].as_double(), -2.0);
  EXPECT_TRUE(back->items[1].items.empty());
}

TEST(GobCodec, GoIdOrderStructFirstSliceAfterElement) {
  schema s;
  type_def& node = s.add_struct("Node");
  const type_def& kids = s.add_slice("[]Node", node);
  node.fields = {{"Name", &string_type()}, {"Kids", &kids}};
  type_ids ids;
  EXPECT_EQ(ids.assign(node), 65);
  EXPECT_EQ(ids.assign(kids), 66);

  type_ids ids2;
  const type_def& arr_of_struct = s.add_array("", s.add_struct("E", {{"V", &uint_type()}}), 1);
  EXPECT_EQ(ids2.assign(arr_of_struct), 66);  // element struct took 65 first
}

TEST(GobCodec, RecursiveTypeRoundTrip) {
  schema s;
  type_def& node = s.add_struct("Node");
  const type_def& kids = s.add_slice("[]Node", node);
  node.fields = {{"Name", &string_type()}, {"Kids", &kids}};
  value leaf = make_struct({{"Name", make_string("leaf")}});
  value root = make_struct({{"Name", make_string("root")}, {"Kids", make_list({leaf, leaf})}});
  auto out = encode_fresh(node, root);
  ASSERT_TRUE(out);
  auto back = decode_single(*out);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->field("Kids")->items.size(), 2u);
  EXPECT_EQ(back->field("Kids")->items[1].field("Name")->text(), "leaf");
}

TEST(GobCodec, EncoderRejectsMismatches) {
  schema s;
  const type_def& t = s.add_struct("T", {{"A", &int_type()}});
  EXPECT_EQ(encode_fresh(t, make_struct({{"A", make_uint(1)}})).error(), errc::type_mismatch);
  EXPECT_EQ(encode_fresh(t, make_struct({{"Typo", make_int(1)}})).error(), errc::bad_field);
  const type_def& arr = s.add_array("A", uint_type(), 2);
  EXPECT_EQ(encode_fresh(arr, make_list({make_uint(1)})).error(), errc::type_mismatch);
}

TEST(GobCodec, TopLevelZeroValuesAreSent) {
  // spec/skywire.md A.2: the *bool reply of AddEdgeRules is 03 02 00 01 / 03 02 00 00.
  EXPECT_EQ(*encode_fresh(bool_type(), make_bool(true)), test::unhex("03020001"));
  EXPECT_EQ(*encode_fresh(bool_type(), make_bool(false)), test::unhex("03020000"));
  EXPECT_EQ(*encode_fresh(uint_type(), make_uint(3)), test::unhex("03060003"));
}

TEST(GobCodec, EmptyStructTypeLikeGoErrorBody) {
  // spec/skywire.md B.5 (b): 0a ff97 03 01 02 ff98 00 00 00 then 03 ff98 00.
  schema s;
  const type_def& empty = s.add_struct("");
  auto out = encode_fresh(empty, make_struct({}), 76);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, test::unhex("0aff97030102ff980000000" "3ff9800"));
}

}  // namespace
}  // namespace skywire::wire::gob
