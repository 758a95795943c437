#include "redis_client.hpp"

#include "skywire/base/bytes.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/net/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

namespace skywire::svc::common {

namespace asio = boost::asio;

// One TCP connection: writes a batch of commands, reads exactly as many replies. Any error
// leaves it unusable (the caller drops it).
class redis_connection {
 public:
  redis_connection(std::unique_ptr<net::stream> s, redis_limits limits) : stream_(std::move(s)), reader_(limits) {}
  ~redis_connection() { stream_->close(); }

  asio::awaitable<result<std::vector<redis_reply>>> exchange(const std::vector<std::vector<std::string>>& commands) {
    std::string out;
    for (const auto& c : commands) out += format_command(c);
    auto w = co_await stream_->write_all(as_bytes(out));
    if (!w) co_return w.error();
    std::vector<redis_reply> replies;
    replies.reserve(commands.size());
    while (replies.size() < commands.size()) {
      auto n = reader_.next();
      if (!n) co_return n.error();
      if (*n) {
        replies.push_back(std::move(**n));
        continue;
      }
      auto r = co_await stream_->read_some(mutable_byte_view(buf_.data(), buf_.size()));
      if (!r) co_return r.error() == net::errc::closed ? error_code(redis_errc::closed) : r.error();
      if (auto f = reader_.feed(std::string_view(reinterpret_cast<const char*>(buf_.data()), *r)); !f)
        co_return f.error();
    }
    // RESP2 has no unsolicited messages: bytes beyond the replies mean the stream is out of step.
    if (reader_.buffered() != 0) co_return redis_errc::protocol_error;
    co_return replies;
  }

 private:
  std::unique_ptr<net::stream> stream_;
  redis_reader reader_;
  std::array<std::uint8_t, 16 * 1024> buf_{};
};

struct redis_client::waiter {
  explicit waiter(asio::any_io_executor ex) : timer(std::move(ex), asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
};

namespace {

// Errors after which a command on a connection that sat idle is worth one retry on a new one.
bool stale_connection_error(const error_code& ec) {
  return ec == redis_errc::closed || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::eof || ec == asio::error::connection_aborted;
}

}  // namespace

redis_client::redis_client(asio::any_io_executor ex, redis_url url, redis_options options)
    : ex_(std::move(ex)), url_(std::move(url)), opt_(std::move(options)) {
  if (opt_.max_connections == 0) opt_.max_connections = 1;
}

redis_client::~redis_client() = default;

asio::awaitable<result<void>> redis_client::ping() {
  std::vector<std::string> args{"PING"};
  auto op = command(std::move(args));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->is_error()) {
    if (r->str.starts_with("NOAUTH") || r->str.starts_with("WRONGPASS")) co_return redis_errc::auth_failed;
    co_return redis_errc::server_error;
  }
  if (r->type != redis_type::status || r->str != "PONG") co_return redis_errc::unexpected_reply;
  co_return result<void>{};
}

asio::awaitable<result<redis_reply>> redis_client::command(std::vector<std::string> args) {
  std::vector<std::vector<std::string>> one;
  one.push_back(std::move(args));
  auto op = pipeline(std::move(one));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return std::move(r->front());
}

asio::awaitable<result<std::vector<redis_reply>>> redis_client::pipeline(std::vector<std::vector<std::string>> commands) {
  if (commands.empty()) co_return std::vector<redis_reply>{};
  auto op = run(std::move(commands));
  co_return co_await net::with_timeout(std::move(op), opt_.command_timeout);
}

asio::awaitable<result<std::vector<redis_reply>>> redis_client::run(std::vector<std::vector<std::string>> commands) {
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    auto c = co_await acquire(reused);
    if (!c) co_return c.error();
    std::unique_ptr<redis_connection> conn = std::move(*c);
    auto op = conn->exchange(commands);
    auto r = co_await std::move(op);
    if (r) {
      release(std::move(conn), true);
      co_return r;
    }
    release(std::move(conn), false);
    if (reused && attempt == 0 && stale_connection_error(r.error())) continue;
    co_return r.error();
  }
}

asio::awaitable<result<std::unique_ptr<redis_connection>>> redis_client::acquire(bool& reused) {
  for (;;) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      co_return c;
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

asio::awaitable<result<std::unique_ptr<redis_connection>>> redis_client::connect() {
  auto dialer = net::make_tcp_dialer(ex_);
  auto dial = dialer->dial(url_.host, url_.port);
  auto s = co_await std::move(dial);
  if (!s) co_return s.error();
  auto c = std::make_unique<redis_connection>(std::move(*s), opt_.limits);
  std::vector<std::vector<std::string>> hello;
  if (!url_.password.empty()) {
    if (url_.user.empty())
      hello.push_back({"AUTH", url_.password});
    else
      hello.push_back({"AUTH", url_.user, url_.password});
  }
  if (url_.db != 0) hello.push_back({"SELECT", std::to_string(url_.db)});
  if (!hello.empty()) {
    auto op = c->exchange(hello);
    auto r = co_await std::move(op);
    if (!r) co_return r.error();
    for (std::size_t i = 0; i < r->size(); ++i) {
      if ((*r)[i].is_ok()) continue;
      const bool auth = hello[i].front() == "AUTH";
      co_return auth ? redis_errc::auth_failed : redis_errc::server_error;
    }
  }
  co_return c;
}

void redis_client::release(std::unique_ptr<redis_connection> c, bool healthy) {
  if (healthy) {
    idle_.push_back(std::move(c));
  } else {
    c.reset();
    --open_;
  }
  wake_one();
}

void redis_client::wake_one() {
  while (!waiters_.empty()) {
    auto w = std::move(waiters_.front());
    waiters_.pop_front();
    if (w->timer.cancel() > 0) return;  // a waiter that already left (cancelled) takes no turn
  }
}

}  // namespace skywire::svc::common
