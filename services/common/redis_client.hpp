#pragma once
// redis_client: a small Redis client for the services, on Asio C++20 coroutines (never blocks
// the executor). hiredis is used only for RESP parsing and command formatting (redis_reply.hpp);
// the TCP I/O is net::stream from net::make_tcp_dialer.
//
//   redis_client db(ex, *parse_redis_url("redis://:secret@127.0.0.1:6379/0"), {});
//   if (auto r = co_await db.ping(); !r) ...            // startup check: connect, AUTH, SELECT
//   auto op = db.command({"GET", key});                  // name it: g++ 12 coroutine bug
//   result<redis_reply> v = co_await std::move(op);
//
// Connections: a pool of at most options.max_connections TCP connections, opened on demand.
// Each command (or pipeline) borrows one connection for its whole exchange, so replies can never
// be mixed up between concurrent callers; callers beyond the bound wait in FIFO order. A fresh
// connection runs AUTH (when the URL has a password) and SELECT (db != 0) first. A connection
// that saw any error (I/O, timeout, protocol, bound) is closed, never reused. When a command
// fails on an I/O error on a connection that had been idle in the pool (e.g. Redis restarted
// meanwhile), it is retried once on a new connection: fine for the idempotent commands the
// services send (GET/SET/SADD/SREM/DEL/EXISTS/SSCAN/MGET), not for INCR-like ones.
//
// Errors are values: I/O errors in their own category, net::errc::timeout when connect or a
// command exceeds its deadline, redis_errc otherwise (redis_errc.hpp). A Redis error reply
// (-ERR …) is a *value* (redis_reply::is_error) from command()/pipeline(); helpers that expect
// a type (ping) turn it into redis_errc::server_error / auth_failed.
//
// Lifetime: everything runs on the executor given at construction (single-threaded); the
// client must outlive every command in flight.
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "redis_reply.hpp"
#include "redis_url.hpp"

namespace skywire::svc::common {

struct redis_options {
  std::chrono::steady_clock::duration connect_timeout = std::chrono::seconds(5);  // TCP + AUTH + SELECT
  std::chrono::steady_clock::duration command_timeout = std::chrono::seconds(5);  // incl. waiting for a connection
  std::size_t max_connections = 8;
  redis_limits limits;  // per reply
};

class redis_connection;

class redis_client {
 public:
  redis_client(boost::asio::any_io_executor ex, redis_url url, redis_options options = {});
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  // Connects if needed and sends PING: the startup reachability/credentials check.
  boost::asio::awaitable<result<void>> ping();
  boost::asio::awaitable<result<redis_reply>> command(std::vector<std::string> args);
  // Sends every command in one write and returns the replies in order.
  boost::asio::awaitable<result<std::vector<redis_reply>>> pipeline(std::vector<std::vector<std::string>> commands);

  const redis_url& url() const noexcept { return url_; }
  std::size_t open_connections() const noexcept { return open_; }

 private:
  struct waiter;
  boost::asio::awaitable<result<std::vector<redis_reply>>> run(std::vector<std::vector<std::string>> commands);
  boost::asio::awaitable<result<std::unique_ptr<redis_connection>>> acquire(bool& reused);
  boost::asio::awaitable<result<std::unique_ptr<redis_connection>>> connect();
  void release(std::unique_ptr<redis_connection> c, bool healthy);
  void wake_one();

  boost::asio::any_io_executor ex_;
  redis_url url_;
  redis_options opt_;
  std::vector<std::unique_ptr<redis_connection>> idle_;
  std::size_t open_ = 0;  // idle + borrowed + being opened
  std::deque<std::shared_ptr<waiter>> waiters_;
};

}  // namespace skywire::svc::common
