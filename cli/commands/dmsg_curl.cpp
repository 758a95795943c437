// `skywire dmsg curl` (Go: dmsgcurl, spec/dmsg.md §9): one HTTP request over dmsg. A dmsg client
// (random key unless -s) joins the network through the discovery, dials one stream to
// <pk>:<port> (port 80 by default) through net::http_client + dmsg::make_dialer (Host header
// "<pk>:<port>"), streams the body to stdout or to -o as it arrives, then deletes its client
// entry. With -o the file is created only once a 2xx/3xx header arrived (a failed request never
// clobbers an existing file) and is removed again if the transfer breaks off. On a terminal,
// stderr shows the progress of bodies over 1 MiB (bytes, percent when the length is known, rate).
// Exit status: 0 on a 2xx/3xx answer; 1 when the network, the target or the request fails or
// the status is >= 400 (the status line is printed on stderr); 2 for bad arguments.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
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
#include "commands/common.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/dialer.hpp"
#include "skywire/net/errc.hpp"
#include "skywire/net/http_client.hpp"

namespace skywire::cli {
namespace {

namespace asio = boost::asio;

// Bodies are streamed, so this bounds only a runaway server (64 GiB).
constexpr std::size_t max_response_body = 64ull * 1024 * 1024 * 1024;
// The start of an error body that goes into the message on stderr.
constexpr std::size_t error_excerpt = 200;

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

// Writes a 2xx/3xx body to stdout or the -o file as it arrives (with progress on a terminal);
// keeps only the start of an error body, for the message.
class body_writer final : public net::http_body_sink {
 public:
  body_writer(std::string path, const base::clock& clock) : path_(std::move(path)), clock_(clock) {}

  result<void> begin(unsigned status, const net::http_headers&, std::optional<std::uint64_t> length) override {
    failed_status_ = status >= 400;
    total_ = length;
    started_ = last_report_ = clock_.steady_now();
    if (failed_status_ || path_.empty()) return {};
    file_.open(path_, std::ios::binary | std::ios::trunc);
    if (!file_) {
      io_error_ = "cannot create " + path_ + ": " + std::strerror(errno);
      return make_error_code(std::errc::io_error);
    }
    file_open_ = true;
    return {};
  }

  result<void> write(byte_view piece) override {
    if (failed_status_) {
      const auto n = std::min(piece.size(), error_excerpt - std::min(error_excerpt, excerpt_.size()));
      excerpt_.append(reinterpret_cast<const char*>(piece.data()), n);
      return {};
    }
    std::ostream& out = file_open_ ? static_cast<std::ostream&>(file_) : std::cout;
    out.write(reinterpret_cast<const char*>(piece.data()), static_cast<std::streamsize>(piece.size()));
    if (!out) {
      io_error_ = "cannot write " + (file_open_ ? path_ : std::string("stdout"));
      return make_error_code(std::errc::io_error);
    }
    received_ += piece.size();
    report(false);
    return {};
  }

  // After the request: flushes and closes the output; on failure removes a partial -o file.
  bool finish(bool ok) {
    report(true);
    if (file_open_) {
      file_.close();
      if (!ok || !file_) {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
        return false;
      }
      return true;
    }
    std::cout.flush();
    return static_cast<bool>(std::cout);
  }

  const std::string& error_excerpt_text() const { return excerpt_; }
  // Set when the output (not the network) failed.
  const std::string& io_error() const { return io_error_; }
  // Body bytes already went out: a retry would duplicate them.
  bool body_started() const { return received_ > 0; }

 private:
  // At most 4 lines a second, on a terminal, for bodies over 1 MiB; the final call ends the line.
  void report(bool final) {
    constexpr std::uint64_t mib = 1024 * 1024;
    if (!::isatty(STDERR_FILENO) || received_ < mib) return;
    const auto now = clock_.steady_now();
    if (!final && now - last_report_ < std::chrono::milliseconds(250)) return;
    last_report_ = now;
    const double secs = std::chrono::duration<double>(now - started_).count();
    const double rate = secs > 0 ? static_cast<double>(received_) / mib / secs : 0.0;
    if (total_ && *total_ > 0) {
      std::fprintf(stderr, "\r%.1f of %.1f MiB (%3.0f%%), %.1f MiB/s ", static_cast<double>(received_) / mib,
                   static_cast<double>(*total_) / mib, 100.0 * static_cast<double>(received_) / static_cast<double>(*total_), rate);
    } else {
      std::fprintf(stderr, "\r%.1f MiB, %.1f MiB/s ", static_cast<double>(received_) / mib, rate);
    }
    if (final) std::fputc('\n', stderr);
  }

