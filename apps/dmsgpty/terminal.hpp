#pragma once
// run_terminal: drives one pty session from the local terminal (Go: dmsgpty CLI.servePty).
// Starts the command with the local window size, then at the same time copies the input fd to
// pty.Write, pty.Read to the output fd, and (on a tty) SIGWINCH to pty.SetPtySize, until the
// host's Read fails. A tty input is put in raw mode for the session and restored afterwards
// (also when the session fails). When the input is not a tty and reaches end of file, one ^D
// (0x04) is written, so a remote shell fed from a pipe sees end of input (Go sends nothing
// and such a shell waits forever); the session then lasts until the command exits.
//
// The protocol carries no exit status, so neither does this: the session "succeeds" when the
// remote command's output ended normally (Read answered "read /dev/ptmx: input/output error"
// or "EOF", as Go's CLI treats it).
#include <string>

#include <boost/asio/awaitable.hpp>

#include "dmsgpty/protocol.hpp"
#include "dmsgpty/pty_client.hpp"
#include "skywire/base/log.hpp"

namespace skywire::dmsgpty {

struct terminal_options {
  int in_fd = 0;
  int out_fd = 1;
  command_req cmd;  // size is filled in from in_fd when it is a tty
};

struct terminal_end {
  bool ok = false;      // the remote command's output ended normally
  std::string message;  // why not (for the user)
};

boost::asio::awaitable<terminal_end> run_terminal(pty_client& c, terminal_options opt, base::logger log);

}  // namespace skywire::dmsgpty
