#pragma once
// pg_client: a small PostgreSQL client for the services, on Asio C++20 coroutines (never blocks
// the executor). libpq (Debian libpq-dev) speaks the protocol; we drive its asynchronous API
// (PQconnectStartParams/PQconnectPoll, PQsendQueryParams, PQconsumeInput/PQisBusy/PQgetResult)
// and wait for its socket with an Asio posix::stream_descriptor that does not own the fd.
//
//   pg_client db(ex, {.params = {{"host", "127.0.0.1"}, {"port", "5432"}, {"user", "postgres"},
//                                {"dbname", "tpd"}}}, log);
//   if (auto r = co_await db.ping(); !r) ...                    // startup check
//   auto op = db.query("SELECT label FROM transports WHERE transport_id = $1", {id}, 1);
//   result<pg_result> rows = co_await std::move(op);            // name it: g++ 12 coroutine bug
//
// Queries are parameterised only ($1, $2 … as text; NULL = nullopt); results come back as text.
// exec() runs a parameterless script (several statements; schema set-up).
//
// Connections: a pool of at most max_connections, opened on demand; each query borrows one
// connection for its whole exchange, callers beyond the bound wait in FIFO order. A connection
// that saw an I/O error, a timeout or a cap is closed, never reused; one whose query merely
// failed on the server (constraint, syntax) stays in the pool. An idle connection is checked
// before reuse (the server may have closed it), and a query that fails while being SENT on a
// reused connection is retried once on a new one (it never reached the server).
//
// Deadlines and bounds: connecting (incl. the host lookup, done with Asio's resolver because
// libpq's would block) takes at most connect_timeout; a query (incl. waiting for a connection)
// at most query_timeout, which is also sent as the session's statement_timeout so the server
// stops the work too. Results are read in single-row mode: at most `max_rows` rows (the caller's
// cap, pg_errc::too_many_rows beyond) and max_result_bytes of field data per query.
//
// Errors: pg_errc (pg_errc.hpp), net::errc::timeout, asio::error::operation_aborted. The
// server's text for connection failures and server errors ("ERROR: duplicate key value …
// (SQLSTATE 23505)") is logged (warn) and kept as last_error() for start-up messages.
//
// Lifetime: everything runs on the executor given at construction (single-threaded); the
// client must outlive every query in flight.
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pg_errc.hpp"

namespace skywire::svc::common {

struct pg_options {
  // libpq connection keywords (host, hostaddr, port, user, password, dbname, sslmode, …).
  std::vector<std::pair<std::string, std::string>> params;
  std::chrono::steady_clock::duration connect_timeout = std::chrono::seconds(5);
  std::chrono::steady_clock::duration query_timeout = std::chrono::seconds(10);
  std::size_t max_connections = 4;
  std::size_t max_result_bytes = 256 * 1024 * 1024;
};

using pg_row = std::vector<std::optional<std::string>>;

struct pg_result {
  std::vector<pg_row> rows;
  std::uint64_t affected = 0;  // rows inserted/updated/deleted (PQcmdTuples)
};

class pg_connection;

class pg_client {
 public:
  pg_client(boost::asio::any_io_executor ex, pg_options options, base::logger log);
  ~pg_client();
  pg_client(const pg_client&) = delete;
  pg_client& operator=(const pg_client&) = delete;

  // Connects if needed and runs SELECT 1: the startup reachability/credentials check.
  boost::asio::awaitable<result<void>> ping();
  boost::asio::awaitable<result<pg_result>> query(std::string sql, std::vector<std::optional<std::string>> params,
                                                  std::size_t max_rows);
  // A parameterless script of one or more statements (no rows kept).
  boost::asio::awaitable<result<void>> exec(std::string sql);

  // The server's (or libpq's) text of the most recent failure, for start-up messages.
  const std::string& last_error() const noexcept { return last_error_; }
  std::size_t open_connections() const noexcept { return open_; }

 private:
  struct waiter;
  struct request {
    std::string sql;
    std::vector<std::optional<std::string>> params;
    std::size_t max_rows = 0;
    bool script = false;
  };
  boost::asio::awaitable<result<pg_result>> run(request req);
  boost::asio::awaitable<result<std::unique_ptr<pg_connection>>> acquire(bool& reused);
  boost::asio::awaitable<result<std::unique_ptr<pg_connection>>> connect();
  void release(std::unique_ptr<pg_connection> c, bool healthy);
  void wake_one();
  void note_error(std::string text);

  boost::asio::any_io_executor ex_;
  pg_options opt_;
  base::logger log_;
  std::vector<std::unique_ptr<pg_connection>> idle_;
  std::size_t open_ = 0;  // idle + borrowed + being opened
  std::deque<std::shared_ptr<waiter>> waiters_;
  std::string last_error_;
};

}  // namespace skywire::svc::common
