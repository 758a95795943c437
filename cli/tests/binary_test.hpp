#pragma once
// A GoogleTest fixture for tests that run the real `skywire` binary (SKYWIRE_CLI_BINARY): a
// temp dir per test, foreground runs with captured stdout/stderr/exit status, background
// processes that are always stopped and reaped (SIGTERM, then SIGKILL after 10 s) with their
// logs printed when the test failed, and loopback port helpers.
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
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace skywire::test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A loopback port that was free a moment ago, for a process started later to listen on. Chosen
// below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768–60999 by default):
// there the outgoing connections of tests running alongside cannot take it in the meantime, as
// they did with a port the kernel handed out from that range; another test picking the same of
// these ~12,000 ports at random in the same moment is what is left.
inline std::uint16_t free_port() {
  static std::mt19937 pick{std::random_device{}()};
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const auto port = static_cast<std::uint16_t>(std::uniform_int_distribution<int>(20000, 32767)(pick));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) return port;
  }
  ADD_FAILURE() << "no free loopback port in 20000-32767";
  return 0;
}

inline bool tcp_up(std::uint16_t port) {
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

class binary_test : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/skywire_cli_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }

  void TearDown() override {
    while (!bg_.empty()) stop(bg_.back());  // stop() removes the pid from bg_
    if (HasFailure()) {
      for (const auto& e : fs::directory_iterator(dir_))
        if (e.path().extension() == ".log") std::cerr << "--- " << e.path() << "\n" << slurp(e.path());
    }
    fs::remove_all(dir_);
  }

  // Starts the binary with `args`; stdin from `in` (or /dev/null), stdout/stderr to files.
  pid_t spawn(std::vector<std::string> args, const fs::path& out, const fs::path& err, const fs::path& in = {}) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in.empty() ? "/dev/null" : in.c_str(), O_RDONLY, 0);
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

  // A process that runs until TearDown (or stop()); its stderr is <dir>/<name>.log.
  pid_t background(const std::string& name, std::vector<std::string> args) {
    const pid_t p = spawn(std::move(args), dir_ / (name + ".out"), dir_ / (name + ".log"));
    EXPECT_GT(p, 0) << "cannot start " << name;
    if (p > 0) bg_.push_back(p);
    return p;
  }

  // Runs to completion with `stdin_text` on stdin.
  run_result run(std::vector<std::string> args, const std::string& stdin_text = "") {
    const fs::path in = dir_ / "stdin";
    std::ofstream(in, std::ios::binary) << stdin_text;
    const pid_t p = spawn(std::move(args), dir_ / "stdout", dir_ / "stderr", in);
    run_result r;
    if (p <= 0) {
      ADD_FAILURE() << "posix_spawn failed";
      return r;
    }
    r.exit_code = wait_exit(p);
    r.out = slurp(dir_ / "stdout");
    r.err = slurp(dir_ / "stderr");
    return r;
  }

  // Exit status (128 + signal when killed).
  static int wait_exit(pid_t p) {
    int st = 0;
    ::waitpid(p, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

  // SIGTERM, then SIGKILL after 10 s; returns the exit status. Safe to call twice.
  int stop(pid_t p) {
    auto it = std::find(bg_.begin(), bg_.end(), p);
    if (it == bg_.end()) return -1;
    bg_.erase(it);
    ::kill(p, SIGTERM);
    int st = 0;
    for (int i = 0; i < 100 && ::waitpid(p, &st, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (::waitpid(p, &st, WNOHANG) == 0) {
      ::kill(p, SIGKILL);
      ::waitpid(p, &st, 0);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

  static void wait_port(std::uint16_t port) {
    for (int i = 0; i < 200 && !tcp_up(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(tcp_up(port)) << "nothing listening on port " << port;
  }

  fs::path dir_;
  std::vector<pid_t> bg_;
};

}  // namespace skywire::test
