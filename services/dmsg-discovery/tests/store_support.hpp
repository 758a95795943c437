#pragma once
// Test support for the store tests: run a store coroutine to completion on an io_context, and
// open each kind of store ("memory", "sqlite", "redis") the same way.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/tests/redis_server.hpp"
#include "dmsg-discovery/redis_store.hpp"
#include "dmsg-discovery/store.hpp"

namespace skywire::svc::dmsg_discovery::test {

// Runs `op` on `ctx` until it completes (ctx may hold other work, e.g. pooled connections).
template <class T>
T wait(boost::asio::io_context& ctx, boost::asio::awaitable<T> op) {
  std::optional<T> out;
  std::exception_ptr err;
  bool done = false;
  boost::asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e, T v) {
    err = e;
    if (!e) out.emplace(std::move(v));
    done = true;
  });
  ctx.restart();
  while (!done) {
    if (ctx.run_one() == 0 && !done) throw std::logic_error("store operation did not complete");
  }
  if (err) std::rethrow_exception(err);
  return std::move(*out);
}

inline void wait(boost::asio::io_context& ctx, boost::asio::awaitable<void> op) {
  std::exception_ptr err;
  bool done = false;
  boost::asio::co_spawn(ctx, std::move(op), [&](std::exception_ptr e) {
    err = e;
    done = true;
  });
  ctx.restart();
  while (!done) {
    if (ctx.run_one() == 0 && !done) throw std::logic_error("operation did not complete");
  }
  if (err) std::rethrow_exception(err);
}

inline common::redis_url redis_url_of(const svc::test::redis_process& r) {
  common::redis_url u;
  u.host = "127.0.0.1";
  u.port = r.port();
  return u;
}

inline std::unique_ptr<store> open_store(boost::asio::io_context& ctx, const std::string& kind,
                                         const std::string& sqlite_path, const svc::test::redis_process* redis) {
  if (kind == "memory") return make_memory_store();
  if (kind == "sqlite") {
    auto s = open_sqlite_store(sqlite_path);
    EXPECT_TRUE(s) << s.error().message();
    return s ? std::move(*s) : nullptr;
  }
  if (redis == nullptr) return nullptr;
  auto s = wait(ctx, open_redis_store(ctx.get_executor(), redis_url_of(*redis)));
  EXPECT_TRUE(s) << s.error().message();
  return s ? std::move(*s) : nullptr;
}

}  // namespace skywire::svc::dmsg_discovery::test
