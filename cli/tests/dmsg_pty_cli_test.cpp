// End to end: the real `skywire` binary runs a local dmsg network on loopback (`dmsg disc -t`,
// one `dmsg server start`), a `dmsg pty host` whitelisting one key, and `dmsg pty cli` runs a
// command through it non-interactively; a key outside the whitelist is rejected (exit 1), bad
// arguments exit 2. Every spawned process is killed and reaped in TearDown.
#include <string>
#include <vector>

#include "binary_test.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"

namespace {

using namespace skywire::test;

class dmsg_pty_cli : public binary_test {};

TEST_F(dmsg_pty_cli, host_and_cli_over_local_dmsg) {
  const auto disc_port = free_port();
  const std::string disc = "http://127.0.0.1:" + std::to_string(disc_port);
  background("disc", {"dmsg", "disc", "-t", "-a", "127.0.0.1:" + std::to_string(disc_port)});
  wait_port(disc_port);
  const auto port = free_port(), hport = free_port();
  const std::string cfg = (dir_ / "server.json").string();
  const std::string addr = "127.0.0.1:" + std::to_string(port);
  auto gen = run({"dmsg", "server", "config", "gen", "-o", cfg, "--disc", disc, "--public-address", addr,
                  "--local-address", addr, "--health-address", "127.0.0.1:" + std::to_string(hport)});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  background("server", {"dmsg", "server", "start", cfg});
  wait_port(port);

  skywire::crypto::system_random rng;
  const auto host = skywire::crypto::generate_key_pair(rng);
  const auto good = skywire::crypto::generate_key_pair(rng);
  const auto bad = skywire::crypto::generate_key_pair(rng);
  background("pty-host", {"dmsg", "pty", "host", "-c", disc, "-s", host.sk.reveal_hex(), "--wl", good.pk.to_hex()});

  run_result ok;
  for (int i = 0; i < 30; ++i) {  // until the host's entry is published
    ok = run({"dmsg", "pty", "cli", "-c", disc, "-s", good.sk.reveal_hex(), host.pk.to_hex(), "--cmd", "echo",
              "hello", "from-pty"});
    if (ok.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("hello from-pty"), std::string::npos) << ok.out;

  // The explicit port, and arguments starting with '-' after `--`.
  auto dashed = run({"dmsg", "pty", "cli", "-c", disc, "-s", good.sk.reveal_hex(), host.pk.to_hex() + ":22",
                     "--cmd", "/bin/sh", "--", "-c", "echo $((20+22))"});
  EXPECT_EQ(dashed.exit_code, 0) << dashed.err;
  EXPECT_NE(dashed.out.find("42"), std::string::npos) << dashed.out;

  auto rejected = run({"dmsg", "pty", "cli", "-c", disc, "-s", bad.sk.reveal_hex(), host.pk.to_hex(), "--cmd", "echo",
                       "no"});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_NE(rejected.err.find("rejected"), std::string::npos) << rejected.err;
  EXPECT_EQ(rejected.out.find("no"), std::string::npos) << rejected.out;

  auto missing = run({"dmsg", "pty", "cli", "-c", disc, "-s", good.sk.reveal_hex(), host.pk.to_hex(), "--cmd",
                      "no-such-command-xyz"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("executable file not found"), std::string::npos) << missing.err;
}

TEST_F(dmsg_pty_cli, usage_errors_and_help) {
  auto bad_target = run({"dmsg", "pty", "cli", "-c", "http://127.0.0.1:1", "nothex"});
  EXPECT_EQ(bad_target.exit_code, 2);
  auto bad_wl = run({"dmsg", "pty", "host", "-c", "http://127.0.0.1:1", "--wl", "nothex"});
  EXPECT_EQ(bad_wl.exit_code, 2);
  EXPECT_NE(bad_wl.err.find("--wl"), std::string::npos) << bad_wl.err;
  auto help = run({"dmsg", "pty", "host", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("whitelist"), std::string::npos) << help.out;
  auto cli_help = run({"dmsg", "pty", "cli", "--help"});
  EXPECT_EQ(cli_help.exit_code, 0);
  EXPECT_NE(cli_help.out.find("--cmd"), std::string::npos) << cli_help.out;
}

}  // namespace
