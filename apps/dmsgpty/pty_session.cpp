#include "dmsgpty/pty_session.hpp"

#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace skywire::dmsgpty {
namespace {

namespace asio = boost::asio;

bool executable_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// Go's os.PathError text for an errno from the master (what Go's client sees).
std::string path_error(const char* op, const error_code& ec) {
  if (ec.value() == EIO && ec.category() == boost::system::system_category()) return std::string(err_eio);
  if (ec == asio::error::eof) return std::string(err_eof);
  if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
    return std::string(op) + " /dev/ptmx: file already closed";
  return std::string(op) + " /dev/ptmx: " + ec.message();
}

}  // namespace

std::string user_shell() {
  if (const char* s = std::getenv("SHELL"); s != nullptr && *s != '\0') return s;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_shell != nullptr && *pw->pw_shell != '\0')
    return pw->pw_shell;
  return "/bin/sh";
}

std::string look_path(const std::string& name) {
  if (name.empty()) return {};
  if (name.find('/') != std::string::npos) return executable_file(name) ? name : std::string{};
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t pos = 0;
  while (pos <= dirs.size()) {
    const auto next = std::min(dirs.find(':', pos), dirs.size());
    std::string dir = dirs.substr(pos, next - pos);
    if (dir.empty()) dir = ".";
    const std::string cand = dir + "/" + name;
    if (executable_file(cand)) return cand;
    pos = next + 1;
  }
  return {};
}

pty_session::~pty_session() {
  if (master_) {
    error_code ignored;
    master_->close(ignored);
    master_.reset();
  }
  if (child_ > 0) {
    // Synchronous last resort (the owner should have awaited stop()): no zombie left behind.
    ::kill(child_, SIGKILL);
    ::waitpid(child_, nullptr, 0);
    child_ = -1;
  }
}

std::string pty_session::start(const command_req& req) {
  if (master_) return std::string(err_already_running);
  const std::string name = req.name.empty() ? user_shell() : req.name;
  const std::string path = look_path(name);
  if (path.empty()) {
    if (name.find('/') != std::string::npos) return "fork/exec " + name + ": no such file or directory";
    return "exec: \"" + name + "\": executable file not found in $PATH";
  }
  // Everything the child needs is built before fork: after fork only async-signal-safe calls.
  std::vector<std::string> argv_s;
  argv_s.push_back(name);
  for (const auto& a : req.args) argv_s.push_back(a);
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  winsize ws{};
  winsize* wsp = nullptr;
  if (req.size) {
    ws.ws_row = req.size->rows;
    ws.ws_col = req.size->cols;
    ws.ws_xpixel = req.size->x;
    ws.ws_ypixel = req.size->y;
    wsp = &ws;
  }
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, wsp);
  if (pid < 0) return std::string("forkpty: ") + std::strerror(errno);
  if (pid == 0) {
    // Child: default signal dispositions for the command (the host may ignore SIGPIPE).
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGCHLD, SIG_DFL);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  child_ = pid;
  master_ = std::make_unique<asio::posix::stream_descriptor>(ex_, master);
  return {};
}

asio::awaitable<outcome<bytes>> pty_session::read(std::size_t max) {
  if (!master_) co_return outcome<bytes>{{}, std::string(err_not_running)};
  if (reading_) co_return outcome<bytes>{{}, "read /dev/ptmx: a read is already in progress"};
  if (max == 0) co_return outcome<bytes>{};
  reading_ = true;
  bytes buf(max);
  auto [ec, n] = co_await master_->async_read_some(asio::buffer(buf.data(), buf.size()),
                                                   asio::as_tuple(asio::use_awaitable));
  reading_ = false;
  if (ec) co_return outcome<bytes>{{}, path_error("read", ec)};
  buf.resize(n);
  co_return outcome<bytes>{std::move(buf), {}};
}

asio::awaitable<outcome<std::int64_t>> pty_session::write(byte_view data) {
  if (!master_) co_return outcome<std::int64_t>{0, std::string(err_not_running)};
  if (writing_) co_return outcome<std::int64_t>{0, "write /dev/ptmx: a write is already in progress"};
  writing_ = true;
  auto [ec, n] = co_await asio::async_write(*master_, asio::buffer(data.data(), data.size()),
                                            asio::as_tuple(asio::use_awaitable));
  writing_ = false;
  if (ec) co_return outcome<std::int64_t>{static_cast<std::int64_t>(n), path_error("write", ec)};
  co_return outcome<std::int64_t>{static_cast<std::int64_t>(n), {}};
}

std::string pty_session::set_size(const win_size& w) {
  if (!master_) return std::string(err_not_running);
  winsize ws{};
  ws.ws_row = w.rows;
  ws.ws_col = w.cols;
  ws.ws_xpixel = w.x;
  ws.ws_ypixel = w.y;
  if (::ioctl(master_->native_handle(), TIOCSWINSZ, &ws) != 0) return std::string("ioctl: ") + std::strerror(errno);
  return {};
}

asio::awaitable<std::string> pty_session::stop() {
  if (!master_) co_return std::string(err_not_running);
  error_code ignored;
  master_->close(ignored);
  master_.reset();
  const pid_t pid = child_;
  child_ = -1;
  if (pid > 0) {
    // Closing the master hangs up the child's session (SIGHUP); give it a moment to go, then
    // make sure. Polling keeps SIGCHLD (process-wide) out of the library.
    ::kill(pid, SIGHUP);
    asio::steady_timer t(ex_);
    for (int i = 0; i < 40; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) != 0) co_return std::string{};
      t.expires_after(std::chrono::milliseconds(50));
      auto async_wait_op = t.async_wait(asio::as_tuple(asio::use_awaitable));
      co_await std::move(async_wait_op);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  co_return std::string{};
}

}  // namespace skywire::dmsgpty
