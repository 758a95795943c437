#include "skywire/net/http_server.hpp"

#include <utility>

#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <array>
#include <cctype>
#include <list>

namespace skywire::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<http_method> from_verb(http::verb v) {
  switch (v) {
    case http::verb::get: return http_method::get;
    case http::verb::head: return http_method::head;
    case http::verb::post: return http_method::post;
    case http::verb::put: return http_method::put;
    case http::verb::patch: return http_method::patch;
    case http::verb::delete_: return http_method::delete_;
    default: return std::nullopt;
  }
}

bool safe_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == ':') return false;
  }
  return value.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos;
}

// The answer owed to a request that could not be read: 413, 431 or 400 with its reason, or
// status 0 when the peer just went away (nothing to answer).
std::pair<unsigned, std::string_view> read_error_status(const error_code& rec) {
  if (rec == http::error::body_limit) return {413, "request body too large"};
  if (rec == http::error::header_limit || rec == http::error::buffer_overflow)
    return {431, "request header fields too large"};
  if (rec.category() == http::make_error_code(http::error::bad_method).category() &&
      rec != http::error::end_of_stream && rec != http::error::partial_message)
    return {400, "bad request"};
  return {0, {}};
}

// Our request type from Beast's parsed message (whose body is moved out).
http_request to_http_request(http::request<http::string_body>& msg, const std::string& remote) {
  http_request req;
  req.method = from_verb(msg.method());
  req.method_text = std::string(msg.method_string());
  req.target = std::string(msg.target());
  const auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  req.body = std::move(msg.body());
  req.remote = remote;
  return req;
}

http_reply default_error_reply(unsigned status, std::string_view reason) {
  http_reply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::string(reason) + "\n";
  return r;
}

}  // namespace

