#include <gtest/gtest.h>

#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/ports.hpp"

namespace skywire::dmsg {
namespace {

TEST(DmsgPorts, EphemeralStartAt49153AndSkipUsed) {
  auto t = std::make_shared<port_table>();
  auto a = t->reserve_ephemeral();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port(), 49153);
  auto held = t->reserve(49154);
  ASSERT_TRUE(held);
  auto b = t->reserve_ephemeral();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port(), 49155);
}

TEST(DmsgPorts, LeaseReleasesPort) {
  auto t = std::make_shared<port_table>();
  {
    auto l = t->reserve(80);
    ASSERT_TRUE(l);
    EXPECT_EQ(t->reserve(80).error(), errc::port_occupied);
  }
  EXPECT_FALSE(t->in_use(80));
  EXPECT_EQ(t->reserve(0).error(), errc::port_occupied);
}

TEST(DmsgPorts, EphemeralWraps) {
  auto t = std::make_shared<port_table>();
  std::vector<port_lease> all;
  for (int i = 0; i < 65535 - 49153 + 1; ++i) {
    auto l = t->reserve_ephemeral();
    ASSERT_TRUE(l);
    all.push_back(std::move(*l));
  }
  EXPECT_EQ(t->reserve_ephemeral().error(), errc::no_ports);
  all[10].release();
  auto again = t->reserve_ephemeral();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->port(), 49163);
}

}  // namespace
}  // namespace skywire::dmsg
