#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "skywire/wire/json/writer.hpp"

namespace skywire::wire::json {
namespace {

TEST(JsonWriter, CompactInCallOrder) {
  writer w{dialect::jsoniter_fastest};
  w.begin_object();
  w.key("z").int64(-1);
  w.key("a").begin_array().uint64(1).string("x").boolean(true).null().begin_object().end_object().end_array();
  w.key("b").begin_object().key("c").boolean(false).end_object();
  w.key("e").begin_array().end_array();
  w.end_object();
  EXPECT_EQ(w.str(), R"({"z":-1,"a":[1,"x",true,null,{}],"b":{"c":false},"e":[]})");
}

TEST(JsonWriter, IntegerExtremes) {
  writer w{dialect::go_json};
  w.begin_array()
      .int64(std::numeric_limits<std::int64_t>::min())
      .int64(std::numeric_limits<std::int64_t>::max())
      .uint64(std::numeric_limits<std::uint64_t>::max())
      .uint64(0)
      .end_array();
  EXPECT_EQ(w.str(), "[-9223372036854775808,9223372036854775807,18446744073709551615,0]");
}

TEST(JsonWriter, KeysAndValuesUseTheDialect) {
  writer go{dialect::go_json};
  go.begin_object().key("<k>").string("a&b").end_object().newline();
  EXPECT_EQ(go.str(), "{\"\\u003ck\\u003e\":\"a\\u0026b\"}\n");
  writer it{dialect::jsoniter_fastest};
  it.begin_object().key("<k>").string("a&b").end_object();
  EXPECT_EQ(it.str(), R"({"<k>":"a&b"})");
}

TEST(JsonWriter, RawValueAndTopLevelScalars) {
  writer w{dialect::go_json};
  w.begin_array().raw_value(R"({"x":1})").string("y").end_array();
  EXPECT_EQ(std::move(w).take(), R"([{"x":1},"y"])");
  writer s{dialect::go_json};
  s.string("only");
  EXPECT_EQ(s.str(), R"("only")");
}

}  // namespace
}  // namespace skywire::wire::json
