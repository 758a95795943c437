// `skywire dmsg curl` (Go: dmsgcurl, spec/dmsg.md §9): one HTTP request over dmsg. A dmsg client
// (random key unless -s) joins the network through the discovery, dials one stream to
// <pk>:<port> (port 80 by default) through net::http_client + dmsg::make_dialer (Host header
// "<pk>:<port>"), prints the body to stdout or writes it to -o, then deletes its client entry.
// Exit status: 0 on a 2xx/3xx answer; 1 when the network, the target or the request fails or
// the status is >= 400 (the status line is printed on stderr); 2 for bad arguments.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>

#include "commands/commands.hpp"
#include "commands/dmsg_common.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/dialer.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/http_client.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;

// Responses are buffered whole (net::http_client); this bounds that buffer.
constexpr std::size_t max_response_body = 1024ull * 1024 * 1024;

struct curl_flags {
  std::string url;
  std::string disc = "http://dmsgd.skywire.skycoin.com";
  std::string output;
  std::optional<std::string> data;
  std::string sk;
  std::string sk_file;
  std::size_t sessions = 1;
  unsigned tries = 1;
  unsigned timeout_s = 300;
  std::string log_level = "error";
};

struct dmsg_url {
  crypto::public_key pk;
  std::uint16_t port = 80;
  std::string path = "/";
};

// dmsg://<pk>[:port][/path]. Like Go the scheme is not checked (anything before "://").
cli_result<dmsg_url> parse_dmsg_url(const std::string& text) {
  std::string rest = text;
  const auto scheme = rest.find("://");
  if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  dmsg_url u;
  if (slash != std::string::npos) u.path = rest.substr(slash);
  std::string host = authority;
  const auto colon = authority.find(':');
  if (colon != std::string::npos) {
    host = authority.substr(0, colon);
    const std::string p = authority.substr(colon + 1);
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(p) > 65535 || std::stoul(p) == 0)
      return "bad port in URL '" + text + "'";
    u.port = static_cast<std::uint16_t>(std::stoul(p));
  }
  auto pk = crypto::public_key::from_text(host);
  if (!pk || pk->is_null()) return "'" + host + "' in URL '" + text + "' is not a public key";
  u.pk = *pk;
  if (u.path.find_first_of(std::string_view(" \r\n\0", 4)) != std::string::npos)
    return "URL path contains spaces or control characters (percent-encode them)";
  return u;
}

struct outcome {
  int code = 1;
  std::string error;
  std::optional<net::http_response> response;
};

asio::awaitable<outcome> fetch(const curl_flags& f, const dmsg_url& u, const crypto::key_pair& keys,
                               const base::clock& clock, base::logger log) {
  outcome out;
  auto ex = co_await asio::this_coro::executor;
  dmsg::client_config cc{.keys = keys};
  cc.discovery_url = f.disc;
  cc.min_sessions = f.sessions;
  dmsg::client client(ex, cc, clock, log);
  client.start();
  const std::chrono::steady_clock::duration ready_timeout = std::chrono::seconds(20);
  auto ready = co_await client.wait_ready(ready_timeout);
  if (!ready) {
    out.error = "cannot join the dmsg network through " + f.disc + ": " + ready.error().message();
    co_await client.close();
    co_return out;
  }
  net::http_options ho;
  ho.connect_timeout = std::chrono::seconds(20);
  ho.request_timeout = std::chrono::seconds(f.timeout_s);
  ho.max_body = max_response_body;
  ho.user_agent = "skywire-dmsgcurl";
  net::http_client http(ex, dmsg::make_dialer(client), ho);
  const std::string url = "http://" + u.pk.to_hex() + ":" + std::to_string(u.port) + u.path;
  for (unsigned attempt = 1; attempt <= std::max(1u, f.tries); ++attempt) {
    result<net::http_response> r = net::errc::closed;
    if (f.data) {
      net::http_headers headers;
      headers.emplace_back("Content-Type", "text/plain");
      auto op = http.request(net::http_method::post, url, *f.data, std::move(headers));
      r = co_await std::move(op);
    } else {
      auto op = http.request(net::http_method::get, url);
      r = co_await std::move(op);
    }
    if (r) {
      out.response = std::move(*r);
      out.error.clear();
      break;
    }
    out.error = "dmsg://" + u.pk.to_hex() + ":" + std::to_string(u.port) + u.path + ": " + r.error().message();
    if (r.error() == net::errc::timeout) out.error += " (timeout)";
    if (attempt < f.tries) log->warn("attempt {} failed: {}", attempt, out.error);
  }
  co_await client.close();
  co_return out;
}

