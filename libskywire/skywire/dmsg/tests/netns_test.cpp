// dmsg across network namespaces (label netns): a discovery and a dmsg server in one namespace,
// a client in another, joined by a veth pair that the test cuts. A client that vanishes without
// closing its TCP connection (no FIN, no RST: the wire just goes dark) must be dropped by the
// server within its yamux keepalive bound (ping interval + ping timeout), and a healthy idle
// client must not be. The keepalive is shortened to 1 s + 1 s here; production uses Go's
// 30 s + 10 s.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include "dmsg-discovery/service.hpp"
#include "dmsg-discovery/store.hpp"
#include "netns.hpp"
#include "netns_thread.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/server.hpp"

namespace skywire::dmsg {
namespace {

namespace asio = boost::asio;
namespace disc_svc = svc::dmsg_discovery;
using namespace std::chrono_literals;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

using test::wait_for;

TEST(DmsgNetns, VanishedClientDroppedWithinKeepaliveBound) {
  if (!test::netns_available()) {
    if (std::getenv("CI")) FAIL() << "netns tests need root and iproute2 in CI";
    GTEST_SKIP() << "needs root and iproute2";
  }
  test::netns srv_ns("dmsg-srv"), cli_ns("dmsg-cli");
  test::veth link(srv_ns, "10.77.0.1/24", cli_ns, "10.77.0.2/24");

  base::system_clock clock;
  test::netns_thread srv_thread(srv_ns);
  auto db = disc_svc::make_memory_store();
  std::unique_ptr<disc_svc::service> disc;
  std::unique_ptr<server> srv;
  const auto disc_port = srv_thread.call([&]() -> std::uint16_t {
    disc_svc::service_options opt;
    opt.host = "10.77.0.1";
    opt.port = 0;
    opt.api.test_mode = true;
    disc = std::make_unique<disc_svc::service>(srv_thread.ctx.get_executor(), *db, clock,
                                               base::make_null_logger("disc"), opt);
    auto port = disc->start();
    if (!port) return 0;
    server_config cfg{keys("netns-server")};
    cfg.listen_host = "10.77.0.1";
    cfg.discovery_url = "http://10.77.0.1:" + std::to_string(*port);
    cfg.retry_interval = 100ms;
    cfg.session.keepalive_interval = 1s;
    cfg.session.ping_timeout = 1s;
    srv = std::make_unique<server>(srv_thread.ctx.get_executor(), cfg, clock, base::make_null_logger("srv"));
    return srv->start() ? *port : 0;
  });
  ASSERT_NE(disc_port, 0) << "discovery or server did not start in " << srv_ns.name();
  ASSERT_TRUE(wait_for([&] { return srv_thread.call([&] { return srv->entry_published(); }); }, 10s));

  // The client keeps its default (Go) keepalive, so it neither notices the cut nor says goodbye
  // in time: only the server's own keepalive can find out.
  const crypto::key_pair client_keys = keys("netns-client");
  {
    test::netns_thread cli_thread(cli_ns);
    std::unique_ptr<client> c;
    const bool ready = cli_thread.call([&] {
      c = std::make_unique<client>(cli_thread.ctx.get_executor(),
                                   client_config{.keys = client_keys,
                                                 .discovery_url = "http://10.77.0.1:" + std::to_string(disc_port)},
                                   clock, base::make_null_logger("cli"));
      c->start();
      return true;
    });
    ASSERT_TRUE(ready);
    auto has_session = [&] { return srv_thread.call([&] { return srv->has_session(client_keys.pk); }); };
    ASSERT_TRUE(wait_for(has_session, 10s)) << "client never reached the server across the veth";

    // Healthy and idle for several keepalive periods: the session stays.
    std::this_thread::sleep_for(4s);
    EXPECT_TRUE(has_session()) << "keepalive dropped a healthy idle session";

    // The wire goes dark: no FIN, no RST reaches the server.
    ASSERT_EQ(cli_ns.exec("ip link set " + link.b_if + " down"), 0);
    const auto cut = std::chrono::steady_clock::now();
    EXPECT_TRUE(wait_for([&] { return !has_session(); }, 20s)) << "vanished client never dropped";
    const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - cut).count();
    std::printf("netns: server dropped the vanished client %.1f s after the cut (keepalive 1 s + 1 s)\n", after);

    cli_thread.call([&] {
      c.reset();  // ~client closes without awaiting: the wire is down anyway
      return true;
    });
  }
  srv_thread.call([&] {
    srv.reset();
    disc.reset();
    return true;
  });
}

}  // namespace
}  // namespace skywire::dmsg
