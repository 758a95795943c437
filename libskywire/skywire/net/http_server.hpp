#pragma once
// http_server: a bounded HTTP/1.1 server on coroutines (Beast underneath, not in this header),
// for the deployment services (dmsg discovery, later the other service APIs and /health).
//
//   http_router r;
//   r.add(http_method::get, "/health", [](const http_request&) { return http_reply{...}; });
//   http_server srv(ex, r.handler(), {.max_body = 64 * 1024}, log);
//   auto port = srv.listen("127.0.0.1", 0);   // result<uint16_t>: the bound port
//   srv.start();                              // accept loop runs on ex
//   ...
//   co_await srv.shutdown(5s);                // graceful: stop accepting, finish, close idle
//
// Handlers are synchronous functions of the complete request (head + body, already bounded):
// they run on the server's executor and must not block for long (the discovery's SQLite writes
// are the slowest thing we do there). A handler that throws is a bug: the connection is closed
// and the exception escapes from shutdown()/join() via task_group. Services whose replies wait
// on I/O (e.g. a Redis-backed store) use an http_async_handler instead (route_async / the
// second constructor): it is awaited on the server's executor, `req` stays valid until it
// completes, and the connection waits for it (bounded by whatever the handler bounds).
//
// Limits and timeouts (defaults = the Go services' http.Server settings):
//   max_header 16 KiB  -> 431 and close;   max_body (default 64 KiB) -> 413 and close, checked
//   against Content-Length before any body byte is buffered (chunked bodies as they arrive);
//   read_timeout 3 s for a whole request once its first byte arrived, write_timeout 3 s for a
//   response, idle_timeout 30 s between keep-alive requests; max_connections concurrent
//   connections: a connection beyond that is accepted and closed at once (no response).
//   Malformed requests get 400 and close. Error bodies come from options.error_reply (the
//   discovery makes them Go-style JSON), plain text by default.
//
// Keep-alive: HTTP/1.1 keep-alive unless the client says close; pipelined requests are served
// in order. Responses always carry Content-Length.
//
// Stopping: stop() closes the listener and closes idle keep-alive connections; requests being
// read or handled complete and their response is sent with `Connection: close`. join() waits for
// the accept loop and every connection; shutdown(grace) = stop + join, cancelling whatever is
// still running after `grace`.
//
// Executor: all members are called from the executor given at construction (single-threaded
// io_context or strand). Errors: listen() returns the OS error (address_in_use, ...) or
// asio::error::invalid_argument for an unparsable host.
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/http_types.hpp"
#include "skywire/net/stream.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skywire::net {

struct http_request {
  std::optional<http_method> method;  // nullopt: a method net does not name (OPTIONS, ...)
  std::string method_text;            // as sent, e.g. "GET"
  std::string target;                 // request-target as sent: path[?query]
  std::string path;                   // target before '?', not percent-decoded
  std::string query;                  // target after '?', without it (may be empty)
  http_headers headers;
  std::string body;
  std::string remote;  // peer "ip:port"

  // First value of header `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const noexcept;
  // Value of query parameter `key` (first occurrence, percent-decoded), or nullopt.
  std::optional<std::string> query_param(std::string_view key) const;
};

struct http_reply {
  unsigned status = 200;
  std::string content_type = "application/json";  // empty: no Content-Type header
  std::string body;
  http_headers headers;  // extra headers (framing headers are the server's)
};

// A reply with no body and no Content-Type (Go's w.WriteHeader(status) alone).
http_reply empty_reply(unsigned status);
// Go net/http's NotFound: 404, text/plain, "404 page not found\n" (what Go routers answer).
http_reply not_found_reply();

using http_handler = std::function<http_reply(const http_request&)>;
using http_async_handler = std::function<boost::asio::awaitable<http_reply>(const http_request&)>;

// Exact-path and prefix routing by method. A path known for another method answers 405 (empty
// body); an unknown path 404 "404 page not found\n" (text/plain), like Go's chi router.
class http_router {
 public:
  void add(http_method method, std::string path, http_handler h);
  // Matches any path starting with `prefix` (longest prefix wins; exact routes first).
  void add_prefix(http_method method, std::string prefix, http_handler h);
  // Asynchronous routes; a router that has any must be used through route_async.
  void add_async(http_method method, std::string path, http_async_handler h);
  void add_prefix_async(http_method method, std::string prefix, http_async_handler h);
  http_reply route(const http_request& req) const;
  // Routes to a synchronous or an asynchronous handler (same matching as route).
  boost::asio::awaitable<http_reply> route_async(const http_request& req) const;
  // A handler that routes through (a copy of) this router.
  http_handler handler() const;

 private:
  struct route_entry {
    http_method method;
    std::string path;
    bool prefix;
    http_handler h;
    http_async_handler async_h;
  };
  const route_entry* match(const http_request& req, bool& path_known) const;
  static http_reply no_route(bool path_known);
  std::vector<route_entry> routes_;
};

struct http_server_options {
  std::size_t max_header = 16 * 1024;
  std::size_t max_body = 64 * 1024;
  std::chrono::steady_clock::duration read_timeout = std::chrono::seconds(3);
  std::chrono::steady_clock::duration write_timeout = std::chrono::seconds(3);
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(30);
  std::size_t max_connections = 1024;
  // Builds the reply the server itself sends for 400/413/431 (reason = short English text).
  std::function<http_reply(unsigned status, std::string_view reason)> error_reply;
};

class http_server {
 public:
  http_server(boost::asio::any_io_executor ex, http_handler handler, http_server_options options,
              base::logger log);
  http_server(boost::asio::any_io_executor ex, http_async_handler handler, http_server_options options,
              base::logger log);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds host:port ("" or "0.0.0.0" = every IPv4 interface, "::" = IPv6); port 0 picks one.
  // Returns the bound port.
  result<std::uint16_t> listen(std::string_view host, std::uint16_t port);
  // Starts the accept loop (after listen).
  result<void> start();
  std::uint16_t port() const noexcept;
  std::size_t connections() const noexcept;

  void stop();
  boost::asio::awaitable<void> join();
  boost::asio::awaitable<void> shutdown(std::chrono::steady_clock::duration grace);

  struct state;

 private:
  std::shared_ptr<state> state_;
};

// serve_stream: one HTTP/1.1 exchange on an already connected stream of any carrier (e.g. a dmsg
// stream, where Go's dmsghttp uses one stream per request). Reads one request bounded by
// options.max_header / max_body (the whole request within options.read_timeout), answers it with
// `handler` (or options.error_reply's 400/413/431 for a bad request) with `Connection: close`
// within options.write_timeout, and returns. The stream is not closed (the caller owns it).
// `remote` becomes http_request::remote. Errors (timeouts, the carrier's) are logged at debug.
boost::asio::awaitable<void> serve_stream(stream& s, const http_handler& handler,
                                          const http_server_options& options, std::string remote,
                                          base::logger log);

}  // namespace skywire::net