  std::string path_;
  const base::clock& clock_;
  std::ofstream file_;
  bool file_open_ = false;
  bool failed_status_ = false;
  std::optional<std::uint64_t> total_;
  std::uint64_t received_ = 0;
  std::string excerpt_;
  std::string io_error_;
  base::clock::steady_time started_{};
  base::clock::steady_time last_report_{};
};

struct outcome {
  int code = 1;
  std::string error;
  std::optional<net::http_response> response;
};

asio::awaitable<outcome> fetch(const curl_flags& f, const dmsg_url& u, const crypto::key_pair& keys,
                               body_writer& sink, const base::clock& clock, base::logger log) {
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
  ho.request_timeout = std::chrono::seconds(f.timeout_s);  // idle bound while streaming
  ho.max_body = max_response_body;
  ho.user_agent = "skywire-dmsgcurl";
  net::http_client http(ex, dmsg::make_dialer(client), ho);
  const std::string url = "http://" + u.pk.to_hex() + ":" + std::to_string(u.port) + u.path;
  for (unsigned attempt = 1; attempt <= std::max(1u, f.tries); ++attempt) {
    net::http_headers headers;
    if (f.data) headers.emplace_back("Content-Type", "text/plain");
    const auto method = f.data ? net::http_method::post : net::http_method::get;
    auto op = http.request(method, url, f.data.value_or(std::string{}), std::move(headers), sink);
    result<net::http_response> r = co_await std::move(op);
    if (r) {
      out.response = std::move(*r);
      out.error.clear();
      break;
    }
    out.error = "dmsg://" + u.pk.to_hex() + ":" + std::to_string(u.port) + u.path + ": " + r.error().message();
    if (r.error() == net::errc::timeout) out.error += " (timeout)";
    if (!sink.io_error().empty() || sink.body_started()) break;
    if (attempt < f.tries) log->warn("attempt {} failed: {}", attempt, out.error);
  }
  co_await client.close();
  co_return out;
}

int run_curl(const curl_flags& f) {
  auto level = tool_log_level(f.log_level);
  if (!level) return 2;
  auto u = parse_dmsg_url(f.url);
  if (!u) {
    std::cerr << "error: " << u.error() << "\n";
    return 2;
  }
  auto keys = tool_keys(f.sk, f.sk_file);
  if (!keys) return 2;
  auto log = base::make_stderr_logger("dmsg-curl", *level);
  const base::system_clock clock;
  body_writer sink(f.output, clock);
  asio::io_context ctx(1);
  auto op = fetch(f, *u, *keys, sink, clock, log);
  auto fut = asio::co_spawn(ctx, std::move(op), asio::use_future);
  ctx.run();
  outcome out = fut.get();
  const bool written = sink.finish(out.response && out.response->status < 400);
  if (!sink.io_error().empty()) {
    std::cerr << "error: " << sink.io_error() << "\n";
    return 1;
  }
  if (!out.response) {
    std::cerr << "error: " << out.error << "\n";
    return 1;
  }
  if (out.response->status >= 400) {
    std::string body = sink.error_excerpt_text();
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
    std::cerr << "error: " << f.url << ": HTTP status " << out.response->status << (body.empty() ? "" : ": " + body)
              << "\n";
    return 1;
  }
  if (!written) {
    std::cerr << "error: cannot write " << (f.output.empty() ? std::string("stdout") : f.output) << "\n";
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
      "The body is streamed to stdout or -o FILE as it arrives (progress on a terminal for large\n"
      "bodies; -o is written only for a 2xx/3xx answer). HTTP status >= 400 or any failure exits 1\n"
      "with a message.");
  curl->add_option("url", f->url, "dmsg://<pk>[:port]/path (port 80 by default)")->required();
  curl->add_option("-c,--dmsg-disc", f->disc, "dmsg discovery URL")->capture_default_str();
  curl->add_option("-o,--out", f->output, "write the body to this file instead of stdout");
  curl->add_option("-d,--data", f->data, "POST this text (Content-Type: text/plain)");
  add_key_options(*curl, f->sk, f->sk_file);
  curl->add_option("-e,--sess", f->sessions, "dmsg server sessions to hold")->capture_default_str();
  curl->add_option("-t,--try", f->tries, "attempts before giving up")->capture_default_str();
  curl->add_option("--timeout", f->timeout_s, "seconds without progress while sending or receiving before giving up")
      ->capture_default_str();
  add_tool_log_level_option(*curl, f->log_level);
  curl->callback([f, &state] { state.exit_code = run_curl(*f); });
}

}  // namespace skywire::cli
