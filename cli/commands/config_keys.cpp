// `skywire cli config gen-keys` and `skywire cli config pk`: create an identity key pair and
// show the public key of an existing secret key. Secret keys are printed only by gen-keys
// without -o, which is that command's purpose (as in Go).
#include <iostream>
#include <memory>
#include <string>

#include "commands/commands.hpp"
#include "commands/key_file.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"

namespace skywire::cli {
namespace {

void fail(run_state& state, const std::string& message) {
  std::cerr << "error: " << message << "\n";
  state.exit_code = 1;
}

struct gen_keys_options {
  std::string output;
  bool force = false;
};

struct pk_options {
  std::string sk_hex;
  std::string file;
};

void run_gen_keys(const gen_keys_options& opt, run_state& state) {
  crypto::system_random rng;
  const auto kp = crypto::generate_key_pair(rng);
  if (opt.output.empty()) {
    // Go's format: fmt.Println(pk); fmt.Println(sk).
    std::cout << kp.pk.to_hex() << "\n" << kp.sk.reveal_hex() << "\n";
    return;
  }
  if (auto written = write_key_file(opt.output, kp, opt.force); !written) {
    fail(state, written.error());
    return;
  }
  std::cout << kp.pk.to_hex() << "\n";  // the public half only; the secret stays in the file
}

void run_pk(const pk_options& opt, run_state& state) {
  cli_result<crypto::secret_key> sk = std::string();
  if (!opt.sk_hex.empty()) {
    sk = parse_secret_key_hex(opt.sk_hex);
  } else if (!opt.file.empty()) {
    sk = read_key_file(opt.file);
  } else {
    sk = read_key_stream(std::cin);
  }
  if (!sk) {
    fail(state, sk.error());
    return;
  }
  std::cout << sk->public_key().to_hex() << "\n";
}

}  // namespace

void register_config_keys(CLI::App& config, run_state& state) {
  {
    auto opt = std::make_shared<gen_keys_options>();
    CLI::App* cmd = config.add_subcommand("gen-keys", "Generate a new identity key pair");
    cmd->footer(
        "Without -o, prints two lines exactly like Go's `skywire-cli config gen-keys`: the public\n"
        "key (66 hex digits), then the secret key (64 hex digits).\n"
        "With -o FILE, writes those two lines to a new file with mode 0600 and prints only the\n"
        "public key. An existing file is never overwritten unless --force is given.");
    cmd->add_option("-o,--output", opt->output, "Write the key pair to this new file (mode 0600)")
        ->type_name("FILE");
    cmd->add_flag("--force", opt->force, "Replace the output file if it exists");
    cmd->callback([opt, &state] { run_gen_keys(*opt, state); });
  }
  {
    auto opt = std::make_shared<pk_options>();
    CLI::App* cmd =
        config.add_subcommand("pk", "Print the public key that belongs to a secret key");
    cmd->footer(
        "The secret key comes from the argument (or --sk), from --file, or else from standard input. A file (or\n"
        "stdin) may hold just the secret key's 64 hex digits, or a key file as written by\n"
        "`gen-keys -o` (public key line, then secret key line; both must match).\n"
        "Prefer --file or stdin: a key given as an argument is visible in the process list.\n"
        "Exit status 1 with a message on stderr if the key is not valid.");
    auto* sk_opt = cmd->add_option("sk,--sk", opt->sk_hex,
                                   "Secret key as 64 hex digits (positional or --sk)")
                       ->type_name("HEX");
    auto* file_opt = cmd->add_option("-f,--file", opt->file, "Read the secret key from this file")
                         ->type_name("FILE");
    sk_opt->excludes(file_opt);
    cmd->callback([opt, &state] { run_pk(*opt, state); });
  }
}

}  // namespace skywire::cli
