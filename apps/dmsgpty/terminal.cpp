#include "dmsgpty/terminal.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/net/task_group.hpp"

namespace skywire::dmsgpty {
namespace {

namespace asio = boost::asio;

// Raw mode for the session's lifetime (restored in the destructor, whatever happens).
class raw_mode {
 public:
  explicit raw_mode(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
  }
  ~raw_mode() {
    if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
  }
  raw_mode(const raw_mode&) = delete;
  raw_mode& operator=(const raw_mode&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

// Asio makes the input non-blocking, and a terminal's stdin, stdout and stderr usually share one
// open file description: restore its flags at the end, or the user's shell inherits O_NONBLOCK.
class fd_flags {
 public:
  explicit fd_flags(int fd) : fd_(fd), saved_(::fcntl(fd, F_GETFL)) {}
  ~fd_flags() {
    if (saved_ >= 0) ::fcntl(fd_, F_SETFL, saved_);
  }
  fd_flags(const fd_flags&) = delete;
  fd_flags& operator=(const fd_flags&) = delete;

 private:
  int fd_;
  int saved_;
};

std::optional<win_size> window_size(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return std::nullopt;
  return win_size{ws.ws_xpixel, ws.ws_ypixel, ws.ws_row, ws.ws_col};
}

bool write_fully(int fd, byte_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

asio::awaitable<void> pump_input(pty_client& c, int fd, bool tty, base::logger log) {
  auto ex = co_await asio::this_coro::executor;
  bytes buf(4096);
  asio::posix::stream_descriptor in(ex);
  error_code ec;
  const int dup = ::dup(fd);
  if (dup >= 0) {
    in.assign(dup, ec);
    if (ec) ::close(dup);
  }
  const bool async = dup >= 0 && !ec;
  log->debug("input: {} reads{}", async ? "asynchronous" : "blocking", ec ? " (" + ec.message() + ")" : "");
  for (;;) {
    std::size_t n = 0;
    if (async) {
      auto async_read_some_op = in.async_read_some(asio::buffer(buf.data(), buf.size()), asio::as_tuple(asio::use_awaitable));
      auto [rec, got] = co_await std::move(async_read_some_op);
      if (rec) break;
      n = got;
    } else {
      // Regular files and /dev/null cannot be polled; reading them never blocks for long.
      const ssize_t got = ::read(fd, buf.data(), buf.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      n = static_cast<std::size_t>(got);
      auto post_op = asio::post(ex, asio::use_awaitable);
      co_await std::move(post_op);  // let replies through between chunks
    }
    log->debug("input: {} bytes", n);
    bytes chunk(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    auto op = c.write(std::move(chunk));
    auto w = co_await std::move(op);
    if (!w || !w->ok()) co_return;
  }
  if (!tty) {
    log->debug("input ended: sending ^D");
    bytes eot{0x04};
    auto op = c.write(std::move(eot));
    (void)co_await std::move(op);
  }
}

asio::awaitable<void> forward_resizes(pty_client& c, int fd) {
  auto ex = co_await asio::this_coro::executor;
  asio::signal_set sigs(ex, SIGWINCH);
  for (;;) {
    auto async_wait_op = sigs.async_wait(asio::as_tuple(asio::use_awaitable));
    auto [ec, sig] = co_await std::move(async_wait_op);
    (void)sig;
    if (ec) co_return;
    if (auto w = window_size(fd)) {
      auto r = co_await c.set_size(*w);
      if (!r) co_return;
    }
  }
}

}  // namespace

asio::awaitable<terminal_end> run_terminal(pty_client& c, terminal_options opt, base::logger log) {
  auto ex = co_await asio::this_coro::executor;
  const bool tty = ::isatty(opt.in_fd) == 1;
  fd_flags flags(opt.in_fd);
  if (tty) opt.cmd.size = window_size(opt.in_fd);
  std::optional<raw_mode> raw;
  if (tty) raw.emplace(opt.in_fd);

  auto start_op = c.start(opt.cmd);
  auto started = co_await std::move(start_op);
  if (!started) co_return terminal_end{false, "connection lost: " + started.error().message()};
  if (!started->empty()) co_return terminal_end{false, "failed to start command on pty: " + *started};

  net::task_group side(ex, 2);
  (void)side.spawn(pump_input(c, opt.in_fd, tty, log));
  if (tty) (void)side.spawn(forward_resizes(c, opt.in_fd));

  terminal_end end;
  for (;;) {
    auto r = co_await c.read(max_read);
    if (!r) {
      end = {false, "connection lost: " + r.error().message()};
      break;
    }
    if (!r->ok()) {
      if (r->error == err_eio || r->error == err_eof) {
        end = {true, {}};
      } else {
        end = {false, "read loop closed with error: " + r->error};
      }
      break;
    }
    if (!write_fully(opt.out_fd, r->value)) {
      end = {false, "cannot write output"};
      break;
    }
  }
  log->debug("session output ended: {}", end.ok ? "ok" : end.message);
  side.cancel();
  // Go's client calls Stop when it closes; the host answers even if the command is gone.
  (void)co_await c.stop();
  c.close();
  co_await side.join();
  log->debug("session closed");
  co_return end;
}

}  // namespace skywire::dmsgpty
