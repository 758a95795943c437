// `skywire dmsg server config gen` and `skywire dmsg server start` (Go: dmsg-server, spec/dmsg.md
// §8). The config file is Go's JSON (tab-indented, mode 0600) so either implementation can run
// from the other's file. `start` runs a dmsg::server plus the HTTP /health endpoint and stops
// gracefully on SIGINT/SIGTERM.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/random.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/net/http_server.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The largest config file we read: a real one is ~500 bytes.
constexpr std::size_t max_config_size = 64 * 1024;

struct server_file_config {
  std::string public_key;
  std::string secret_key;
  std::string discovery = "http://dmsgd.skywire.skycoin.com";
  std::string public_address = "127.0.0.1:8081";
  std::string local_address = ":8081";
  std::string health_endpoint_address = ":8082";
  std::string log_level = "info";
  std::int64_t update_interval = 0;  // Go time.Duration: nanoseconds; 0 = 1 minute
  std::int64_t max_sessions = 2048;
};

// json.MarshalIndent(conf, "", "\t") of Go's Config: fields in declaration order.
std::string to_go_json(const server_file_config& c) {
  std::ostringstream o;
  auto str = [&](const char* k, const std::string& v, bool last = false) {
    o << "\t\"" << k << "\": " << json::serialize(json::value(v)) << (last ? "\n" : ",\n");
  };
  o << "{\n";
  str("public_key", c.public_key);
  str("secret_key", c.secret_key);
  str("discovery", c.discovery);
  str("public_address", c.public_address);
  str("local_address", c.local_address);
  str("health_endpoint_address", c.health_endpoint_address);
  str("log_level", c.log_level);
  o << "\t\"update_interval\": " << c.update_interval << ",\n";
  o << "\t\"max_sessions\": " << c.max_sessions << "\n}";
  return o.str();
}

cli_result<server_file_config> fail(std::string msg) {
  return cli_result<server_file_config>(boost::system::in_place_error, std::move(msg));
}

cli_result<server_file_config> parse_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot open ") + path);
  std::string text(max_config_size + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > max_config_size) return fail(path + ": larger than 64 KiB, not a dmsg-server config");
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return fail(path + ": not a JSON object");
  const auto& o = v.get_object();
  server_file_config c;
  auto get_str = [&](const char* k, std::string& out) -> bool {
    const auto* f = o.if_contains(k);
    if (!f) return true;
    if (!f->is_string()) return false;
    out = std::string(f->get_string());
    return true;
  };
  auto get_int = [&](const char* k, std::int64_t& out) -> bool {
    const auto* f = o.if_contains(k);
    if (!f) return true;
    if (f->is_int64()) out = f->get_int64();
    else if (f->is_uint64() && f->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
      out = static_cast<std::int64_t>(f->get_uint64());
    else return false;
    return true;
  };
  for (const char* k : {"public_key", "secret_key", "discovery", "public_address", "local_address",
                        "health_endpoint_address", "log_level"}) {
    std::string* dst = nullptr;
    const std::string key = k;
    if (key == "public_key") dst = &c.public_key;
    else if (key == "secret_key") dst = &c.secret_key;
    else if (key == "discovery") dst = &c.discovery;
    else if (key == "public_address") dst = &c.public_address;
    else if (key == "local_address") dst = &c.local_address;
    else if (key == "health_endpoint_address") dst = &c.health_endpoint_address;
    else dst = &c.log_level;
    if (!get_str(k, *dst)) return fail(path + ": \"" + key + "\" must be a string");
  }
  if (!get_int("update_interval", c.update_interval) || c.update_interval < 0)
    return fail(path + ": \"update_interval\" must be a non-negative integer (nanoseconds)");
  if (!get_int("max_sessions", c.max_sessions) || c.max_sessions < 0)
    return fail(path + ": \"max_sessions\" must be a non-negative integer");
  return c;
}

struct gen_flags {
  std::string output;
  bool test_env = false;
  bool force = false;
  std::string discovery, public_address, local_address, health_address;
};

int run_gen(const gen_flags& f) {
  crypto::system_random rng;
  const auto kp = crypto::generate_key_pair(rng);
  server_file_config c;
  c.public_key = kp.pk.to_hex();
  c.secret_key = kp.sk.reveal_hex();
  if (f.test_env) c.discovery = "http://dmsgd.skywire.dev";
  if (!f.discovery.empty()) c.discovery = f.discovery;
  if (!f.public_address.empty()) c.public_address = f.public_address;
  if (!f.local_address.empty()) c.local_address = f.local_address;
  if (!f.health_address.empty()) c.health_endpoint_address = f.health_address;
  const std::string text = to_go_json(c) + "\n";
  if (f.output.empty()) {
    std::cout << text;
    return 0;
  }
  // The file holds the secret key: mode 0600, and an existing config is not silently replaced.
  if (int code = write_new_secret_file(f.output, text, f.force); code != 0) return code;
  std::cerr << "dmsg-server config written to " << f.output << " (public key " << c.public_key << ")\n";
  return 0;
}

struct start_flags {
  std::string file;
  std::string file_opt;
  std::size_t limit_ip = 15;
  std::string auth;
};

