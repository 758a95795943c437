// The `skywire` binary: builds the command tree and dispatches. Each command family registers
// itself from cli/commands/ (see commands.hpp); this file holds no command logic.
#include <CLI/CLI.hpp>

#include "commands/commands.hpp"

int main(int argc, char** argv) {
  skywire::cli::run_state state;
  CLI::App app{"Skywire in C++: overlay network visor and tools", "skywire"};
  app.require_subcommand(1);

  CLI::App* cli = app.add_subcommand(
      "cli", "Command-line tools for a visor and its configuration (Go: skywire-cli)");
  cli->require_subcommand(1);
  skywire::cli::register_config(*cli, state);
  skywire::cli::register_cli_visor(*cli, state);
  skywire::cli::register_cli_tp(*cli, state);
  skywire::cli::register_cli_route(*cli, state);

  skywire::cli::register_visor(app, state);

  skywire::cli::register_dmsg(app, state);

  skywire::cli::register_svc(app, state);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return state.exit_code;
}
