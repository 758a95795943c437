// Both store implementations against the same expectations, plus SQLite persistence.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>

#include "dmsg-discovery/store.hpp"

namespace skywire::svc::dmsg_discovery {
namespace {

std::string pk(char c) { return "02" + std::string(64, c); }

record rec(char c, bool client, bool server, std::int64_t expiry, bool visor = false) {
  return {pk(c), "{\"k\":\"" + std::string(1, c) + "\"}", client, server, visor, expiry};
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<store> make() {
    if (GetParam() == "memory") return make_memory_store();
    auto s = open_sqlite_store(":memory:");
    EXPECT_TRUE(s) << s.error().message();
    return std::move(*s);
  }
};

TEST_P(StoreTest, PutGetListExpire) {
  auto s = make();
  ASSERT_TRUE(s->put(rec('a', true, false, 0, true)));
  ASSERT_TRUE(s->put(rec('b', false, true, 100)));
  ASSERT_TRUE(s->put(rec('c', false, true, 200)));
  ASSERT_TRUE(s->put(rec('d', true, false, 150)));
  EXPECT_EQ(**s->get(pk('a'), 50), "{\"k\":\"a\"}");
  EXPECT_FALSE(*s->get(pk('z'), 50));
  EXPECT_EQ(*s->client_pks(50), (std::vector<std::string>{pk('a'), pk('d')}));
  EXPECT_EQ(*s->visor_pks(50), (std::vector<std::string>{pk('a')}));
  EXPECT_EQ(s->server_entries(50, 10)->size(), 2u);
  EXPECT_EQ(s->server_entries(50, 1)->size(), 1u);
  // At 120 'b' is invisible even before the sweep.
  EXPECT_FALSE(*s->get(pk('b'), 120));
  EXPECT_EQ(*s->server_entries(120, 10), (std::vector<std::string>{"{\"k\":\"c\"}"}));
  EXPECT_EQ(*s->drop_expired(160), 2u);  // b and d
  EXPECT_EQ(*s->client_pks(0), (std::vector<std::string>{pk('a')}));
  // Overwrite replaces kind and expiry.
  ASSERT_TRUE(s->put(rec('a', false, true, 1000)));
  EXPECT_TRUE(s->client_pks(0)->empty());
  ASSERT_TRUE(s->remove(pk('a')));
  ASSERT_TRUE(s->remove(pk('a')));  // absent: fine
  EXPECT_FALSE(*s->get(pk('a'), 0));
}

INSTANTIATE_TEST_SUITE_P(Both, StoreTest, ::testing::Values("memory", "sqlite"));

TEST(SqliteStore, SurvivesReopen) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("skywire-disc-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                    "-" + std::to_string(std::hash<std::string>{}(std::filesystem::current_path().string())));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "disc.db").string();
  {
    auto s = open_sqlite_store(path);
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->put(rec('a', true, false, 0)));
  }
  {
    auto s = open_sqlite_store(path);
    ASSERT_TRUE(s);
    EXPECT_EQ(**(*s)->get(pk('a'), 0), "{\"k\":\"a\"}");
  }
  std::filesystem::remove_all(dir);
  auto bad = open_sqlite_store((dir / "missing" / "x.db").string());
  EXPECT_FALSE(bad);
}

}  // namespace
}  // namespace skywire::svc::dmsg_discovery