std::string_view http_request::header(std::string_view name) const noexcept {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

std::optional<std::string> http_request::query_param(std::string_view key) const {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return std::nullopt;
  for (auto p : *parsed) {
    if (p.key.decode() == key) {
      if (!p.has_value) return std::string{};
      return p.value.decode();
    }
  }
  return std::nullopt;
}

// ---- router --------------------------------------------------------------------------------

void http_router::add(http_method method, std::string path, http_handler h) {
  routes_.push_back({method, std::move(path), false, std::move(h), nullptr});
}

void http_router::add_prefix(http_method method, std::string prefix, http_handler h) {
  routes_.push_back({method, std::move(prefix), true, std::move(h), nullptr});
}

void http_router::add_async(http_method method, std::string path, http_async_handler h) {
  routes_.push_back({method, std::move(path), false, nullptr, std::move(h)});
}

void http_router::add_prefix_async(http_method method, std::string prefix, http_async_handler h) {
  routes_.push_back({method, std::move(prefix), true, nullptr, std::move(h)});
}

const http_router::route_entry* http_router::match(const http_request& req, bool& path_known) const {
  const route_entry* best = nullptr;
  path_known = false;
  for (const auto& r : routes_) {
    const bool m = r.prefix ? req.path.starts_with(r.path) : req.path == r.path;
    if (!m) continue;
    path_known = true;
    if (!req.method || *req.method != r.method) continue;
    if (!best || (best->prefix && (!r.prefix || r.path.size() > best->path.size()))) best = &r;
  }
  return best;
}

http_reply empty_reply(unsigned status) {
  http_reply rep;
  rep.status = status;
  rep.content_type.clear();
  return rep;
}

http_reply not_found_reply() {
  http_reply rep;
  rep.status = 404;
  rep.content_type = "text/plain; charset=utf-8";
  rep.body = "404 page not found\n";
  return rep;
}

http_reply http_router::no_route(bool path_known) { return path_known ? empty_reply(405) : not_found_reply(); }

http_reply http_router::route(const http_request& req) const {
  bool path_known = false;
  const route_entry* best = match(req, path_known);
  if (!best) return no_route(path_known);
  if (!best->h) throw std::logic_error("http_router::route on an asynchronous route (use route_async)");
  return best->h(req);
}

asio::awaitable<http_reply> http_router::route_async(const http_request& req) const {
  bool path_known = false;
  const route_entry* best = match(req, path_known);
  if (!best) co_return no_route(path_known);
  if (best->h) co_return best->h(req);
  auto op = best->async_h(req);
  co_return co_await std::move(op);
}

http_handler http_router::handler() const {
  auto copy = std::make_shared<const http_router>(*this);
  return [copy](const http_request& req) { return copy->route(req); };
}

// ---- server --------------------------------------------------------------------------------

struct http_server::state {
  state(asio::any_io_executor e, http_handler h, http_async_handler ah, http_server_options o, base::logger l)
      : ex(e), handler(std::move(h)), async_handler(std::move(ah)), opt(std::move(o)), log(std::move(l)),
        group(e, opt.max_connections + 1) {
    if (!opt.error_reply) opt.error_reply = default_error_reply;
  }
  asio::any_io_executor ex;
  http_handler handler;
  http_async_handler async_handler;  // set instead of handler by the asynchronous constructor
  http_server_options opt;
  base::logger log;
  std::optional<tcp::acceptor> acceptor;
  task_group group;
  bool stopping = false;
  bool started = false;
  std::uint16_t port = 0;
  std::size_t conns = 0;
  struct live_conn {
    beast::tcp_stream* stream;
    bool idle;
  };
  std::list<live_conn> live;
};

namespace {

using state_ptr = std::shared_ptr<http_server::state>;

http::response<http::string_body> make_response(http_reply rep, unsigned version, bool keep) {
  http::response<http::string_body> res{static_cast<http::status>(rep.status), version};
  if (!rep.content_type.empty()) res.set(http::field::content_type, rep.content_type);
  for (const auto& [n, v] : rep.headers) {
    if (!safe_header(n, v)) continue;  // a handler bug must not split the response
    if (iequals(n, "content-length") || iequals(n, "transfer-encoding") || iequals(n, "connection"))
      continue;
    res.insert(n, v);
  }
  res.body() = std::move(rep.body);
  res.keep_alive(keep);
  res.prepare_payload();
  return res;
}

// After an error reply: stop sending, read (and drop) what the client is still uploading for a
// short while so that closing does not reset the connection before it read our response.
asio::awaitable<void> linger_close(beast::tcp_stream& stream) {
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(1));
  while (drained < 1024 * 1024) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    drained += n;
  }
  stream.socket().close(ignored);
}

asio::awaitable<void> serve_connection(state_ptr st, tcp::socket socket) {
  ++st->conns;
  error_code ec0;
  const auto ep = socket.remote_endpoint(ec0);
  std::string remote = ec0 ? std::string("unknown") : ep.address().to_string() + ":" + std::to_string(ep.port());
  beast::tcp_stream stream(std::move(socket));
  auto self = st->live.insert(st->live.end(), http_server::state::live_conn{&stream, true});
  struct unregister {
    state_ptr st;
    std::list<http_server::state::live_conn>::iterator it;
    ~unregister() {
      st->live.erase(it);
      --st->conns;
    }
  } guard{st, self};

  const auto& opt = st->opt;
  beast::flat_buffer buf(opt.max_header + 16 * 1024);
  for (;;) {
    if (buf.size() == 0) {
      // Idle between requests: the only state in which stop() may close us.
      if (st->stopping) break;
      self->idle = true;
      stream.expires_after(opt.idle_timeout);
      const std::size_t room = std::min<std::size_t>(4096, buf.max_size() - buf.size());
      auto [ec, n] = co_await stream.async_read_some(buf.prepare(room), asio::as_tuple(asio::use_awaitable));
      self->idle = false;
      if (ec) break;
      buf.commit(n);
    }
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header, UINT32_MAX)));
    parser.body_limit(opt.max_body);
    stream.expires_after(opt.read_timeout);
    auto [rec, nread] = co_await http::async_read(stream, buf, parser, asio::as_tuple(asio::use_awaitable));
    (void)nread;
    if (rec) {
      const auto [status, reason] = read_error_status(rec);
      if (status != 0) {
        st->log->debug("http {}: {} ({})", remote, status, rec.message());
        auto res = make_response(opt.error_reply(status, reason), 11, false);
        stream.expires_after(opt.write_timeout);
        auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        (void)wn;
        if (!wec) co_await linger_close(stream);
      }
      break;
    }
    auto& msg = parser.get();
    http_request req = to_http_request(msg, remote);
    const bool keep = msg.keep_alive() && !st->stopping;
    const unsigned version = msg.version();

    http_reply rep;
    if (st->async_handler) {
      auto op = st->async_handler(req);
      rep = co_await std::move(op);
    } else {
      rep = st->handler(req);
    }
    st->log->debug("http {} {} {} -> {}", remote, req.method_text, req.target, rep.status);
    auto res = make_response(std::move(rep), version, keep && !st->stopping);
    stream.expires_after(opt.write_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    (void)wn;
    if (wec || !res.keep_alive()) break;
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.socket().close(ignored);
}