int run_start(const start_flags& f) {
  const std::string path = f.file_opt.empty() ? f.file : f.file_opt;
  if (path.empty()) {
    std::cerr << "error: no config file: `skywire dmsg server start FILE` (or -c FILE)\n";
    return 2;
  }
  auto cfg = parse_config(path);
  if (!cfg) {
    std::cerr << "error: " << cfg.error() << "\n";
    return 1;
  }
  auto level = config_log_level(path, cfg->log_level);
  if (!level) return 1;
  auto sk = parse_secret_key_hex(cfg->secret_key);
  if (!sk) {
    std::cerr << "error: " << path << ": secret_key: " << sk.error() << "\n";
    return 1;
  }
  auto pk = sk->public_key();
  if (!cfg->public_key.empty() && pk.to_hex() != cfg->public_key) {
    std::cerr << "error: " << path << ": public_key does not belong to secret_key\n";
    return 1;
  }
  host_port local;
  if (!split_host_port(cfg->local_address, local)) {
    std::cerr << "error: " << path << ": local_address must be host:port or :port\n";
    return 1;
  }
  host_port health;
  if (cfg->health_endpoint_address.empty()) {
    health = {local.host, static_cast<std::uint16_t>(local.port + 1)};
  } else if (!split_host_port(cfg->health_endpoint_address, health)) {
    std::cerr << "error: " << path << ": health_endpoint_address must be host:port or :port\n";
    return 1;
  }

  auto log = base::make_stderr_logger("dmsg-server", *level);
  dmsg::server_config sc{.keys = crypto::key_pair{pk, *sk}};
  sc.listen_host = local.host.empty() ? "0.0.0.0" : local.host;
  sc.listen_port = local.port;
  sc.public_address = cfg->public_address;
  sc.discovery_url = cfg->discovery;
  sc.max_sessions = static_cast<std::size_t>(cfg->max_sessions);
  sc.max_sessions_per_ip = f.limit_ip;
  sc.server_type = f.auth;
  if (cfg->update_interval > 0) sc.update_interval = std::chrono::nanoseconds(cfg->update_interval);

  const base::system_clock clock;
  asio::io_context ctx(1);
  dmsg::server srv(ctx.get_executor(), sc, clock, log);
  auto port = srv.start();
  if (!port) return listen_failed(cfg->local_address, port.error());
  log->info("dmsg server {} listening on {}:{}, advertised as {}, discovery {}", pk.to_hex(), sc.listen_host,
            *port, cfg->public_address, cfg->discovery);

  const auto started = std::chrono::system_clock::now();
  net::http_router router;
  router.add(net::http_method::get, "/health", [started](const net::http_request&) {
    const auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count();
    net::http_reply r;
    r.body = "{\"started_at\":" + std::to_string(secs) + "}";
    return r;
  });
  net::http_server health_srv(ctx.get_executor(), router.handler(), net::http_server_options{}, log);
  auto hport = health_srv.listen(health.host.empty() ? "0.0.0.0" : health.host, health.port);
  if (!hport) return listen_failed("health address " + cfg->health_endpoint_address, hport.error());
  (void)health_srv.start();
  log->info("health endpoint on http://{}:{}/health", health.host.empty() ? "0.0.0.0" : health.host, *hport);

  run_until_signal(ctx, log, [&]() -> asio::awaitable<void> {
    co_await srv.stop();
    co_await health_srv.shutdown(std::chrono::seconds(2));
  });
  return 0;
}

}  // namespace

void register_dmsg_server(CLI::App& dmsg, run_state& state) {
  CLI::App* server = dmsg.add_subcommand(
      "server", "dmsg relay server (Go: dmsg-server): `config gen` writes a config, `start` runs it");
  server->require_subcommand(1);

  CLI::App* config = server->add_subcommand("config", "dmsg-server configuration files");
  config->require_subcommand(1);
  auto gf = std::make_shared<gen_flags>();
  CLI::App* gen = config->add_subcommand(
      "gen",
      "Generate a dmsg-server config with a fresh key pair (Go's JSON: public_key, secret_key,\n"
      "discovery, public_address, local_address, health_endpoint_address, log_level,\n"
      "update_interval (ns), max_sessions). Written with mode 0600; stdout without -o.");
  gen->add_option("-o,--output", gf->output, "file to write (refuses an existing file unless --force)");
  gen->add_flag("-t,--testenv", gf->test_env, "use the test deployment's discovery (http://dmsgd.skywire.dev)");
  gen->add_flag("--force", gf->force, "replace an existing output file");
  gen->add_option("--disc", gf->discovery, "discovery URL to write (extension; Go edits the file)");
  gen->add_option("--public-address", gf->public_address, "public_address to write (extension)");
  gen->add_option("--local-address", gf->local_address, "local_address to write (extension)");
  gen->add_option("--health-address", gf->health_address, "health_endpoint_address to write (extension)");
  gen->callback([gf, &state] { state.exit_code = run_gen(*gf); });

  auto sf = std::make_shared<start_flags>();
  CLI::App* start = server->add_subcommand(
      "start",
      "Run a dmsg server from a config file: accepts client sessions on local_address, relays\n"
      "streams between them, keeps its entry in the discovery, answers GET /health on\n"
      "health_endpoint_address (empty: local port + 1). Stops gracefully on SIGINT/SIGTERM.");
  start->add_option("file", sf->file, "config file (as written by `config gen`)");
  start->add_option("-c,--config", sf->file_opt, "config file (alternative to the positional argument)");
  start->add_option("--auth", sf->auth,
                    "passphrase sent (in clear text, as Go does) as the entry's serverType; a discovery "
                    "started with the same --auth lists this server as official");
  start->add_option("--limit-ip", sf->limit_ip, "most sessions accepted from one IP address")
      ->capture_default_str();
  start->callback([sf, &state] { state.exit_code = run_start(*sf); });
}

}  // namespace skywire::cli
