#pragma once
// CLI command registration. Each command family lives in its own file and exposes one
// register_* function that adds its subcommands (with help text and a callback) to a parent
// CLI::App. Callbacks never throw for user errors: they print "error: ..." on stderr and set
// run_state::exit_code, which main() returns after parsing.
#include <string>

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

// Writes a fresh config (fresh keys, the default flags of `config gen`) to `output`; what
// `skywire visor` does when it has none. Returns the exit code, messages on stderr.
int generate_config(const std::string& output, const std::string& svcconf, bool test_env);

// `visor`: run a visor (commands/visor.cpp).
void register_visor(CLI::App& parent, run_state& state);

// `cli visor info` (commands/cli_visor.cpp) and `cli tp …` (commands/cli_tp.cpp): the visor's
// local API from the command line.
void register_cli_visor(CLI::App& cli, run_state& state);
void register_cli_tp(CLI::App& cli, run_state& state);
// `cli route ls|groups|rm|rtfind` (commands/cli_route.cpp).
void register_cli_route(CLI::App& cli, run_state& state);

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

// `svc rf`: the route finder (commands/svc_rf.cpp); `svc sn`: the setup node (commands/svc_sn.cpp).
void register_svc_rf(CLI::App& svc, run_state& state);
void register_svc_sn(CLI::App& svc, run_state& state);

}  // namespace skywire::cli
