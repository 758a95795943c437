#pragma once
// CLI command registration. Each command family lives in its own file and exposes one
// register_* function that adds its subcommands (with help text and a callback) to a parent
// CLI::App. Callbacks never throw for user errors: they print "error: ..." on stderr and set
// run_state::exit_code, which main() returns after parsing.
#include <CLI/CLI.hpp>

namespace skywire::cli {

struct run_state {
  int exit_code = 0;
};

// `config` and its subcommands (commands/config.cpp).
void register_config(CLI::App& parent, run_state& state);

// `config gen-keys` and `config pk` (commands/config_keys.cpp).
void register_config_keys(CLI::App& config, run_state& state);

// `config gen`: a visor config (commands/config_gen.cpp).
void register_config_gen(CLI::App& config, run_state& state);

// `dmsg` and its subcommands (commands/dmsg.cpp): `dmsg disc`.
void register_dmsg(CLI::App& parent, run_state& state);

// `dmsg server config gen` / `dmsg server start` (commands/dmsg_server.cpp).
void register_dmsg_server(CLI::App& dmsg, run_state& state);

// `dmsg http`: serve a directory over dmsg (commands/dmsg_http.cpp).
void register_dmsg_http(CLI::App& dmsg, run_state& state);

// `dmsg curl`: fetch dmsg://pk:port/path (commands/dmsg_curl.cpp).
void register_dmsg_curl(CLI::App& dmsg, run_state& state);

// `dmsg pty host|cli`: remote shell over dmsg (commands/dmsg_pty.cpp).
void register_dmsg_pty(CLI::App& dmsg, run_state& state);

// `svc` and its subcommands (commands/svc.cpp): `svc ar` (address resolver).
void register_svc(CLI::App& parent, run_state& state);

}  // namespace skywire::cli
