// `skywire dmsg pty host|cli` (Go: dmsgpty-host / dmsgpty-cli, spec/dmsg.md §9): a remote
// shell over dmsg. The host joins the dmsg network and listens on dmsg port 22; each stream
// from a whitelisted public key gets a pty running the command the client asks for. The cli
// dials <pk>:22 directly (Go's cli goes through its local host's unix socket; the protocol on
// the dmsg stream is the same, so either side interoperates with Go's).
// Exit status of cli: 0 when the remote command's output ended normally (its own exit status
// is not carried by the protocol), 1 when the network, the host or the session fails (a
// rejection says so), 2 for bad arguments. host runs until SIGINT/SIGTERM.
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "dmsgpty/host.hpp"
#include "dmsgpty/protocol.hpp"
#include "dmsgpty/pty_client.hpp"
#include "dmsgpty/terminal.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/dmsg/client.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;

const char* const default_disc = "http://dmsgd.skywire.skycoin.com";

struct host_flags {
  std::string disc = default_disc;
  std::string sk;
  std::string sk_file;
  std::vector<std::string> whitelist;
  std::uint16_t port = dmsgpty::default_port;
  std::size_t sessions = 1;
  std::string log_level = "info";
};

struct cli_flags {
  std::string disc = default_disc;
  std::string sk;
  std::string sk_file;
  std::string target;
  std::string cmd = std::string(dmsgpty::default_cmd);
  std::vector<std::string> args;
  std::size_t sessions = 1;
  std::string log_level = "error";
};

int run_host(const host_flags& f) {
  auto level = tool_log_level(f.log_level);
  if (!level) return 2;
  auto keys = tool_keys(f.sk, f.sk_file);
  if (!keys) return 2;
  dmsgpty::host_options opt;
  auto whitelist = parse_public_keys(f.whitelist, "--wl");
  if (!whitelist) return 2;
  opt.whitelist.insert(whitelist->begin(), whitelist->end());
  auto log = base::make_stderr_logger("dmsgpty-host", *level);
  const base::system_clock clock;
  asio::io_context ctx(1);
  dmsg::client_config cc{.keys = *keys};
  cc.discovery_url = f.disc;
  cc.min_sessions = f.sessions;
  dmsg::client client(ctx.get_executor(), cc, clock, log);
  client.start();
  auto l = client.listen(f.port);
  if (!l) return listen_failed("dmsg port " + std::to_string(f.port), l.error());
  dmsgpty::host h(ctx.get_executor(), opt, log);
  log->info("dmsgpty host on dmsg://{}:{} (discovery {}), {} whitelisted key(s)", keys->pk.to_hex(), f.port, f.disc,
            opt.whitelist.size());
  asio::co_spawn(ctx, h.serve(*l), asio::detached);

  run_until_signal(ctx, log, [&]() -> asio::awaitable<void> {
    l->close();
    co_await h.shutdown();
    co_await client.close();
  });
  return 0;
}

// <pk> or <pk>:<port>.
bool parse_target(const std::string& text, crypto::public_key& pk, std::uint16_t& port) {
  std::string key = text;
  port = dmsgpty::default_port;
  if (const auto colon = text.find(':'); colon != std::string::npos) {
    key = text.substr(0, colon);
    const std::string p = text.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
    const unsigned long v = std::stoul(p);
    if (v == 0 || v > 65535) return false;
    port = static_cast<std::uint16_t>(v);
  }
  auto parsed = crypto::public_key::from_text(key);
  if (!parsed || parsed->is_null()) return false;
  pk = *parsed;
  return true;
}

struct cli_outcome {
  int code = 1;
  std::string error;
};

asio::awaitable<cli_outcome> run_session(const cli_flags& f, crypto::public_key pk, std::uint16_t port,
                                         const crypto::key_pair& keys, const base::clock& clock, base::logger log) {
  auto ex = co_await asio::this_coro::executor;
  dmsg::client_config cc{.keys = keys};
  cc.discovery_url = f.disc;
  cc.min_sessions = f.sessions;
  dmsg::client client(ex, cc, clock, log);
  client.start();
  cli_outcome out;
  auto ready_op = client.wait_ready(std::chrono::seconds(20));
  auto ready = co_await std::move(ready_op);
  if (!ready) {
    out.error = "cannot join the dmsg network through " + f.disc + ": " + ready.error().message();
    co_await client.close();
    co_return out;
  }
  auto st = co_await client.dial(pk, port);
  if (!st) {
    out.error = "cannot reach dmsg://" + pk.to_hex() + ":" + std::to_string(port) + ": " + st.error().message();
    co_await client.close();
    co_return out;
  }
  std::unique_ptr<net::stream> s = std::move(*st);
  auto c_op = dmsgpty::pty_client::open(ex, std::move(s));
  auto c = co_await std::move(c_op);
  if (!c) {
    out.error = c.error().message();
    if (c.error() == dmsgpty::errc::rejected) out.error += " (is " + keys.pk.to_hex() + " in its whitelist?)";
    co_await client.close();
    co_return out;
  }
  // SIGTERM/SIGHUP end the session cleanly, so a raw terminal is always restored.
  asio::signal_set signals(ex, SIGTERM, SIGHUP);
  auto* cp = c->get();
  signals.async_wait([cp](const boost::system::error_code& e, int) {
    if (!e) cp->close();
  });
  dmsgpty::terminal_options topt;
  topt.cmd = {f.cmd, f.args, {}};
  auto end = co_await dmsgpty::run_terminal(**c, topt, log);
  signals.cancel();
  if (end.ok) {
    out.code = 0;
  } else {
    out.error = end.message;
  }
  co_await client.close();
  co_return out;
}

