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

// `dmsg` and its subcommands (commands/dmsg.cpp): `dmsg disc`.
void register_dmsg(CLI::App& parent, run_state& state);

}  // namespace skywire::cli
