// `skywire cli config`: the command group for visor configuration (Go: skywire-cli config).
// Keys (gen-keys, pk) and the visor config (gen).
#include "commands/commands.hpp"

namespace skywire::cli {

void register_config(CLI::App& parent, run_state& state) {
  CLI::App* config = parent.add_subcommand(
      "config", "Generate or inspect a skywire configuration and its identity keys");
  config->require_subcommand(1);
  register_config_keys(*config, state);
  register_config_gen(*config, state);
}

}  // namespace skywire::cli