int run_cli(const cli_flags& f) {
  auto level = tool_log_level(f.log_level);
  if (!level) return 2;
  crypto::public_key pk;
  std::uint16_t port = 0;
  if (!parse_target(f.target, pk, port)) {
    std::cerr << "error: '" << f.target << "' is not <pk> or <pk>:<port>\n";
    return 2;
  }
  auto keys = tool_keys(f.sk, f.sk_file);
  if (!keys) return 2;
  auto log = base::make_stderr_logger("dmsgpty-cli", *level);
  log->info("using public key {}", keys->pk.to_hex());
  const base::system_clock clock;
  asio::io_context ctx(1);
  auto op = run_session(f, pk, port, *keys, clock, log);
  auto fut = asio::co_spawn(ctx, std::move(op), asio::use_future);
  ctx.run();
  const cli_outcome out = fut.get();
  if (!out.error.empty()) std::cerr << "error: " << out.error << "\n";
  return out.code;
}

}  // namespace

void register_dmsg_pty(CLI::App& dmsg, run_state& state) {
  CLI::App* pty = dmsg.add_subcommand(
      "pty",
      "Remote shell over dmsg (Go: dmsgpty-host / dmsgpty-cli): a host gives whitelisted public\n"
      "keys a pseudo-terminal on dmsg port 22; the cli connects to it. Go net/rpc + gob on the\n"
      "stream, so both interoperate with Go's dmsgpty.");
  pty->require_subcommand(1);

  auto hf = std::make_shared<host_flags>();
  CLI::App* host = pty->add_subcommand(
      "host",
      "Serve ptys on dmsg port 22 (Go: dmsgpty-host). Only public keys given with --wl are\n"
      "accepted; with no --wl every connection is rejected (and the log says so). Each accepted\n"
      "stream runs the command the client names (an empty name: this user's login shell) in a\n"
      "fresh pty with this process's environment, as this user. Stops on SIGINT/SIGTERM.");
  host->add_option("-c,--dmsg-disc", hf->disc, "dmsg discovery URL")->capture_default_str();
  add_key_options(*host, hf->sk, hf->sk_file);
  host->add_option("--wl", hf->whitelist, "whitelist: a public key allowed to open a pty (repeatable; none = every connection is rejected)");
  host->add_option("-p,--port", hf->port, "dmsg port to listen on")->capture_default_str();
  host->add_option("-e,--sess", hf->sessions, "dmsg server sessions to hold")->capture_default_str();
  add_tool_log_level_option(*host, hf->log_level);
  host->callback([hf, &state] { state.exit_code = run_host(*hf); });

  auto cf = std::make_shared<cli_flags>();
  CLI::App* cli = pty->add_subcommand(
      "cli",
      "Open a pty on a dmsgpty host (Go: dmsgpty-cli --addr). Runs --cmd (default /bin/bash, as\n"
      "Go) with the remaining arguments; put `--` before arguments that start with '-'.\n"
      "On a terminal, input is raw and window size changes are forwarded; otherwise input is\n"
      "copied and, at its end, one ^D is sent so a remote shell ends too. Non-interactive use:\n"
      "  skywire dmsg pty cli -c URL --sk-file k.json <pk> --cmd echo hello </dev/null\n"
      "Exit status 0 when the remote output ended normally (the remote command's own status is\n"
      "not carried by the protocol), 1 on failure or rejection, 2 for bad arguments.");
  cli->add_option("target", cf->target, "<pk>[:port] of the host (port 22 by default)")->required();
  cli->add_option("args", cf->args, "arguments for --cmd");
  cli->add_option("--cmd", cf->cmd, "command to run on the host")->capture_default_str();
  cli->add_option("-c,--dmsg-disc", cf->disc, "dmsg discovery URL")->capture_default_str();
  add_key_options(*cli, cf->sk, cf->sk_file,
                  "secret key (64 hex digits); default: a random key (which no host will have whitelisted)");
  cli->add_option("-e,--sess", cf->sessions, "dmsg server sessions to hold")->capture_default_str();
  add_tool_log_level_option(*cli, cf->log_level);
  cli->callback([cf, &state] { state.exit_code = run_cli(*cf); });
}

}  // namespace skywire::cli
