// The gob decoder under attack (P3: named hostile cases, deliberate corruption). Every case
// must end in an error value: no crash, no over-read, no unbounded allocation (ASan+UBSan).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "gob_b5_vectors.hpp"
#include "skywire/wire/gob/gob.hpp"
#include "vectors.hpp"

namespace skywire::wire::gob {
namespace {

bytes msg(type_id id, const bytes& body) {
  bytes head;
  put_int(head, id);
  bytes out;
  put_uint(out, head.size() + body.size());
  out.insert(out.end(), head.begin(), head.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

bytes cat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// wireType{SliceT{CommonType{Id id}, Elem elem}}
bytes slice_def(type_id id, type_id elem) {
  bytes b{2, 1};
  put_uint(b, 2);
  put_int(b, id);
  b.push_back(0);
  put_uint(b, 1);
  put_int(b, elem);
  b.push_back(0);
  b.push_back(0);
  return msg(-id, b);
}

// wireType{StructT{CommonType{Name name, Id id}, Field [{fname, fid}]}}
bytes struct_def(type_id id, std::string_view fname, type_id fid) {
  bytes b{3, 1, 1};
  put_bytes(b, as_bytes("T"));
  put_uint(b, 1);
  put_int(b, id);
  b.push_back(0);
  b.push_back(1);
  put_uint(b, 1);
  b.push_back(1);
  put_bytes(b, as_bytes(fname));
  b.push_back(1);
  put_int(b, fid);
  b.push_back(0);
  b.push_back(0);
  b.push_back(0);
  return msg(-id, b);
}

error_code decode_error(const bytes& in, const limits& l = {}) {
  auto r = decode_single(in, l);
  EXPECT_FALSE(r);
  return r ? error_code{} : r.error();
}

TEST(GobHostile, MessageLengthExceedsLimit) {
  EXPECT_EQ(decode_error(test::unhex("f8ffffffffffffffff")), errc::too_long);
  EXPECT_EQ(decode_error(test::unhex("f8000000000000ffff02")), errc::truncated);  // < 1 MiB: wait
  EXPECT_EQ(decode_error(test::unhex("f8000000000000ffff02"), stream_object_limits()), errc::too_long);  // > 4 KiB
}

TEST(GobHostile, MessageLengthBeyondInputIsTruncated) {
  decoder d;
  EXPECT_EQ(d.next_message(test::unhex("1aff82")).error(), errc::truncated);
  EXPECT_EQ(d.next_message(test::unhex("fe01")).error(), errc::truncated);
}

TEST(GobHostile, UintWithNineByteLength) {
  EXPECT_EQ(decode_error(test::unhex("f7ffffffffffffffffff")), errc::bad_message);
}

TEST(GobHostile, EmptyMessage) { EXPECT_EQ(decode_error(test::unhex("00")), errc::bad_message); }

TEST(GobHostile, HugeStringLengthInsideMessage) {
  bytes body{0};  // singleton marker for a top-level string
  put_uint(body, 0xffffffffffffffffull);
  EXPECT_EQ(decode_error(msg(string_id, body)), errc::too_long);
  bytes body2{0};
  put_uint(body2, 100);  // fits the limit, not the message
  EXPECT_EQ(decode_error(msg(string_id, body2)), errc::bad_message);
}

TEST(GobHostile, MillionElementCountWithTinyInput) {
  bytes value_body{0};
  put_uint(value_body, 1'000'000);
  value_body.push_back(1);
  EXPECT_EQ(decode_error(cat({slice_def(65, uint_id), msg(65, value_body)})), errc::bad_message);
}

TEST(GobHostile, ElementCountAboveLimit) {
  limits l;
  l.max_elements = 10;
  bytes value_body{0};
  put_uint(value_body, 20);
  for (int k = 0; k < 20; ++k) value_body.push_back(1);
  EXPECT_EQ(decode_error(cat({slice_def(65, uint_id), msg(65, value_body)}), l), errc::too_long);
}

TEST(GobHostile, SelfReferentialSliceNestsUntilDepthLimit) {
  // type 65 = []65; value: 1 element, which has 1 element, which ...
  bytes value_body{0};
  for (int k = 0; k < 200; ++k) value_body.push_back(1);
  value_body.push_back(0);
  EXPECT_EQ(decode_error(cat({slice_def(65, 65), msg(65, value_body)})), errc::too_deep);
}

TEST(GobHostile, SelfReferentialStructNestsUntilDepthLimit) {
  // type 65 = struct { Next 65 }; value: field 0 -> field 0 -> ...
  bytes value_body;
  for (int k = 0; k < 200; ++k) value_body.push_back(1);
  for (int k = 0; k < 201; ++k) value_body.push_back(0);
  EXPECT_EQ(decode_error(cat({struct_def(65, "Next", 65), msg(65, value_body)})), errc::too_deep);
  // A shallow value of the same self-referential type is fine.
  auto ok = decode_single(cat({struct_def(65, "Next", 65), msg(65, test::unhex("010000"))}));
  ASSERT_TRUE(ok);
  ASSERT_NE(ok->field("Next"), nullptr);
}

TEST(GobHostile, DuplicateDefinition) {
  EXPECT_EQ(decode_error(cat({slice_def(65, uint_id), slice_def(65, uint_id)})), errc::duplicate_type);
}

TEST(GobHostile, UserTypeIdBelow64) {
  EXPECT_EQ(decode_error(slice_def(63, uint_id)), errc::bad_type_id);
  EXPECT_EQ(decode_error(slice_def(16, uint_id)), errc::bad_type_id);
  // A definition referring to an impossible id.
  EXPECT_EQ(decode_error(slice_def(65, 20)), errc::bad_type_id);
  EXPECT_EQ(decode_error(slice_def(65, -3)), errc::bad_type_id);
  // INT64_MIN as a definition id: negating it would overflow.
  EXPECT_EQ(decode_error(test::unhex("0af8ffffffffffffffff00")), errc::bad_type_id);
}

TEST(GobHostile, ValueOfUndefinedType) {
  EXPECT_EQ(decode_error(msg(70, {0})), errc::unknown_type);
  // Defined, but its element type never is.
  EXPECT_EQ(decode_error(cat({slice_def(65, 66), msg(65, {0, 1, 0})})), errc::unknown_type);
}

TEST(GobHostile, ForwardReferenceResolvedAtValueTime) {
  auto ok = decode_single(cat({slice_def(65, 66), slice_def(66, uint_id), msg(65, {0, 1, 2, 7, 8})}));
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->items.size(), 1u);
  EXPECT_EQ(ok->items[0].items[1].u, 8u);
}

TEST(GobHostile, NegativeArrayLength) {
  bytes b{1, 1, 2};
  put_int(b, 65);
  b.push_back(0);
  b.push_back(1);
  put_int(b, uint_id);
  b.push_back(1);
  put_int(b, -5);
  b.push_back(0);
  b.push_back(0);
  EXPECT_EQ(decode_error(msg(-65, b)), errc::bad_type_definition);
}

TEST(GobHostile, ArrayCountDiffersFromDeclaredLength) {
  bytes b{1, 1, 2};
  put_int(b, 65);
  b.push_back(0);
  b.push_back(1);
  put_int(b, uint_id);
  b.push_back(1);
  put_int(b, 3);
  b.push_back(0);
  b.push_back(0);
  EXPECT_EQ(decode_error(cat({msg(-65, b), msg(65, {0, 2, 1, 1})})), errc::type_mismatch);
  EXPECT_TRUE(decode_single(cat({msg(-65, b), msg(65, {0, 3, 1, 1, 1})})));
}

TEST(GobHostile, UnknownWireTypeField) {
  EXPECT_EQ(decode_error(msg(-65, {8, 0})), errc::bad_type_definition);
  EXPECT_EQ(decode_error(msg(-65, {0})), errc::bad_type_definition);  // no kind at all
  // Two kinds in one wireType.
  bytes two = slice_def(65, uint_id);
  bytes body(two.begin() + 3, two.end() - 1);  // SliceT part without the final 00
  bytes both = body;
  both.push_back(1);  // delta 1 -> StructT
  both.insert(both.end(), {1, 2, 0x82, 0});
  EXPECT_FALSE(decode_single(msg(-65, both)));
}

TEST(GobHostile, StructFieldNumberOutOfRange) {
  EXPECT_EQ(decode_error(cat({struct_def(65, "A", int_id), msg(65, {2, 2, 0})})), errc::bad_field);
  EXPECT_EQ(decode_error(cat({struct_def(65, "A", int_id), msg(65, {0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0})})),
            errc::bad_field);
}

TEST(GobHostile, TooManyTypes) {
  limits l;
  l.max_types = 4;
  bytes in;
  for (type_id id = 65; id < 70; ++id) {
    bytes d = slice_def(id, uint_id);
    in.insert(in.end(), d.begin(), d.end());
  }
  EXPECT_EQ(decode_error(in, l), errc::too_many_types);
}

TEST(GobHostile, TotalInputLimit) {
  limits l;
  l.max_total_input = 20;
  bytes in = cat({slice_def(65, uint_id), slice_def(66, uint_id), slice_def(67, uint_id)});
  EXPECT_EQ(decode_error(in, l), errc::too_long);
}

TEST(GobHostile, TrailingBytesInMessages) {
  bytes def = slice_def(65, uint_id);
  def[0] += 1;
  def.push_back(0);
  EXPECT_EQ(decode_error(def), errc::trailing_bytes);
  EXPECT_EQ(decode_error(msg(uint_id, {0, 5, 5})), errc::trailing_bytes);
  EXPECT_EQ(decode_error(cat({msg(uint_id, {0, 5}), msg(uint_id, {0, 5})})), errc::trailing_bytes);
}

TEST(GobHostile, NonZeroSingletonMarker) {
  EXPECT_EQ(decode_error(msg(uint_id, {1, 5})), errc::bad_message);
}

TEST(GobHostile, InterfaceAndComplexUnsupported) {
  EXPECT_EQ(decode_error(msg(interface_id, {0, 0})), errc::unsupported_type);
  EXPECT_EQ(decode_error(msg(complex_id, {0, 0, 0})), errc::unsupported_type);
}

TEST(GobHostile, DecoderStaysDeadAfterError) {
  decoder d;
  EXPECT_EQ(d.next_message(slice_def(10, uint_id)).error(), errc::bad_type_id);
  EXPECT_EQ(d.next_message(msg(uint_id, {0, 5})).error(), errc::bad_type_id);
}

TEST(GobHostile, ByteByByteStreamingWaitsThenDecodes) {
  const bytes stream = test::unhex(b5::a_client);
  decoder d;
  std::size_t pos = 0;
  std::size_t end = 0;
  int values = 0;
  while (pos < stream.size()) {
    ++end;
    ASSERT_LE(end, stream.size());
    auto m = d.next_message(byte_view(stream).subspan(pos, end - pos));
    if (!m) {
      ASSERT_EQ(m.error(), errc::truncated);
      continue;
    }
    pos += m->consumed;
    ASSERT_EQ(pos, end);
    if (m->v) ++values;
  }
  EXPECT_EQ(values, 2);
}

std::vector<bytes> all_vectors() {
  std::vector<bytes> out;
  for (const char* h : {b5::a_client, b5::a_server, b5::b_error_reply, b5::c_dial_request, b5::c_dial_reply,
                        b5::d_add_transport, b5::e_app_dial, b5::f_transports_reply}) {
    out.push_back(test::unhex(h));
  }
  for (const char* p : {"stream_request.gob", "stream_response.gob", "stream_response_all_zero_fields.gob"}) {
    out.push_back(test::hex(test::dmsg_vectors(), p));
  }
  return out;
}

// Runs a whole stream through one decoder; returns the number of values before the first error.
int run_stream(byte_view in, error_code* last = nullptr) {
  decoder d;
  std::size_t pos = 0;
  int values = 0;
  while (pos < in.size()) {
    auto m = d.next_message(in.subspan(pos));
    if (!m) {
      if (last) *last = m.error();
      return values;
    }
    pos += m->consumed;
    if (m->v) ++values;
  }
  return values;
}

TEST(GobHostile, TruncatedAtEveryOffset) {
  for (const bytes& v : all_vectors()) {
    const int full = run_stream(v);
    for (std::size_t n = 0; n < v.size(); ++n) {
      error_code ec;
      const int got = run_stream(byte_view(v.data(), n), &ec);
      EXPECT_LE(got, full);
      // A prefix ends inside some message: the decoder must ask for more, not misparse.
      if (ec) {
        EXPECT_TRUE(ec == errc::truncated || ec == errc::unknown_type) << ec.message() << " at " << n;
      }
    }
  }
}

TEST(GobHostile, RandomBitFlipsNeverCrash) {
  std::mt19937 rng(12345);
  for (const bytes& v : all_vectors()) {
    for (int round = 0; round < 400; ++round) {
      bytes damaged = v;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) damaged[rng() % damaged.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      run_stream(damaged);
      (void)decode_single(damaged, stream_object_limits());
    }
  }
}

}  // namespace
}  // namespace skywire::wire::gob
