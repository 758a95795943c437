#pragma once
// dmsgpty wire protocol (spec/dmsg.md §9; Go: dmsg pkg/dmsgpty). A pty client opens a dmsg
// stream to the host's port 22 and writes `u8 len ‖ URI` ("dmsgpty/pty"); the host answers one
// byte, 0 = accepted, 1 = rejected (whitelist, or an unknown URI). The Go host checks the
// whitelist *before* reading the URI and rejects at once. After 0 the stream carries Go net/rpc
// with the gob codec (skywire/rpc), service "pty":
//
//   pty.Start(CommandReq{Name string; Arg []string; Size *WinSize}) struct{}
//   pty.Read(int n) []byte             blocks until output; at most n bytes
//   pty.Write([]byte) int
//   pty.SetPtySize(WinSize{X, Y, Rows, Cols uint16}) struct{}
//   pty.Stop(struct{}) struct{}
//
// Errors travel as Go error texts (Response.Error); the ones a client acts on are below.
// This file holds the constants, the gob types (same names and field order as Go, so the bytes
// match), and conversions between them and C++ structs. Pure: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/wire/gob/types.hpp"
#include "skywire/wire/gob/value.hpp"

namespace skywire::dmsgpty {

namespace gob = wire::gob;

inline constexpr std::uint16_t default_port = 22;
inline constexpr std::string_view pty_uri = "dmsgpty/pty";
inline constexpr std::string_view rpc_service = "pty";
inline constexpr std::uint8_t accept_byte = 0;
inline constexpr std::uint8_t reject_byte = 1;
// Go's dmsgpty-cli default command (const.go DefaultCmd).
inline constexpr std::string_view default_cmd = "/bin/bash";

// Error texts of Go's host that a client must recognise. The pty master returns EIO once the
// child has exited and its output is drained: the normal end of a session.
inline constexpr std::string_view err_eio = "read /dev/ptmx: input/output error";
inline constexpr std::string_view err_eof = "EOF";
inline constexpr std::string_view err_not_running = "no active pty session";
inline constexpr std::string_view err_already_running = "a pty session is already running";

// The largest Read a host serves in one call (Go's client asks for 32 KiB, io.Copy's buffer).
inline constexpr std::int64_t max_read = 32 * 1024;
// Bounds on a CommandReq (Go has none; these are far above any real command line).
inline constexpr std::size_t max_args = 1024;

struct win_size {
  std::uint16_t x = 0;
  std::uint16_t y = 0;
  std::uint16_t rows = 0;
  std::uint16_t cols = 0;
  friend bool operator==(const win_size&, const win_size&) = default;
};

struct command_req {
  std::string name;
  std::vector<std::string> args;
  std::optional<win_size> size;
};

// The Go types as gob sees them: WinSize, []string, CommandReq.
struct pty_types {
  pty_types();
  pty_types(const pty_types&) = delete;
  gob::schema s;
  const gob::type_def* win_size = nullptr;
  const gob::type_def* strings = nullptr;
  const gob::type_def* command_req = nullptr;
};
const pty_types& types();

gob::value to_value(const win_size& w);
gob::value to_value(const command_req& c);
// Validating readers of the generic gob tree: std::nullopt when the value has the wrong shape
// or breaks a bound (uint16 fields above 65535, too many args).
std::optional<win_size> parse_win_size(const gob::value& v);
std::optional<command_req> parse_command_req(const gob::value& v);

// The request a client sends: u8 len ‖ uri. Empty result if uri is longer than 255 bytes.
std::optional<bytes> encode_request(std::string_view uri);
// The URI's path as Go's host mux matches it: one leading '/' removed, query and fragment cut.
std::string request_path(std::string_view raw_uri);

}  // namespace skywire::dmsgpty