asio::awaitable<void> accept_loop(state_ptr st) {
  for (;;) {
    auto [ec, socket] = co_await st->acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
    if (st->stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      st->log->warn("http accept: {}", ec.message());
      asio::steady_timer t(st->ex, std::chrono::milliseconds(100));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (st->conns >= st->opt.max_connections) {
      st->log->debug("http: connection limit ({}) reached, closing new connection",
                     st->opt.max_connections);
      error_code ignored;
      socket.close(ignored);
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto task = serve_connection(st, std::move(socket));
    if (auto r = st->group.spawn(std::move(task)); !r) {
      st->log->debug("http: cannot serve connection: {}", r.error().message());
    }
  }
}

}  // namespace

http_server::http_server(asio::any_io_executor ex, http_handler handler, http_server_options options,
                         base::logger log)
    : state_(std::make_shared<state>(std::move(ex), std::move(handler), nullptr, std::move(options),
                                     std::move(log))) {}

http_server::http_server(asio::any_io_executor ex, http_async_handler handler, http_server_options options,
                         base::logger log)
    : state_(std::make_shared<state>(std::move(ex), nullptr, std::move(handler), std::move(options),
                                     std::move(log))) {}

http_server::~http_server() {
  stop();
  state_->group.cancel();
}

result<std::uint16_t> http_server::listen(std::string_view host, std::uint16_t port) {
  auto& st = *state_;
  error_code ec;
  asio::ip::address addr = asio::ip::address_v4::any();
  if (!host.empty()) {
    addr = asio::ip::make_address(std::string(host), ec);
    if (ec) return error_code(asio::error::invalid_argument);
  }
  const tcp::endpoint ep(addr, port);
  tcp::acceptor acc(st.ex);
  acc.open(ep.protocol(), ec);
  if (ec) return ec;
  acc.set_option(tcp::acceptor::reuse_address(true), ec);
  acc.bind(ep, ec);
  if (ec) return ec;
  acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  st.port = acc.local_endpoint(ec).port();
  if (ec) return ec;
  st.acceptor.emplace(std::move(acc));
  return st.port;
}

result<void> http_server::start() {
  auto& st = *state_;
  if (!st.acceptor || st.started) return error_code(asio::error::invalid_argument);
  st.started = true;
  return st.group.spawn(accept_loop(state_));
}

std::uint16_t http_server::port() const noexcept { return state_->port; }

std::size_t http_server::connections() const noexcept { return state_->conns; }

void http_server::stop() {
  auto& st = *state_;
  if (st.stopping) return;
  st.stopping = true;
  error_code ignored;
  if (st.acceptor) st.acceptor->close(ignored);
  for (auto& c : st.live)
    if (c.idle) c.stream->cancel();
}

asio::awaitable<void> http_server::join() {
  auto st = state_;
  co_await st->group.join();
}

asio::awaitable<void> http_server::shutdown(std::chrono::steady_clock::duration grace) {
  auto st = state_;
  stop();
  // Poll rather than race join() against a timer: join() cannot be interrupted cleanly.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer t(st->ex);
  while (st->group.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    t.expires_after(std::chrono::milliseconds(10));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (st->group.size() > 0) st->group.cancel();
  co_await st->group.join();
}

// ---- one exchange on an arbitrary stream ---------------------------------------------------

namespace {

using string_request_parser = http::request_parser<http::string_body>;

// Feeds the parser from the stream until the request is complete. Bytes after the request
// (pipelining) are ignored: the exchange ends with `Connection: close`.
asio::awaitable<result<void>> read_request(stream& s, string_request_parser& parser, std::size_t max_header) {
  std::string pending;
  std::array<std::uint8_t, 16 * 1024> chunk;
  while (!parser.is_done()) {
    auto n = co_await s.read_some(mutable_byte_view(chunk.data(), chunk.size()));
    if (!n) {
      if (n.error() == errc::closed) {
        error_code eof_ec;
        parser.put_eof(eof_ec);
        if (!eof_ec && parser.is_done()) co_return result<void>{};
        co_return eof_ec ? eof_ec : error_code(errc::closed);
      }
      co_return n.error();
    }
    pending.append(reinterpret_cast<const char*>(chunk.data()), *n);
    // The parser consumes prefixes; whatever it leaves stays in `pending` (bounded: the header
    // limit fails the parse before `pending` outgrows max_header + one chunk).
    for (;;) {
      error_code ec;
      const std::size_t used = parser.put(asio::buffer(pending), ec);
      if (ec == http::error::need_more) ec = {};
      if (ec) co_return ec;
      pending.erase(0, used);
      if (used == 0 || parser.is_done() || pending.empty()) break;
    }
    if (!parser.is_done() && !parser.is_header_done() && pending.size() > max_header + chunk.size())
      co_return error_code(http::error::header_limit);
  }
  co_return result<void>{};
}

asio::awaitable<result<void>> write_response(stream& s, http::response<http::string_body> res) {
  std::ostringstream head;
  head << res.base();
  const std::string h = head.str();
  auto r = co_await s.write_all(byte_view(reinterpret_cast<const std::uint8_t*>(h.data()), h.size()));
  if (!r) co_return r;
  const std::string& body = res.body();
  if (!body.empty())
    r = co_await s.write_all(byte_view(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));
  co_return r;
}

}  // namespace

asio::awaitable<void> serve_stream(stream& s, const http_handler& handler, const http_server_options& options,
                                   std::string remote, base::logger log) {
  std::function<http_reply(unsigned, std::string_view)> error_reply = options.error_reply;
  if (!error_reply) error_reply = default_error_reply;
  string_request_parser parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header, UINT32_MAX)));
  parser.body_limit(options.max_body);
  auto read_op = read_request(s, parser, options.max_header);
  auto rr = co_await with_timeout(std::move(read_op), options.read_timeout);
  http::response<http::string_body> res;
  if (!rr) {
    const error_code rec = rr.error();
    const auto [status, reason] = read_error_status(rec);
    log->debug("http {}: cannot read request: {}", remote, rec.message());
    if (status == 0) co_return;
    res = make_response(error_reply(status, reason), 11, false);
  } else {
    auto& msg = parser.get();
    http_request req = to_http_request(msg, remote);
    http_reply rep = handler(req);
    log->debug("http {} {} {} -> {}", remote, req.method_text, req.target, rep.status);
    res = make_response(std::move(rep), msg.version(), false);
  }
  auto write_op = write_response(s, std::move(res));
  auto wr = co_await with_timeout(std::move(write_op), options.write_timeout);
  if (!wr) log->debug("http {}: cannot write response: {}", remote, wr.error().message());
}

}  // namespace skywire::net
