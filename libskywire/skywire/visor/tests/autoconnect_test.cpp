// run_autoconnect with stand-in hooks (spec/skywire.md §1.8): it connects to public visors it
// has no automatic transport to, never to itself, gives up on a visor after two failures, and
// ends for good once three automatic transports exist; cancellation stops it between rounds.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>

#include "skywire/net/errc.hpp"
#include "skywire/visor/autoconnect.hpp"

namespace skywire::visor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

struct world {
  std::vector<crypto::public_key> offered;    // what the service discovery answers
  std::vector<crypto::public_key> reachable;  // connect() succeeds for these
  std::vector<crypto::public_key> automatic;  // transports up
  std::map<crypto::public_key, int> tries;
  int rounds = 0;

  autoconnect_hooks hooks() {
    autoconnect_hooks h;
    h.public_visors = [this]() -> asio::awaitable<result<std::vector<crypto::public_key>>> {
      ++rounds;
      co_return offered;
    };
    h.connect = [this](crypto::public_key pk) -> asio::awaitable<result<void>> {
      ++tries[pk];
      if (std::find(reachable.begin(), reachable.end(), pk) == reachable.end()) co_return net::errc::timeout;
      automatic.push_back(pk);
      co_return result<void>{};
    };
    h.automatic_edges = [this] { return automatic; };
    return h;
  }
};

TEST(Autoconnect, ConnectsSkipsItselfGivesUpOnFailuresAndEndsAtTheTarget) {
  const auto self = keys("self").pk;
  const auto a = keys("a").pk, b = keys("b").pk, dead = keys("dead").pk, c = keys("c").pk;
  world w;
  w.offered = {self, a, dead};
  w.reachable = {a, b, c};
  asio::io_context ctx;
  bool ended = false;
  asio::co_spawn(ctx, run_autoconnect(w.hooks(), self, {.interval = 5ms}, base::make_null_logger("ac")),
                 [&](std::exception_ptr) { ended = true; });
  // A few rounds with only `a` and `dead` on offer: dead is tried exactly twice.
  ctx.run_for(100ms);
  EXPECT_FALSE(ended);
  EXPECT_EQ(w.tries[self], 0) << "never itself";
  EXPECT_EQ(w.tries[a], 1) << "once connected, not again";
  EXPECT_EQ(w.tries[dead], 2) << "given up after two failures";
  // More public visors appear: the loop reaches three and ends for good.
  w.offered = {dead, b, c};
  ctx.restart();
  ctx.run_for(200ms);
  EXPECT_TRUE(ended);
  EXPECT_EQ(w.automatic.size(), 3u);
  EXPECT_EQ(w.tries[dead], 2);
}

TEST(Autoconnect, CancellationStopsIt) {
  world w;
  asio::io_context ctx;
  asio::cancellation_signal stop;
  bool ended = false;
  asio::co_spawn(ctx, run_autoconnect(w.hooks(), keys("self").pk, {.interval = 1h}, base::make_null_logger("ac")),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr) { ended = true; }));
  ctx.run_for(20ms);
  EXPECT_EQ(w.rounds, 1);
  EXPECT_FALSE(ended);
  stop.emit(asio::cancellation_type::terminal);
  ctx.restart();
  ctx.run_for(100ms);
  EXPECT_TRUE(ended);
}

}  // namespace
}  // namespace skywire::visor
