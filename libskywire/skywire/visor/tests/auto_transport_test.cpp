// make_auto_transport with stand-in functions (spec/skywire.md §1.8, the route-setup hook): no
// work when a transport is up; stcpr, then sudph, then dmsg, each only when the address
// resolver lists the remote for it (dmsg always) and this visor can dial it; Go's retrier of
// three tries per type; a hung try ends at try_timeout; all failing is an error.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <vector>

#include "skywire/net/errc.hpp"
#include "skywire/visor/auto_transport.hpp"

namespace skywire::visor {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

crypto::public_key pk_of(std::string_view seed) { return crypto::deterministic_key_pair(as_bytes(seed))->pk; }

struct world {
  bool connected = false;
  int ar_queries = 0;
  result<std::map<crypto::public_key, std::vector<std::string>>> bound = std::map<crypto::public_key, std::vector<std::string>>{};
  std::vector<std::string> types{"stcp", "stcpr", "sudph", "dmsg"};
  std::map<std::string, int> succeed_on_try;  // type → the try that succeeds (absent: never)
  bool hang = false;                          // save never returns
  std::vector<std::string> saves;             // every try, in order

  auto_transport_functions functions() {
    auto_transport_functions f;
    f.connected = [this](const crypto::public_key&) { return connected; };
    f.registered = [this]() -> asio::awaitable<result<std::map<crypto::public_key, std::vector<std::string>>>> {
      ++ar_queries;
      co_return bound;
    };
    f.types = [this] { return types; };
    f.save = [this](crypto::public_key, std::string type) -> asio::awaitable<result<void>> {
      saves.push_back(type);
      if (hang) {
        asio::steady_timer forever(co_await asio::this_coro::executor, 1h);
        co_await forever.async_wait(asio::use_awaitable);
      }
      const auto it = succeed_on_try.find(type);
      const auto tries = std::count(saves.begin(), saves.end(), type);
      if (it != succeed_on_try.end() && tries >= it->second) co_return result<void>{};
      co_return error_code(asio::error::connection_refused);
    };
    return f;
  }

  result<void> run(crypto::public_key remote) {
    auto hook = make_auto_transport(functions(), {.first_backoff = 1ms, .try_timeout = 50ms}, nullptr);
    asio::io_context ctx;
    result<void> out = net::errc::closed;
    asio::co_spawn(ctx, hook->before_dial(remote), [&](std::exception_ptr e, result<void> r) {
      if (e) std::rethrow_exception(e);
      out = r;
    });
    ctx.run();
    return out;
  }
};

TEST(AutoTransport, NothingToDoWhenATransportIsUp) {
  world w;
  w.connected = true;
  EXPECT_TRUE(w.run(pk_of("remote")));
  EXPECT_EQ(w.ar_queries, 0);
  EXPECT_TRUE(w.saves.empty());
}

TEST(AutoTransport, TriesStcprThenSudphAsListedRetryingEachThreeTimes) {
  const auto remote = pk_of("remote");
  world w;
  w.bound = std::map<crypto::public_key, std::vector<std::string>>{{remote, {"sudph", "stcpr"}}};
  w.succeed_on_try["sudph"] = 2;
  EXPECT_TRUE(w.run(remote));
  EXPECT_EQ(w.saves, (std::vector<std::string>{"stcpr", "stcpr", "stcpr", "sudph", "sudph"}));
}

TEST(AutoTransport, FallsBackToDmsgWhenTheRemoteIsNotBoundOrTheResolverFails) {
  const auto remote = pk_of("remote");
  world w;
  w.bound = std::map<crypto::public_key, std::vector<std::string>>{{pk_of("someone else"), {"stcpr"}}};
  w.succeed_on_try["dmsg"] = 1;
  EXPECT_TRUE(w.run(remote));
  EXPECT_EQ(w.saves, std::vector<std::string>{"dmsg"});

  world down;
  down.bound = net::errc::timeout;
  down.succeed_on_try["dmsg"] = 1;
  EXPECT_TRUE(down.run(remote));
  EXPECT_EQ(down.saves, std::vector<std::string>{"dmsg"});
}

TEST(AutoTransport, SkipsTypesThisVisorCannotDial) {
  const auto remote = pk_of("remote");
  world w;
  w.types = {"stcpr", "dmsg"};
  w.bound = std::map<crypto::public_key, std::vector<std::string>>{{remote, {"sudph"}}};
  w.succeed_on_try["dmsg"] = 3;
  EXPECT_TRUE(w.run(remote));
  EXPECT_EQ(w.saves, (std::vector<std::string>{"dmsg", "dmsg", "dmsg"}));
}

TEST(AutoTransport, AllFailingIsTheLastError) {
  const auto remote = pk_of("remote");
  world w;
  w.bound = std::map<crypto::public_key, std::vector<std::string>>{{remote, {"stcpr"}}};
  const auto r = w.run(remote);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), error_code(asio::error::connection_refused));
  EXPECT_EQ(w.saves.size(), 6u) << "three stcpr tries, three dmsg tries";
}

TEST(AutoTransport, AHungTryEndsAtTheTryTimeout) {
  world w;
  w.hang = true;
  w.types = {"dmsg"};
  const auto r = w.run(pk_of("remote"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(net::errc::timeout));
  EXPECT_EQ(w.saves.size(), 3u);
}

}  // namespace
}  // namespace skywire::visor
