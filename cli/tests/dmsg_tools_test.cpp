// End to end: the real `skywire` binary runs a local dmsg network on loopback — `dmsg disc -t`,
// two `dmsg server start` from generated configs, `dmsg http` on a temp dir — and `dmsg curl`
// fetches a small and a 5 MB file (bytes compared), gets 404 for a missing file, and POSTs.
// Every spawned process is killed and reaped in TearDown, whatever failed.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/tests/redis_server.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool tcp_up(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class dmsg_tools : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/skywire_dmsg_tools.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (pid_t p : bg_) ::kill(p, SIGTERM);
    for (pid_t p : bg_) {
      int st = 0;
      // Graceful stop first; SIGKILL after 10 s so nothing is ever left behind.
      for (int i = 0; i < 100 && ::waitpid(p, &st, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (::waitpid(p, &st, WNOHANG) == 0) {
        ::kill(p, SIGKILL);
        ::waitpid(p, &st, 0);
      }
    }
    if (HasFailure()) {
      for (const auto& e : fs::directory_iterator(dir_))
        if (e.path().extension() == ".log") std::cerr << "--- " << e.path() << "\n" << slurp(e.path());
    }
    fs::remove_all(dir_);
  }

  pid_t spawn(std::vector<std::string> args, const fs::path& out, const fs::path& err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    args.insert(args.begin(), SKYWIRE_CLI_BINARY);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
  }

  void background(const std::string& name, std::vector<std::string> args) {
    const pid_t p = spawn(std::move(args), dir_ / (name + ".out"), dir_ / (name + ".log"));
    ASSERT_GT(p, 0);
    bg_.push_back(p);
  }

  run_result run(std::vector<std::string> args) {
    const pid_t p = spawn(std::move(args), dir_ / "stdout", dir_ / "stderr");
    run_result r;
    if (p <= 0) return r;
    int st = 0;
    ::waitpid(p, &st, 0);
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(dir_ / "stdout");
    r.err = slurp(dir_ / "stderr");
    return r;
  }

  static void wait_port(std::uint16_t port) {
    for (int i = 0; i < 200 && !tcp_up(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(tcp_up(port)) << "nothing listening on port " << port;
  }

  fs::path dir_;
  std::vector<pid_t> bg_;
};

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
  const pid_t first = spawn(disc_args, dir_ / "disc1.out", dir_ / "disc1.log");
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
  ::kill(first, SIGTERM);
  int st = 0;
  ::waitpid(first, &st, 0);
  EXPECT_FALSE(tcp_up(disc_port));
  background("disc2", disc_args);
  wait_port(disc_port);
  auto again = run({"dmsg", "curl", "-c", disc, url});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "hello via redis\n");
}

}  // namespace
