#pragma once
// Test helper: a private redis-server (Debian package redis-server) on a free loopback port, in
// a temporary directory, killed when the object goes away. Tests that need it start with
// SKYWIRE_REQUIRE_REDIS_SERVER(): without /usr/bin/redis-server they FAIL when the environment
// variable CI is set (the CI image must have it) and are skipped otherwise.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace skywire::svc::test {

inline const char* redis_server_binary = "/usr/bin/redis-server";

#define SKYWIRE_REQUIRE_REDIS_SERVER()                                                          \
  do {                                                                                          \
    if (!std::filesystem::exists(::skywire::svc::test::redis_server_binary)) {                 \
      if (std::getenv("CI") != nullptr) FAIL() << "redis-server missing (apt install redis-server)"; \
      GTEST_SKIP() << "redis-server not installed";                                             \
    }                                                                                           \
  } while (0)

// A loopback port that was free a moment ago.
inline std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class redis_process {
 public:
  // `extra` are more redis-server arguments (e.g. {"--requirepass", "pw"}).
  explicit redis_process(std::vector<std::string> extra = {}, std::uint16_t port = 0) : extra_(std::move(extra)) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("skywire-redis-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    port_ = port != 0 ? port : free_loopback_port();
    start();
    // A picked port can be taken by a parallel test between the pick and redis' bind: pick again.
    for (int i = 0; i < 5 && !ready_ && port == 0; ++i) {
      port_ = free_loopback_port();
      start();
    }
  }
  ~redis_process() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  redis_process(const redis_process&) = delete;
  redis_process& operator=(const redis_process&) = delete;

  // Whether the server came up (accepting on its port).
  bool ready() const { return ready_; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    ready_ = false;
  }
  // Starts again on the same port and directory (after stop()).
  void start() {
    std::vector<std::string> args{redis_server_binary, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--dir", dir_.string(),
                                  "--logfile", (dir_ / "redis.log").string()};
    args.insert(args.end(), extra_.begin(), extra_.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      const int devnull = ::open("/dev/null", O_RDWR);
      if (devnull >= 0) {
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // Wait (bounded) until it accepts connections; a correctness wait, not a timing assertion.
    for (int i = 0; i < 1000 && pid_ > 0; ++i) {
      if (port_accepts(port_)) {
        ready_ = true;
        return;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();  // never came up: leave nothing behind
  }

 private:
  std::vector<std::string> extra_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace skywire::svc::test
