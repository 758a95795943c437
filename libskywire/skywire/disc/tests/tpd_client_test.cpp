// The transport-discovery client's bodies against Go's shapes (spec/skywire.md §1.9): the
// register body is json.Encoder output of []*SignedEntry (array, trailing newline, Appendix B.1
// entry bytes), and entry lists parse like Go's json.Decoder into []*Entry (`null` = empty, key
// case ignored, unknown keys ignored; a bad element fails the list).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "skywire/disc/errc.hpp"
#include "skywire/disc/tpd_client.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace skywire::disc {
namespace {

namespace wt = wire::transport;

// Appendix B.1's SignedEntry (the responder's slot signed), as Go's json.Encoder writes it.
constexpr std::string_view b1_entry =
    R"({"t_id":"a283e9bc-e5b4-03f8-a640-a4c189c21e04","edges":["02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b","032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b"],"type":"stcpr","label":"user"})";
constexpr std::string_view b1_sigs =
    R"("signatures":["0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000","2eab227d174f360313bfe534759b73933c317111b83ed253d3b3997f4d0fc3383256623009afd2b0b753a96bc2c6549f9ee0cdd146d5039922059543cd6c81f400"])";

std::string b1_signed() { return R"({"entry":)" + std::string(b1_entry) + "," + std::string(b1_sigs) + "}"; }

TEST(TpdClientBodies, RegisterBodyIsGoEncoderArray) {
  auto se = wt::parse_signed_entry(b1_signed());
  ASSERT_TRUE(se);
  EXPECT_EQ(signed_entries_json({*se}), "[" + b1_signed() + "]\n");

  auto second = *se;
  second.registered = 1700000000;
  EXPECT_EQ(signed_entries_json({*se, second}),
            "[" + b1_signed() + "," + b1_signed().substr(0, b1_signed().size() - 1) + R"(,"registered":1700000000}])" +
                "\n");
  // Go's Encoder on an empty (nil) slice; the client never sends it.
  EXPECT_EQ(signed_entries_json({}), "null\n");
}

TEST(TpdClientBodies, EntryListsParseLikeGo) {
  auto one = parse_entries("[" + std::string(b1_entry) + "]\n");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].type, "stcpr");
  EXPECT_EQ((*one)[0].label, "user");
  EXPECT_EQ((*one)[0].id.to_string(), "a283e9bc-e5b4-03f8-a640-a4c189c21e04");
  EXPECT_EQ(wt::to_json((*one)[0]), b1_entry);  // re-encodes to Go's bytes

  // Go's PostgreSQL store answers `null` for an edge with no transports.
  auto none = parse_entries("null\n");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto empty = parse_entries("[]");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  // Go's decoder: keys case-insensitive, unknown keys ignored.
  auto upper = parse_entries(R"([{"T_ID":"a283e9bc-e5b4-03f8-a640-a4c189c21e04","Edges":["02c9d0d1faca3c852c307b4391af5f353e63a296cded08c1a819f03b7ae768530b","032ffee44b9554cd3350ee16760688b2fb9d0faae7f3534917ff07e971eb36fd6b"],"TYPE":"dmsg","label":"automatic","extra":[1,2]}])");
  ASSERT_TRUE(upper);
  ASSERT_EQ(upper->size(), 1u);
  EXPECT_EQ((*upper)[0].type, "dmsg");
  EXPECT_EQ((*upper)[0].label, "automatic");
}

TEST(TpdClientBodies, HostileListsAreRefused) {
  EXPECT_EQ(parse_entries("").error(), errc::bad_response);
  EXPECT_EQ(parse_entries("[").error(), errc::bad_response);
  EXPECT_EQ(parse_entries(R"({"t_id":"x"})").error(), errc::bad_response);  // not an array
  EXPECT_EQ(parse_entries("[null]").error(), errc::bad_response);
  EXPECT_EQ(parse_entries("[1]").error(), errc::bad_response);
  EXPECT_EQ(parse_entries("[[[[[[[[]]]]]]]]").error(), errc::bad_response);  // depth bound
  // One bad element (a pk that is not a curve point) fails the whole list.
  std::string bad(b1_entry);
  bad.replace(bad.find("02c9d0"), 6, "04c9d0");
  EXPECT_EQ(parse_entries("[" + std::string(b1_entry) + "," + bad + "]").error(), errc::bad_response);
  // Trailing garbage after the array.
  EXPECT_EQ(parse_entries("[]x").error(), errc::bad_response);
}

TEST(TpdClientBodies, TooManyEntriesAreRefused) {
  std::string body = "[";
  for (std::size_t i = 0; i <= max_tpd_entries; ++i) {
    if (i) body += ',';
    body += "{}";
  }
  body += "]";
  EXPECT_EQ(parse_entries(body).error(), errc::bad_response);
}

}  // namespace
}  // namespace skywire::disc
