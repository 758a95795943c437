#include "pg_client.hpp"

#include "libpq_loader.hpp"

#include "skywire/net/errc.hpp"
#include "skywire/net/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <libpq-fe.h>
#include <sys/socket.h>

#include <cerrno>

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace skywire::svc::common {

namespace asio = boost::asio;

namespace {

// libpq's functions (libpq_loader.hpp: loaded with the first connection). Only called once a
// connection exists, so the load has succeeded.
const pq::api& lib() {
  std::string ignored;
  return *pq::load(ignored);
}

struct result_deleter {
  void operator()(PGresult* r) const noexcept { lib().PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// libpq's text of an error result: "ERROR: duplicate key value violates … (SQLSTATE 23505)",
// the shape Go's pgx gives (Severity: Message (SQLSTATE code)).
std::string server_error_text(const PGresult* r) {
  const char* sev = lib().PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
  if (sev == nullptr) sev = lib().PQresultErrorField(r, PG_DIAG_SEVERITY);
  const char* msg = lib().PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  const char* code = lib().PQresultErrorField(r, PG_DIAG_SQLSTATE);
  std::string out = sev ? sev : "ERROR";
  out += ": ";
  out += msg ? msg : lib().PQresultErrorMessage(r);
  if (code) {
    out += " (SQLSTATE ";
    out += code;
    out += ")";
  }
  return out;
}

pg_errc sqlstate_errc(const char* code) {
  if (code == nullptr) return pg_errc::server_error;
  if (std::strcmp(code, "23505") == 0) return pg_errc::unique_violation;
  if (std::strcmp(code, "42P01") == 0) return pg_errc::undefined_table;
  return pg_errc::server_error;
}

// libpq's connection error text without its trailing newline.
std::string conn_error_text(const PGconn* c) {
  std::string s = c ? lib().PQerrorMessage(c) : "out of memory";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void quiet_notices(void* arg, const char* message) {
  // NOTICEs ("relation … already exists, skipping") would go to stderr by default.
  auto* log = static_cast<base::logger*>(arg);
  std::string_view m(message);
  while (!m.empty() && m.back() == '\n') m.remove_suffix(1);
  (*log)->debug("PostgreSQL: {}", m);
}

const std::string* find_param(const std::vector<std::pair<std::string, std::string>>& params, std::string_view key) {
  for (const auto& [k, v] : params)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

// One libpq connection and the (non-owning) descriptor Asio waits on. Any I/O error, timeout
// or cap leaves it broken (the client drops it); a server error answer does not.
class pg_connection {
 public:
  explicit pg_connection(asio::any_io_executor ex, base::logger* log) : sd_(std::move(ex)), log_(log) {}
  ~pg_connection() {
    untrack();
    if (conn_ != nullptr) lib().PQfinish(conn_);  // closes the socket libpq owns
  }
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  bool broken() const noexcept { return broken_; }

  // Drives PQconnectPoll to the end. On failure `text` holds libpq's message.
  asio::awaitable<result<void>> open(const std::vector<std::pair<std::string, std::string>>& params,
                                     std::string& text) {
    std::vector<const char*> keys;
    std::vector<const char*> values;
    for (const auto& [k, v] : params) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    std::string why;
    if (pq::load(why) == nullptr) {
      text = "cannot load the PostgreSQL client library: " + why;
      co_return pg_errc::connect_failed;
    }
    conn_ = lib().PQconnectStartParams(keys.data(), values.data(), 0);
    if (conn_ == nullptr || lib().PQstatus(conn_) == CONNECTION_BAD) {
      text = conn_error_text(conn_);
      co_return pg_errc::connect_failed;
    }
    lib().PQsetNoticeProcessor(conn_, quiet_notices, log_);
    // libpq: start as if PQconnectPoll had returned PGRES_POLLING_WRITING.
    PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
    for (;;) {
      // The socket may change between polls (another address of the host): track it afresh.
      if (auto t = track(); !t) {
        text = conn_error_text(conn_);
        co_return t.error();
      }
      const auto what = poll == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                      : asio::posix::descriptor_base::wait_write;
      auto [ec] = co_await sd_.async_wait(what, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        broken_ = true;
        co_return ec;
      }
      untrack();
      poll = lib().PQconnectPoll(conn_);
      if (poll == PGRES_POLLING_OK) break;
      if (poll == PGRES_POLLING_FAILED) {
        text = conn_error_text(conn_);
        broken_ = true;
        co_return pg_errc::connect_failed;
      }
    }
    if (lib().PQsetnonblocking(conn_, 1) != 0) {
      text = conn_error_text(conn_);
      broken_ = true;
      co_return pg_errc::connect_failed;
    }
    if (auto t = track(); !t) co_return t.error();
    co_return result<void>{};
  }

  // Whether an idle connection still looks usable (the server may have closed it meanwhile).
  bool alive_now() {
    if (broken_ || lib().PQstatus(conn_) != CONNECTION_OK) return false;
    if (lib().PQconsumeInput(conn_) == 0) return false;  // EOF or error: the server hung up
    if (lib().PQstatus(conn_) != CONNECTION_OK || lib().PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
    // A server that shuts down sends FATAL (libpq hands it to the notice processor) and then
    // closes; PQconsumeInput may have read the message but not yet the EOF. Peek for it: an
    // idle connection has nothing to read, so EOF or any byte means it is not reusable.
    char c = 0;
    const ssize_t n = ::recv(lib().PQsocket(conn_), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  // Sends one query and reads all of its results. `sent` tells whether the query may have
  // reached the server. On a server error `text` holds its message.
  asio::awaitable<result<pg_result>> exchange(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                                              std::size_t max_rows, bool script, std::size_t max_bytes,
                                              bool& sent, std::string& text) {
    sent = false;
    int ok = 0;
    if (script) {
      ok = lib().PQsendQuery(conn_, sql.c_str());
    } else {
      std::vector<const char*> values;
      for (const auto& p : params) {
        if (p && p->find('\0') != std::string::npos) co_return pg_errc::bad_parameter;
        values.push_back(p ? p->c_str() : nullptr);
      }
      ok = lib().PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0);
      if (ok) ok = lib().PQsetSingleRowMode(conn_);
    }
    if (!ok) {
      text = conn_error_text(conn_);
      broken_ = true;
      co_return pg_errc::connection_lost;
    }
    // Push the query out (non-blocking mode: PQflush returns 1 while some is still queued).
    for (;;) {
      const int f = lib().PQflush(conn_);
      if (f == 0) break;
      if (f < 0) {
        text = conn_error_text(conn_);
        broken_ = true;
        co_return pg_errc::connection_lost;
      }
      sent = true;  // part of it is out: no longer safe to retry
      auto [ec] = co_await sd_.async_wait(asio::posix::descriptor_base::wait_write, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        broken_ = true;
        co_return ec;
      }
    }
    sent = true;

    pg_result out;
    std::size_t bytes = 0;
    std::optional<error_code> failure;  // a server error: keep reading until the end
    for (;;) {
      while (lib().PQisBusy(conn_)) {
        auto [ec] = co_await sd_.async_wait(asio::posix::descriptor_base::wait_read, asio::as_tuple(asio::use_awaitable));
        if (ec) {
          broken_ = true;
          co_return ec;
        }
        if (lib().PQconsumeInput(conn_) == 0) {
          text = conn_error_text(conn_);
          broken_ = true;
          co_return pg_errc::connection_lost;
        }
      }
      result_ptr r(lib().PQgetResult(conn_));
      if (!r) break;
      switch (lib().PQresultStatus(r.get())) {
        case PGRES_SINGLE_TUPLE: {
          if (failure) break;
          if (out.rows.size() >= max_rows) {
            // Stop here: the rest would be read for nothing. The connection is dropped, the
            // server stops sending when it notices (or at statement_timeout).
            broken_ = true;
            co_return pg_errc::too_many_rows;
          }
          const int n = lib().PQnfields(r.get());
          pg_row row;
          row.reserve(static_cast<std::size_t>(n));
          for (int i = 0; i < n; ++i) {
            if (lib().PQgetisnull(r.get(), 0, i)) {
              row.emplace_back();
              continue;
            }
            const auto len = static_cast<std::size_t>(lib().PQgetlength(r.get(), 0, i));
            bytes += len;
            if (bytes > max_bytes) {
              broken_ = true;
              co_return pg_errc::result_too_large;
            }
            row.emplace_back(std::string(lib().PQgetvalue(r.get(), 0, i), len));
          }
          out.rows.push_back(std::move(row));
          break;
        }
        case PGRES_TUPLES_OK:
          break;
        case PGRES_COMMAND_OK: {
          const char* n = lib().PQcmdTuples(r.get());
          if (n != nullptr && *n != '\0') out.affected += std::strtoull(n, nullptr, 10);
          break;
        }
        case PGRES_EMPTY_QUERY:
          break;
        case PGRES_FATAL_ERROR:
        case PGRES_NONFATAL_ERROR:
          if (!failure) {
            text = server_error_text(r.get());
            failure = sqlstate_errc(lib().PQresultErrorField(r.get(), PG_DIAG_SQLSTATE));
          }
          break;
        default:
          // COPY and other modes would leave the connection in a state we do not drive.
          broken_ = true;
          co_return pg_errc::unexpected_result;
      }
    }
    if (lib().PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    if (failure) co_return *failure;
    co_return out;
  }

 private:
  result<void> track() {
    const int fd = lib().PQsocket(conn_);
    if (fd < 0) {
      broken_ = true;
      return pg_errc::connect_failed;
    }
    error_code ec;
    sd_.assign(fd, ec);
    if (ec) {
      broken_ = true;
      return ec;
    }
    return {};
  }
  // Hands the fd back without closing it: libpq owns it.
  void untrack() {
    if (sd_.is_open()) (void)sd_.release();
  }

  PGconn* conn_ = nullptr;
  asio::posix::stream_descriptor sd_;
  base::logger* log_;
  bool broken_ = false;
};

struct pg_client::waiter {
  explicit waiter(asio::any_io_executor ex) : timer(std::move(ex), asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
};

pg_client::pg_client(asio::any_io_executor ex, pg_options options, base::logger log)
    : ex_(std::move(ex)), opt_(std::move(options)), log_(std::move(log)) {
  if (opt_.max_connections == 0) opt_.max_connections = 1;
  // The server stops a statement at our deadline too (unless the caller chose its own options).
  if (find_param(opt_.params, "options") == nullptr) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(opt_.query_timeout).count();
    opt_.params.emplace_back("options", "-c statement_timeout=" + std::to_string(ms));
  }
}

pg_client::~pg_client() = default;

asio::awaitable<result<void>> pg_client::ping() {
  auto op = query("SELECT 1", {}, 1);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return result<void>{};
}

asio::awaitable<result<pg_result>> pg_client::query(std::string sql, std::vector<std::optional<std::string>> params,
                                                    std::size_t max_rows) {
  request req{std::move(sql), std::move(params), max_rows, false};
  auto op = run(std::move(req));
  co_return co_await net::with_timeout(std::move(op), opt_.query_timeout);
}

asio::awaitable<result<void>> pg_client::exec(std::string sql) {
  request req{std::move(sql), {}, 0, true};
  auto op = run(std::move(req));
  auto r = co_await net::with_timeout(std::move(op), opt_.query_timeout);
  if (!r) co_return r.error();
  co_return result<void>{};
}

asio::awaitable<result<pg_result>> pg_client::run(request req) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto c = co_await acquire(reused);
    if (!c) co_return c.error();
    std::unique_ptr<pg_connection> conn = std::move(*c);
    bool sent = false;
    std::string text;
    auto op = conn->exchange(req.sql, req.params, req.max_rows, req.script, opt_.max_result_bytes, sent, text);
    auto r = co_await std::move(op);
    const bool healthy = !conn->broken();
    release(std::move(conn), healthy);
    if (r) co_return r;
    if (!text.empty()) note_error(std::move(text));
    if (!healthy && reused && !sent && attempt == 0) continue;  // never reached the server
    co_return r.error();
  }
}

asio::awaitable<result<std::unique_ptr<pg_connection>>> pg_client::acquire(bool& reused) {
  for (;;) {
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->alive_now()) {
        reused = true;
        co_return c;
      }
      c.reset();  // the server closed it while it was idle
      --open_;
    }
    if (open_ < opt_.max_connections) {
      ++open_;
      auto op = connect();
      auto c = co_await net::with_timeout(std::move(op), opt_.connect_timeout);
      if (!c) {
        --open_;
        wake_one();
      }
      co_return c;
    }
    auto w = std::make_shared<waiter>(ex_);
    waiters_.push_back(w);
    auto [ec] = co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)ec;  // woken (cancelled by wake_one) or we were cancelled: check which
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return asio::error::operation_aborted;
  }
}

asio::awaitable<result<std::unique_ptr<pg_connection>>> pg_client::connect() {
  auto params = opt_.params;
  // libpq resolves a host name inside PQconnectPoll with a blocking getaddrinfo: resolve it here
  // with Asio and hand libpq the address (hostaddr), keeping `host` for TLS/authentication.
  const std::string* host = find_param(params, "host");
  if (host != nullptr && find_param(params, "hostaddr") == nullptr && !host->empty() && host->front() != '/' &&
      host->find(',') == std::string::npos) {
    error_code ec;
    (void)asio::ip::make_address(*host, ec);
    if (ec) {  // a name, not an address literal
      asio::ip::tcp::resolver resolver(ex_);
      const std::string* port = find_param(params, "port");
      const std::string name = *host;
      const std::string service = port ? *port : "5432";
      // Named first: no temporaries inside the co_await expression (g++ 12 coroutine bug).
      auto resolve = resolver.async_resolve(name, service, asio::as_tuple(asio::use_awaitable));
      auto [rec, endpoints] = co_await std::move(resolve);
      if (rec || endpoints.empty()) {
        note_error("could not resolve host \"" + name + "\": " + (rec ? rec.message() : "no address"));
        co_return pg_errc::connect_failed;
      }
      // Every address (at most 8), tried in order by libpq like it would its own lookup's: host
      // and hostaddr become parallel lists (one port applies to all).
      std::string addrs;
      std::string hosts;
      int n = 0;
      for (const auto& e : endpoints) {
        const std::string a = e.endpoint().address().to_string();
        if (addrs.find(a) != std::string::npos) continue;
        if (n++ == 8) break;
        addrs += (addrs.empty() ? "" : ",") + a;
        hosts += (hosts.empty() ? "" : ",") + name;
      }
      for (auto& [k, v] : params)
        if (k == "host") v = hosts;
      params.emplace_back("hostaddr", addrs);
    }
  }
  auto c = std::make_unique<pg_connection>(ex_, &log_);
  std::string text;
  auto op = c->open(params, text);
  auto r = co_await std::move(op);
  if (!r) {
    if (!text.empty()) note_error(std::move(text));
    co_return r.error();
  }
  co_return c;
}

void pg_client::release(std::unique_ptr<pg_connection> c, bool healthy) {
  if (healthy) {
    idle_.push_back(std::move(c));
  } else {
    c.reset();
    --open_;
  }
  wake_one();
}

void pg_client::wake_one() {
  while (!waiters_.empty()) {
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    if (w->timer.cancel() > 0) return;  // a waiter that already left (cancelled) takes no turn
  }
}

void pg_client::note_error(std::string text) {
  log_->warn("PostgreSQL: {}", text);
  last_error_ = std::move(text);
}

}  // namespace skywire::svc::common
