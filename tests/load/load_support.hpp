#pragma once
// Helpers shared by the load tests: a server child's resident memory, raising the descriptor
// limit, and waiting on the calling coroutine's executor.
#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace skywire::test {

// VmRSS of `pid` in KiB, -1 if unreadable.
inline long vm_rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// Raises RLIMIT_NOFILE towards `wanted` descriptors (past the hard limit when running as root,
// as in CI) and returns how many are usable, keeping 200 spare for everything else.
inline std::size_t raise_fd_limit(std::size_t wanted) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  const rlim_t want = static_cast<rlim_t>(wanted) + 1024;
  if (rl.rlim_max < want) {
    rlimit raised{want, want};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) getrlimit(RLIMIT_NOFILE, &rl);
  }
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur > 200 ? static_cast<std::size_t>(rl.rlim_cur) - 200 : 0;
}

// How many of something to open: SKYWIRE_<env> if set, else `fallback`.
inline std::size_t count_from_env(const char* env, std::size_t fallback) {
  if (const char* v = std::getenv(env)) return std::strtoul(v, nullptr, 10);
  return fallback;
}

inline boost::asio::awaitable<void> settle(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

}  // namespace skywire::test
