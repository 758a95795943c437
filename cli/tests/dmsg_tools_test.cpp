// End to end: the real `skywire` binary runs a local dmsg network on loopback — `dmsg disc -t`,
// two `dmsg server start` from generated configs, `dmsg http` on a temp dir — and `dmsg curl`
// fetches a small and a 5 MB file (bytes compared), gets 404 for a missing file, and POSTs.
// Every spawned process is killed and reaped in TearDown, whatever failed.
#include <string>
#include <random>
#include <vector>

#include "binary_test.hpp"
#include "common/tests/redis_server.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"

namespace {

using namespace skywire::test;

class dmsg_tools : public binary_test {};

TEST_F(dmsg_tools, disc_servers_http_and_curl) {
  const auto disc_port = free_port();
  const std::string disc = "http://127.0.0.1:" + std::to_string(disc_port);
  background("disc", {"dmsg", "disc", "-t", "-a", "127.0.0.1:" + std::to_string(disc_port)});
  wait_port(disc_port);

  for (int i = 1; i <= 2; ++i) {
    const auto port = free_port(), hport = free_port();
    const std::string cfg = (dir_ / ("server" + std::to_string(i) + ".json")).string();
    const std::string addr = "127.0.0.1:" + std::to_string(port);
    auto gen = run({"dmsg", "server", "config", "gen", "-o", cfg, "--disc", disc, "--public-address", addr,
                    "--local-address", addr, "--health-address", "127.0.0.1:" + std::to_string(hport)});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    EXPECT_EQ(fs::status(cfg).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    const std::string text = slurp(cfg);
    for (const char* key : {"\"public_key\"", "\"secret_key\"", "\"discovery\"", "\"public_address\"",
                            "\"local_address\"", "\"health_endpoint_address\"", "\"log_level\"",
                            "\"update_interval\"", "\"max_sessions\""})
      EXPECT_NE(text.find(key), std::string::npos) << key;
    // The first takes the file as an argument, the second with -c.
    if (i == 1) background("server1", {"dmsg", "server", "start", cfg});
    else background("server2", {"dmsg", "server", "start", "-c", cfg, "--limit-ip", "15"});
    wait_port(port);
  }

  const fs::path www = dir_ / "www";
  fs::create_directories(www);
  std::ofstream(www / "hello.txt", std::ios::binary) << "hello over dmsg\n";
  std::string big(5 * 1024 * 1024, '\0');
  std::mt19937 gen(42);
  for (auto& c : big) c = static_cast<char>(gen());
  std::ofstream(www / "big.bin", std::ios::binary) << big;

  skywire::crypto::system_random rng;
  const auto kp = skywire::crypto::generate_key_pair(rng);
  const std::string pk = kp.pk.to_hex();
  background("http", {"dmsg", "http", "-d", www.string(), "-D", disc, "-s", kp.sk.reveal_hex()});

  const std::string base = "dmsg://" + pk;
  run_result small;
  for (int i = 0; i < 30; ++i) {  // until the file server's entry is published
    small = run({"dmsg", "curl", "-c", disc, base + "/hello.txt"});
    if (small.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(small.out, "hello over dmsg\n");

  const std::string out = (dir_ / "big.out").string();
  auto large = run({"dmsg", "curl", "-c", disc, "-o", out, base + ":80/big.bin"});
  ASSERT_EQ(large.exit_code, 0) << large.err;
  EXPECT_TRUE(slurp(out) == big) << "5 MB body differs";

  auto missing = run({"dmsg", "curl", "-c", disc, base + "/missing.txt"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("404"), std::string::npos) << missing.err;

  // A failed request never clobbers the -o file: it is only created once a 2xx header arrived.
  auto missing_to_file = run({"dmsg", "curl", "-c", disc, "-o", out, base + "/missing.txt"});
  EXPECT_NE(missing_to_file.exit_code, 0);
  EXPECT_TRUE(slurp(out) == big) << "-o file was overwritten by a 404";
  auto unwritable = run({"dmsg", "curl", "-c", disc, "-o", (dir_ / "no-such-dir" / "x").string(), base + "/hello.txt"});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.err.find("cannot create"), std::string::npos) << unwritable.err;

  auto traversal = run({"dmsg", "curl", "-c", disc, base + "/../server1.json"});
  EXPECT_NE(traversal.exit_code, 0);
  EXPECT_EQ(traversal.out.find("secret_key"), std::string::npos);

  auto post = run({"dmsg", "curl", "-c", disc, "-d", "some text", base + "/hello.txt"});
  EXPECT_EQ(post.exit_code, 0) << post.err;
  EXPECT_EQ(post.out, "hello over dmsg\n");

  auto bad_url = run({"dmsg", "curl", "-c", disc, "dmsg://nothex/x"});
  EXPECT_EQ(bad_url.exit_code, 2);
}

TEST_F(dmsg_tools, disc_store_flag_errors) {
  auto both = run({"dmsg", "disc", "--db", (dir_ / "x.db").string(), "--redis", "redis://127.0.0.1:1"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("mutually exclusive"), std::string::npos) << both.err;
  auto bad = run({"dmsg", "disc", "--redis", "http://127.0.0.1:6379"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--redis"), std::string::npos) << bad.err;
  // Nothing listens there: a start-up error, the HTTP port is never opened.
  const auto redis_port = free_port(), disc_port = free_port();
  auto down = run({"dmsg", "disc", "--redis", "redis://127.0.0.1:" + std::to_string(redis_port), "-a",
                   "127.0.0.1:" + std::to_string(disc_port)});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.err.find("cannot use Redis at 127.0.0.1:" + std::to_string(redis_port)), std::string::npos)
      << down.err;
  EXPECT_FALSE(tcp_up(disc_port));
  auto help = run({"dmsg", "disc", "--help"});
  EXPECT_NE(help.out.find("--redis"), std::string::npos);
}

// The discovery on Redis, restarted as a process while Redis stays up: a dmsg server and a dmsg
// http file server registered with the first discovery process are found through the second.
TEST_F(dmsg_tools, disc_on_redis_survives_restart) {
  SKYWIRE_REQUIRE_REDIS_SERVER();
  skywire::svc::test::redis_process redis;
  ASSERT_TRUE(redis.ready());
  const auto disc_port = free_port();
  const std::string disc = "http://127.0.0.1:" + std::to_string(disc_port);
  const std::vector<std::string> disc_args{"dmsg", "disc", "-t", "--redis", redis.url(), "-a",
                                           "127.0.0.1:" + std::to_string(disc_port)};
  const pid_t first = background("disc1", disc_args);
  ASSERT_GT(first, 0);
  wait_port(disc_port);
  EXPECT_NE(slurp(dir_ / "disc1.log").find("Redis at 127.0.0.1:" + std::to_string(redis.port())), std::string::npos);

  const auto port = free_port(), hport = free_port();
  const std::string cfg = (dir_ / "server.json").string();
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  auto gen = run({"dmsg", "server", "config", "gen", "-o", cfg, "--disc", disc, "--public-address", addr,
                  "--local-address", addr, "--health-address", "127.0.0.1:" + std::to_string(hport)});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  background("server", {"dmsg", "server", "start", cfg});
  wait_port(port);
  const fs::path www = dir_ / "www";
  fs::create_directories(www);
  std::ofstream(www / "hello.txt", std::ios::binary) << "hello via redis\n";
  skywire::crypto::system_random rng;
  const auto kp = skywire::crypto::generate_key_pair(rng);
  background("http", {"dmsg", "http", "-d", www.string(), "-D", disc, "-s", kp.sk.reveal_hex()});
  const std::string url = "dmsg://" + kp.pk.to_hex() + "/hello.txt";
  run_result got;
  for (int i = 0; i < 30; ++i) {  // until the file server's entry is published
    got = run({"dmsg", "curl", "-c", disc, url});
    if (got.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(got.out, "hello via redis\n");

  // Stop the discovery process completely, start a new one on the same Redis.
  EXPECT_EQ(stop(first), 0);
  EXPECT_FALSE(tcp_up(disc_port));
  background("disc2", disc_args);
  wait_port(disc_port);
  auto again = run({"dmsg", "curl", "-c", disc, url});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "hello via redis\n");
}

}  // namespace
