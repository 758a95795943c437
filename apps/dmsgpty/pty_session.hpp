#pragma once
// pty_session: one command running on a local pseudo-terminal (Go: dmsgpty.Pty, creack/pty).
// start() resolves the command like Go's exec.LookPath (so "not found" is an error of Start,
// not a dead child), then forkpty()s: the child gets a new session with the pty slave as its
// controlling terminal, stdin/stdout/stderr, the host's environment, and execs the command.
// The master side is read and written through Asio; it reports EIO once the child has exited
// and its output is drained.
//
// Errors are Go's texts (they are sent verbatim as net/rpc errors, and Go clients compare some
// of them): "no active pty session", "a pty session is already running",
// "read /dev/ptmx: input/output error", "exec: \"x\": executable file not found in $PATH".
// At most one read and one write at a time (a second concurrent one is refused).
//
// stop() closes the master (the kernel hangs up the child's session), then reaps the child:
// polled for up to 2 s, then SIGKILL. The destructor stops too. Executor: the one given.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "dmsgpty/protocol.hpp"
#include "skywire/base/bytes.hpp"

namespace skywire::dmsgpty {

// A value or a Go error text.
template <class T>
struct outcome {
  T value{};
  std::string error;
  bool ok() const noexcept { return error.empty(); }
};

class pty_session {
 public:
  explicit pty_session(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  pty_session(const pty_session&) = delete;
  pty_session& operator=(const pty_session&) = delete;
  ~pty_session();

  // Empty name: the host user's login shell ($SHELL, else the passwd entry, else /bin/sh).
  std::string start(const command_req& req);
  boost::asio::awaitable<outcome<bytes>> read(std::size_t max);
  boost::asio::awaitable<outcome<std::int64_t>> write(byte_view data);
  std::string set_size(const win_size& w);
  // Returns "" or Go's "no active pty session".
  boost::asio::awaitable<std::string> stop();

  bool running() const noexcept { return master_ != nullptr; }
  pid_t child() const noexcept { return child_; }

 private:
  boost::asio::any_io_executor ex_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> master_;
  pid_t child_ = -1;
  bool reading_ = false;
  bool writing_ = false;
};

// The login shell of the user running this process.
std::string user_shell();
// Go's exec.LookPath: a name with '/' must be an executable file; otherwise the first
// executable PATH entry. Empty string if none.
std::string look_path(const std::string& name);

}  // namespace skywire::dmsgpty
