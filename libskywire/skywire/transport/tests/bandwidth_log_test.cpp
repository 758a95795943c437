// The bandwidth log (spec/skywire.md §1.7, Go's log.go): the CSV text both ways, the day file
// names, counts that continue across a reopen, the day roll-over and the rotation purge, on
// files in a fresh temporary directory.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "skywire/transport/bandwidth_log.hpp"
#include "skywire/wire/errc.hpp"

namespace skywire::transport {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace wt = wire::transport;

wt::uuid id(const char* text) { return wt::uuid::from_text(text).value(); }
const wt::uuid id1 = id("a283e9bc-e5b4-03f8-a640-a4c189c21e04");
const wt::uuid id2 = id("3aad832f-d720-0ee3-a9d8-46c68f9de3cb");

// 2023-11-14T22:13:20Z
const base::clock::wall_time t0{std::chrono::seconds(1700000000)};

struct temp_dir {
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "bwlog-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void touch(const fs::path& p, std::string_view text = "") {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

TEST(BandwidthCsv, FormatIsGoCsv) {
  const std::vector<bandwidth_row> rows{{id1, 10, 20, 1700000000}, {id2, 0, 7, 1700000003}};
  EXPECT_EQ(format_bandwidth_csv(rows),
            "tp_id,recv,sent,time_stamp\n"
            "a283e9bc-e5b4-03f8-a640-a4c189c21e04,10,20,1700000000\n"
            "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,0,7,1700000003\n");
  EXPECT_EQ(parse_bandwidth_csv(format_bandwidth_csv(rows), 100).value(), rows);
  EXPECT_EQ(format_bandwidth_csv({}), "tp_id,recv,sent,time_stamp\n");
}

TEST(BandwidthCsv, ParseToleratesCrlfAndSkipsBadRows) {
  const std::string text =
      "tp_id,recv,sent,time_stamp\r\n"
      "a283e9bc-e5b4-03f8-a640-a4c189c21e04,1,2,3\r\n"
      "not-a-uuid,1,2,3\n"
      "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,-1,2,3\n"            // negative count
      "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,1,2\n"               // three fields
      "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,1,2,3,4\n"           // five fields
      "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,99999999999999999999,2,3\n"  // over u64
      "\n"
      "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,18446744073709551615,0,-5";
  auto rows = parse_bandwidth_csv(text, 100).value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (bandwidth_row{id1, 1, 2, 3}));
  EXPECT_EQ(rows[1], (bandwidth_row{id2, 18446744073709551615ull, 0, -5}));
}

TEST(BandwidthCsv, HeaderMustMatchAndRowsAreBounded) {
  EXPECT_EQ(parse_bandwidth_csv("", 10).error(), wire::errc::bad_message);
  EXPECT_EQ(parse_bandwidth_csv("recv,sent,tp_id,time_stamp\n", 10).error(), wire::errc::bad_message);
  std::string many(bandwidth_csv_header);
  many += '\n';
  for (int i = 0; i < 50; ++i) many += "a283e9bc-e5b4-03f8-a640-a4c189c21e04,1,1,1\n";
  EXPECT_EQ(parse_bandwidth_csv(many, 10).value().size(), 10u);
}

TEST(BandwidthCsv, DayFileNames) {
  EXPECT_EQ(bandwidth_file_name(t0), "2023-11-14.csv");
  EXPECT_EQ(bandwidth_file_name(base::clock::wall_time{}), "1970-01-01.csv");
  auto d = parse_bandwidth_file_name("2023-11-14.csv");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(bandwidth_file_name(base::clock::wall_time{*d}), "2023-11-14.csv");
  EXPECT_FALSE(parse_bandwidth_file_name("2023-02-30.csv"));
  EXPECT_FALSE(parse_bandwidth_file_name("2023-11-14.txt"));
  EXPECT_FALSE(parse_bandwidth_file_name("notes.csv"));
  EXPECT_FALSE(parse_bandwidth_file_name("2023-1-14.csv"));
  EXPECT_FALSE(parse_bandwidth_file_name("+023-11-14.csv"));
  // Found by fuzzing: a year past the range of system_clock overflowed the purge comparison.
  EXPECT_FALSE(parse_bandwidth_file_name("1011-11-14.csv"));
  EXPECT_FALSE(parse_bandwidth_file_name("9999-12-31.csv"));
  EXPECT_TRUE(parse_bandwidth_file_name("2200-12-31.csv"));
}

TEST(BandwidthLog, FlushWritesTheDayFileOnlyWhenChanged) {
  temp_dir dir;
  bandwidth_log bw(dir.path.string(), 168h, nullptr);
  bw.open(t0);
  bw.flush(t0);
  EXPECT_FALSE(fs::exists(dir.path / "2023-11-14.csv"));  // nothing counted yet
  bw.add(id1, 100, 0);
  bw.add(id1, 0, 40);
  bw.add(id2, 5, 6);
  bw.flush(t0 + 3s);
  EXPECT_EQ(slurp(dir.path / "2023-11-14.csv"),
            "tp_id,recv,sent,time_stamp\n"
            "a283e9bc-e5b4-03f8-a640-a4c189c21e04,100,40,1700000003\n"
            "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,5,6,1700000003\n");
  // Only the changed row gets the new time stamp.
  bw.add(id2, 1, 0);
  bw.flush(t0 + 6s);
  EXPECT_EQ(slurp(dir.path / "2023-11-14.csv"),
            "tp_id,recv,sent,time_stamp\n"
            "a283e9bc-e5b4-03f8-a640-a4c189c21e04,100,40,1700000003\n"
            "3aad832f-d720-0ee3-a9d8-46c68f9de3cb,6,6,1700000006\n");
  // No temp files left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
  EXPECT_EQ(files, 1);
}

TEST(BandwidthLog, CountsContinueAfterReopenTheSameDay) {
  temp_dir dir;
  {
    bandwidth_log bw(dir.path.string(), 168h, nullptr);
    bw.open(t0);
    bw.add(id1, 10, 20);
    bw.flush(t0);
  }
  bandwidth_log bw(dir.path.string(), 168h, nullptr);
  bw.open(t0 + 60s);
  ASSERT_TRUE(bw.row(id1).has_value());
  EXPECT_EQ(bw.row(id1)->recv, 10u);
  bw.add(id1, 1, 2);
  bw.flush(t0 + 61s);
  EXPECT_EQ(slurp(dir.path / "2023-11-14.csv"),
            "tp_id,recv,sent,time_stamp\na283e9bc-e5b4-03f8-a640-a4c189c21e04,11,22,1700000061\n");
}

TEST(BandwidthLog, NewDayFinishesTheOldFileAndStartsFromZero) {
  temp_dir dir;
  bandwidth_log bw(dir.path.string(), 168h, nullptr);
  bw.open(t0);
  bw.add(id1, 10, 20);
  bw.flush(t0);
  bw.add(id1, 1, 1);  // counted before midnight, flushed after it
  const auto next_day = t0 + 2h;  // 2023-11-15T00:13:20Z
  bw.flush(next_day);
  EXPECT_EQ(slurp(dir.path / "2023-11-14.csv"),
            "tp_id,recv,sent,time_stamp\na283e9bc-e5b4-03f8-a640-a4c189c21e04,11,21,1700006399\n");
  EXPECT_FALSE(bw.row(id1).has_value());
  bw.add(id1, 3, 4);
  bw.flush(next_day + 3s);
  EXPECT_EQ(slurp(dir.path / "2023-11-15.csv"),
            "tp_id,recv,sent,time_stamp\na283e9bc-e5b4-03f8-a640-a4c189c21e04,3,4,1700007203\n");
}

TEST(BandwidthLog, PurgeDeletesDayFilesOlderThanTheRotation) {
  temp_dir dir;
  touch(dir.path / "2023-11-01.csv", "tp_id,recv,sent,time_stamp\n");  // 13 days old
  touch(dir.path / "2023-11-06.csv");                                  // 8 days old
  touch(dir.path / "2023-11-08.csv");                                  // within 7 days
  touch(dir.path / "2023-11-14.csv", "tp_id,recv,sent,time_stamp\n");  // today
  touch(dir.path / "notes.txt");                                       // not ours: kept
  touch(dir.path / "1999-01-01.txt");
  touch(dir.path / "1011-11-14.csv");                                  // out of range: kept
  bandwidth_log bw(dir.path.string(), 168h, nullptr);
  bw.open(t0);
  EXPECT_FALSE(fs::exists(dir.path / "2023-11-01.csv"));
  EXPECT_FALSE(fs::exists(dir.path / "2023-11-06.csv"));
  EXPECT_TRUE(fs::exists(dir.path / "2023-11-08.csv"));
  EXPECT_TRUE(fs::exists(dir.path / "2023-11-14.csv"));
  EXPECT_TRUE(fs::exists(dir.path / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir.path / "1999-01-01.txt"));
  EXPECT_TRUE(fs::exists(dir.path / "1011-11-14.csv"));
  // A shorter rotation.
  bandwidth_log short_bw(dir.path.string(), 24h, nullptr);
  short_bw.open(t0);
  EXPECT_FALSE(fs::exists(dir.path / "2023-11-08.csv"));
  EXPECT_TRUE(fs::exists(dir.path / "2023-11-14.csv"));
}

TEST(BandwidthLog, ForeignHeaderStartsTheDayFromZero) {
  temp_dir dir;
  touch(dir.path / "2023-11-14.csv", "garbage\nmore\n");
  bandwidth_log bw(dir.path.string(), 168h, nullptr);
  bw.open(t0);
  EXPECT_FALSE(bw.row(id1).has_value());
  bw.add(id1, 1, 1);
  bw.flush(t0);
  EXPECT_EQ(slurp(dir.path / "2023-11-14.csv"),
            "tp_id,recv,sent,time_stamp\na283e9bc-e5b4-03f8-a640-a4c189c21e04,1,1,1700000000\n");
}

TEST(BandwidthLog, EmptyDirKeepsCountsInMemory) {
  bandwidth_log bw("", 168h, nullptr);
  bw.open(t0);
  bw.add(id1, 7, 8);
  bw.flush(t0);
  ASSERT_TRUE(bw.row(id1).has_value());
  EXPECT_EQ(bw.row(id1)->sent, 8u);
}

}  // namespace
}  // namespace skywire::transport