int run_curl(const curl_flags& f) {
  auto level = parse_log_level(f.log_level);
  if (!level) {
    std::cerr << "error: unknown log level '" << f.log_level << "'\n";
    return 2;
  }
  auto u = parse_dmsg_url(f.url);
  if (!u) {
    std::cerr << "error: " << u.error() << "\n";
    return 2;
  }
  auto keys = load_or_generate_keys(f.sk, f.sk_file);
  if (!keys) {
    std::cerr << "error: " << keys.error() << "\n";
    return 2;
  }
  auto log = base::make_stderr_logger("dmsg-curl", *level);
  const base::system_clock clock;
  asio::io_context ctx(1);
  auto op = fetch(f, *u, *keys, clock, log);
  auto fut = asio::co_spawn(ctx, std::move(op), asio::use_future);
  ctx.run();
  outcome out = fut.get();
  if (!out.response) {
    std::cerr << "error: " << out.error << "\n";
    return 1;
  }
  const auto& res = *out.response;
  if (res.status >= 400) {
    std::string body = res.body.substr(0, 200);
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    std::cerr << "error: " << f.url << ": HTTP status " << res.status << (body.empty() ? "" : ": " + body) << "\n";
    return 1;
  }
  if (::isatty(STDERR_FILENO) && res.body.size() > 1024 * 1024)
    std::cerr << "received " << res.body.size() / 1024 << " KiB\n";
  if (f.output.empty()) {
    std::cout.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::ofstream file(f.output, std::ios::binary | std::ios::trunc);
  file.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
  file.close();
  if (!file) {
    std::cerr << "error: cannot write " << f.output << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void register_dmsg_curl(CLI::App& dmsg, run_state& state) {
  auto f = std::make_shared<curl_flags>();
  CLI::App* curl = dmsg.add_subcommand(
      "curl",
      "Fetch dmsg://<pk>[:port]/path over dmsg (Go: dmsgcurl): GET, or POST with -d (text/plain).\n"
      "Body to stdout or -o FILE; HTTP status >= 400 or any failure exits 1 with a message.");
  curl->add_option("url", f->url, "dmsg://<pk>[:port]/path (port 80 by default)")->required();
  curl->add_option("-c,--dmsg-disc", f->disc, "dmsg discovery URL")->capture_default_str();
  curl->add_option("-o,--out", f->output, "write the body to this file instead of stdout");
  curl->add_option("-d,--data", f->data, "POST this text (Content-Type: text/plain)");
  curl->add_option("-s,--sk", f->sk, "secret key (64 hex digits); default: a random key");
  curl->add_option("--sk-file", f->sk_file, "key file (as written by `skywire cli config gen-keys`)");
  curl->add_option("-e,--sess", f->sessions, "dmsg server sessions to hold")->capture_default_str();
  curl->add_option("-t,--try", f->tries, "attempts before giving up")->capture_default_str();
  curl->add_option("--timeout", f->timeout_s, "seconds allowed for the request and its response")
      ->capture_default_str();
  curl->add_option("--log-level", f->log_level, "trace, debug, info, warn, error, off")->capture_default_str();
  curl->callback([f, &state] { state.exit_code = run_curl(*f); });
}

}  // namespace skywire::cli
