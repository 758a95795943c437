// `skywire dmsg http` (Go: dmsghttp, spec/dmsg.md §9): serves the files of a directory over dmsg.
// One dmsg client listens on a dmsg port; every accepted stream carries one HTTP/1.1 exchange
// (net::serve_stream). Like Go's http.FileServer any method gets the file, a directory gets its
// index.html or a listing. Paths are percent-decoded, ".." segments are refused (400) and the
// resolved file must lie inside the directory (symlinks out of it are 404). With --wl only the
// listed client public keys are answered (others get 403).
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/url/pct_string_view.hpp>

#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/net/http_server.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

// Files are read whole into the reply; beyond this they are refused rather than exhausting
// memory.
constexpr std::uintmax_t max_file_size = 256ull * 1024 * 1024;
// Streams served at once; more are closed at accept.
constexpr std::size_t max_concurrent = 64;

struct http_flags {
  std::string dir = ".";
  std::uint16_t port = 80;
  std::string disc = "http://dmsgd.skywire.skycoin.com";
  std::string sk;
  std::string sk_file;
  std::vector<std::string> whitelist;
  std::string log_level = "info";
};

net::http_reply text_reply(unsigned status, std::string body) {
  net::http_reply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

std::string content_type_for(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".svg") return "image/svg+xml";
  return "application/octet-stream";
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

net::http_reply serve_file(const fs::path& root, const net::http_request& req) {
  auto pct = boost::urls::make_pct_string_view(req.path);
  if (!pct) return text_reply(400, "invalid URL path\n");
  const std::string decoded = pct->decode();
  if (decoded.empty() || decoded.front() != '/' || decoded.find('\0') != std::string::npos)
    return text_reply(400, "invalid URL path\n");
  fs::path rel;
  std::size_t pos = 1;
  while (pos <= decoded.size()) {
    const auto next = std::min(decoded.find('/', pos), decoded.size());
    const std::string seg = decoded.substr(pos, next - pos);
    if (seg == "..") return text_reply(400, "invalid URL path\n");
    if (!seg.empty() && seg != ".") rel /= seg;
    pos = next + 1;
  }
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(root / rel, ec);
  if (ec) return text_reply(404, "404 page not found\n");
  // Inside root? (also catches symlinks pointing out of it)
  const auto mismatch = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  if (mismatch.first != root.end()) return text_reply(404, "404 page not found\n");
  const auto st = fs::status(target, ec);
  if (ec || !fs::exists(st)) return text_reply(404, "404 page not found\n");
  fs::path file = target;
  if (fs::is_directory(st)) {
    if (fs::is_regular_file(target / "index.html", ec)) {
      file = target / "index.html";
    } else {
      net::http_reply r;
      r.content_type = "text/html; charset=utf-8";
      r.body = "<pre>\n";
      for (const auto& e : fs::directory_iterator(target, ec)) {
        std::string name = e.path().filename().string();
        if (e.is_directory(ec)) name += "/";
        r.body += "<a href=\"" + html_escape(name) + "\">" + html_escape(name) + "</a>\n";
      }
      r.body += "</pre>\n";
      return r;
    }
  }
  if (!fs::is_regular_file(file, ec)) return text_reply(404, "404 page not found\n");
  const auto size = fs::file_size(file, ec);
  if (ec) return text_reply(404, "404 page not found\n");
  if (size > max_file_size) return text_reply(500, "file too large to serve\n");
  std::ifstream in(file, std::ios::binary);
  if (!in) return text_reply(403, "403 Forbidden\n");
  net::http_reply r;
  r.content_type = content_type_for(file);
  r.body.resize(static_cast<std::size_t>(size));
  in.read(r.body.data(), static_cast<std::streamsize>(size));
  r.body.resize(static_cast<std::size_t>(in.gcount()));
  if (req.method == net::http_method::head) r.body.clear();
  return r;
}

struct serve_ctx {
  fs::path root;
  std::set<std::string> whitelist;  // hex pks; empty = everyone
  net::http_server_options options;
  base::logger log;
  std::size_t active = 0;
};

asio::awaitable<void> serve_one(std::shared_ptr<serve_ctx> sc, std::unique_ptr<dmsg::stream> s) {
  ++sc->active;
  const std::string remote_pk = s->remote_addr().pk.to_hex();
  const std::string remote = remote_pk + ":" + std::to_string(s->remote_addr().port);
  const bool allowed = sc->whitelist.empty() || sc->whitelist.count(remote_pk) != 0;
  net::http_handler handler;
  if (allowed) {
    handler = [sc](const net::http_request& req) { return serve_file(sc->root, req); };
  } else {
    handler = [](const net::http_request&) { return text_reply(403, "403 Forbidden\n"); };
  }
  auto exchange = net::serve_stream(*s, handler, sc->options, remote, sc->log);
  co_await std::move(exchange);
  s->close();
  --sc->active;
}

asio::awaitable<void> accept_loop(std::shared_ptr<serve_ctx> sc, dmsg::listener& l) {
  for (;;) {
    auto s = co_await l.accept();
    if (!s) break;
    if (sc->active >= max_concurrent) {
      (*s)->close();
      continue;
    }
    auto ex = co_await asio::this_coro::executor;
    auto task = serve_one(sc, std::move(*s));
    asio::co_spawn(ex, std::move(task), asio::detached);
  }
}

int run_http(const http_flags& f) {
  auto level = tool_log_level(f.log_level);
  if (!level) return 2;
  auto keys = tool_keys(f.sk, f.sk_file);
  if (!keys) return 2;
  auto sc = std::make_shared<serve_ctx>();
  std::error_code ec;
  sc->root = fs::canonical(f.dir, ec);
  if (ec || !fs::is_directory(sc->root)) {
    std::cerr << "error: " << f.dir << " is not a directory\n";
    return 2;
  }
  auto whitelist = parse_public_keys(f.whitelist, "--wl");
  if (!whitelist) return 2;
  for (const auto& pk : *whitelist) sc->whitelist.insert(pk.to_hex());
  sc->log = base::make_stderr_logger("dmsg-http", *level);
  sc->options.max_body = 1024 * 1024;
  sc->options.read_timeout = std::chrono::seconds(20);
  // A big file crosses yamux windows and two Noise layers: give it time.
  sc->options.write_timeout = std::chrono::minutes(10);

  const base::system_clock clock;
  asio::io_context ctx(1);
  dmsg::client_config cc{.keys = *keys};
  cc.discovery_url = f.disc;
  dmsg::client client(ctx.get_executor(), cc, clock, sc->log);
  client.start();
  auto l = client.listen(f.port);
  if (!l) return listen_failed("dmsg port " + std::to_string(f.port), l.error());
  sc->log->info("serving {} on dmsg://{}:{} (discovery {})", sc->root.string(), keys->pk.to_hex(), f.port, f.disc);
  asio::co_spawn(ctx, accept_loop(sc, *l), asio::detached);

  run_until_signal(ctx, sc->log, [&]() -> asio::awaitable<void> {
    l->close();
    co_await client.close();
  });
  return 0;
}

}  // namespace

void register_dmsg_http(CLI::App& dmsg, run_state& state) {
  auto f = std::make_shared<http_flags>();
  CLI::App* http = dmsg.add_subcommand(
      "http",
      "Serve a directory over dmsg (Go: dmsghttp): one HTTP/1.1 exchange per dmsg stream on the\n"
      "given dmsg port; fetch with `skywire dmsg curl dmsg://<pk>:<port>/file`. Stops on\n"
      "SIGINT/SIGTERM (and deletes its discovery entry).");
  http->add_option("-d,--dir", f->dir, "directory to serve")->capture_default_str();
  http->add_option("-p,--port", f->port, "dmsg port to listen on")->capture_default_str();
  http->add_option("-D,--dmsg-disc", f->disc, "dmsg discovery URL")->capture_default_str();
  add_key_options(*http, f->sk, f->sk_file);
  http->add_option("--wl", f->whitelist, "client public key allowed to fetch (repeatable; none = everyone)");
  add_tool_log_level_option(*http, f->log_level);
  http->callback([f, &state] { state.exit_code = run_http(*f); });
}

}  // namespace skywire::cli
