// Go JSON string encoders against the Go-generated vectors (tests/vectors/go-json-vectors.json,
// produced by tests/interop/goref with go1.21.13 and with a Go >= 1.22 toolchain).
#include <gtest/gtest.h>

#include "skywire/base/hex.hpp"
#include "skywire/wire/json/escape.hpp"
#include "skywire/wire/json/writer.hpp"
#include "vectors.hpp"

namespace skywire::wire::json {
namespace {

std::string unhex_str(const boost::json::value& v, std::string_view key) {
  const auto b = test::unhex(v.as_object().at(key).as_string());
  return std::string(as_chars(b));
}

void check_version(std::string_view version_key, go_json_style style) {
  const auto all = test::load_json("tests/vectors/go-json-vectors.json");
  const auto& cases = test::at(all, std::string(version_key) + ".cases").as_array();
  ASSERT_GT(cases.size(), 40u);
  for (const auto& c : cases) {
    const std::string in = unhex_str(c, "input_hex");
    SCOPED_TRACE("input hex " + base::to_hex(as_bytes(in)));
    std::string marshal;
    append_go_json_string(marshal, in, {.escape_html = true, .style = style});
    EXPECT_EQ(marshal, unhex_str(c, "encoding_json_marshal_hex"));

    writer enc{dialect::go_json, {.escape_html = true, .style = style}};
    enc.string(in).newline();
    EXPECT_EQ(enc.str(), unhex_str(c, "encoding_json_encoder_hex"));

    writer no_html{dialect::go_json, {.escape_html = false, .style = style}};
    no_html.string(in).newline();
    EXPECT_EQ(no_html.str(), unhex_str(c, "encoding_json_encoder_no_html_escape_hex"));

    std::string fastest;
    append_jsoniter_fastest_string(fastest, in);
    EXPECT_EQ(fastest, unhex_str(c, "jsoniter_fastest_hex"));
  }
}

TEST(JsonEscape, MatchesGo121Vectors) { check_version("go1_21", go_json_style::go1_21); }
TEST(JsonEscape, MatchesGo122PlusVectors) { check_version("go1_22_plus", go_json_style::go1_22_plus); }

TEST(JsonEscape, DefaultIsGo121HtmlEscaping) {
  std::string out;
  append_go_json_string(out, "\b<\f");
  EXPECT_EQ(out, R"("\u0008\u003c\u000c")");
}

TEST(JsonEscape, JsoniterCopiesHighBytesAndHtmlRaw) {
  std::string out;
  append_jsoniter_fastest_string(out, std::string("<&>\xff\xe2\x80\xa8\x7f\x01", 9));
  EXPECT_EQ(out, std::string("\"<&>\xff\xe2\x80\xa8\x7f\\u0001\"", 16));
}

TEST(JsonEscape, GoReplacesEachInvalidByte) {
  std::string out;
  append_go_json_string(out, "\xe2\x82x\xef\xbf\xbd");  // truncated sequence, then a real U+FFFD
  EXPECT_EQ(out, "\"\\ufffd\\ufffdx\xef\xbf\xbd\"");
}

}  // namespace
TEST(JsonEscape, ToValidUtf8ReplacesEachBadByte) {
  EXPECT_EQ(to_valid_utf8("plain"), "plain");
  EXPECT_EQ(to_valid_utf8("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9");  // valid multi-byte kept
  EXPECT_EQ(to_valid_utf8("a\xaa" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(to_valid_utf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");  // truncated
}

}  // namespace skywire::wire::json
