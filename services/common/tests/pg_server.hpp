#pragma once
// Test helper: a private PostgreSQL server (Debian package postgresql) in a temporary directory,
// listening only on 127.0.0.1 at a free port (and a Unix socket in that directory), trust
// authentication for user `postgres`, stopped and removed when the object goes away.
//
// Tests run as root and postgres refuses to: initdb and the server run as the `postgres`
// system user (setuid in the forked child), which then owns the directory. Tests start with
// SKYWIRE_REQUIRE_PG_SERVER(): without /usr/lib/postgresql/*/bin/postgres (or without the
// `postgres` user when running as root) they FAIL when the environment variable CI is set and
// are skipped otherwise.
//
// shared_pg_server() is one server per test binary (initdb costs ~1 s); each test creates a
// database of its own (create_database).
#include <gtest/gtest.h>

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "redis_server.hpp"  // free_loopback_port, port_accepts

namespace skywire::svc::test {

// The newest /usr/lib/postgresql/<version>/bin that has initdb and postgres.
inline std::optional<std::filesystem::path> pg_bin_dir() {
  std::optional<std::filesystem::path> best;
  std::error_code ec;
  for (const auto& d : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const auto bin = d.path() / "bin";
    if (std::filesystem::exists(bin / "initdb") && std::filesystem::exists(bin / "postgres")) {
      if (!best || std::stoi(d.path().filename().string()) > std::stoi(best->parent_path().filename().string()))
        best = bin;
    }
  }
  return best;
}

inline bool pg_available() { return pg_bin_dir().has_value() && (::geteuid() != 0 || ::getpwnam("postgres")); }

#define SKYWIRE_REQUIRE_PG_SERVER()                                                                        \
  do {                                                                                                     \
    if (!::skywire::svc::test::pg_available()) {                                                           \
      if (std::getenv("CI") != nullptr) FAIL() << "PostgreSQL server missing (apt install postgresql)";    \
      GTEST_SKIP() << "PostgreSQL server not installed (no /usr/lib/postgresql/*/bin/postgres)";          \
    }                                                                                                      \
  } while (0)

class pg_process {
 public:
  pg_process() {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("skywire-pg-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto bin = pg_bin_dir();
    if (!bin) return;
    bin_ = *bin;
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) return;
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
      if (::chown(dir_.c_str(), uid_, gid_) != 0) return;
    }
    if (run_and_wait({(bin_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--locale=C", "-N"}) != 0)
      return;
    port_ = free_loopback_port();
    start();
    for (int i = 0; i < 5 && !ready_; ++i) {  // the picked port was taken meanwhile: pick again
      port_ = free_loopback_port();
      start();
    }
  }
  ~pg_process() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  pg_process(const pg_process&) = delete;
  pg_process& operator=(const pg_process&) = delete;

  bool ready() const { return ready_; }
  // Creates database `name` (createdb over TCP); false on failure.
  bool create_database(const std::string& name) const {
    return ready_ && run_and_wait({(bin_ / "createdb").string(), "-h", "127.0.0.1", "-p", std::to_string(port_),
                                   "-U", "postgres", name}) == 0;
  }
  std::uint16_t port() const { return port_; }

  // Fast shutdown (SIGINT: abort sessions, checkpoint), SIGKILL if it lingers.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGINT);
    int status = 0;
    for (int i = 0; i < 1000; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ready_ = false;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    ready_ = false;
  }

  // Starts (again) on the same port and data directory.
  void start() {
    pid_ = spawn({(bin_ / "postgres").string(), "-D", (dir_ / "data").string(), "-p", std::to_string(port_), "-c",
                  "listen_addresses=127.0.0.1", "-k", dir_.string(), "-c", "fsync=off", "-c",
                  "full_page_writes=off"},
                 dir_ / "postgres.log");
    // Wait (bounded) until it accepts connections; a correctness wait, not a timing assertion.
    for (int i = 0; i < 3000 && pid_ > 0; ++i) {
      // Accepting TCP is not enough ("the database system is starting up"): ask pg_isready.
      if (port_accepts(port_) &&
          run_and_wait({(bin_ / "pg_isready").string(), "-q", "-h", "127.0.0.1", "-p", std::to_string(port_)}) == 0) {
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
    stop();
  }

 private:
  pid_t spawn(std::vector<std::string> args, const std::filesystem::path& log) const {
    // Everything allocated before fork: the child of a threaded process only makes syscalls.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log_path = log.string();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    const int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    if (::geteuid() == 0) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(gid_) != 0 || ::setuid(uid_) != 0) ::_exit(126);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }

  int run_and_wait(std::vector<std::string> args) const {
    if (bin_.empty()) return -1;
    const pid_t pid = spawn(std::move(args), dir_ / "tools.log");
    if (pid < 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::filesystem::path dir_;
  std::filesystem::path bin_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

// One server for the whole test binary, started on first use, stopped at exit.
inline pg_process& shared_pg_server() {
  static pg_process server;
  return server;
}

// libpq parameters for `dbname` on `server`.
inline std::vector<std::pair<std::string, std::string>> pg_params(const pg_process& server,
                                                                   const std::string& dbname = "postgres") {
  return {{"host", "127.0.0.1"}, {"port", std::to_string(server.port())}, {"user", "postgres"}, {"dbname", dbname}};
}

}  // namespace skywire::svc::test
