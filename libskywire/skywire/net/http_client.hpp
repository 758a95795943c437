#pragma once
// http_client: a bounded HTTP/1.1 client (Beast's parser, Boost.URL) over an injected dialer.
//
//   http_client c(ex, {.request_timeout = 5s});
//   result<http_response> r = co_await c.request(http_method::get, "http://127.0.0.1:9090/x");
//   if (r && r->status == 200) ...
//
// Carrier: every request dials a fresh stream through the stream_dialer (default: TCP via
// make_tcp_dialer) and sends `Connection: close`. The Go services' clients keep connections
// alive; pooling is a later optimisation and does not change behaviour. Because the dialer is
// injected, the same client will run over dmsg streams (disc/, DESIGN.md §3).
//
// URLs: parsed with Boost.URL; only `http://host[:port]/path?query` is accepted. https is not
// implemented (no Skywire service needs it on our side yet): errc::unsupported_scheme. The
// fragment is dropped; userinfo is refused.
//
// Timeouts: options.connect_timeout bounds the dial (resolution + connect), then
// options.request_timeout bounds writing the request and reading the whole response.
//
// Streaming: the overload taking an http_body_sink hands the body to the sink as it arrives
// (the returned response has status and fields, and an empty body). There request_timeout is an
// idle bound instead (no progress for that long), because a large download has no natural
// total bound; options.max_body still applies (raise it for downloads).
//
// Limits: options.max_header and options.max_body bound the response (see http_parser.hpp);
// nothing in a response can make the client buffer more than max_header + max_body + 16 KiB.
//
// Results: any complete response is a value, whatever its status (map 4xx/5xx yourself).
// Errors: errc::bad_url, errc::unsupported_scheme, errc::bad_header (CR/LF/NUL in a request
// header), errc::timeout, errc::closed (peer closed before the response was complete),
// errc::header_too_large, errc::body_too_large, errc::bad_response, and the dialer's errors
// (e.g. asio::error::connection_refused, host_not_found) unchanged; operation_aborted if the
// calling coroutine is cancelled.
//
// Executor: the client is used from the executor it was built with (which its dialer also
// uses). It holds no connection state between requests, so concurrent request() calls from
// coroutines on that executor are fine. The client object must outlive its pending requests.
#include "skywire/base/result.hpp"
#include "skywire/net/http_types.hpp"
#include "skywire/net/stream.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace skywire::net {

struct http_options {
  std::chrono::steady_clock::duration connect_timeout = std::chrono::seconds(10);
  std::chrono::steady_clock::duration request_timeout = std::chrono::seconds(30);
  std::size_t max_body = 1024 * 1024;
  std::size_t max_header = 16 * 1024;
  std::string user_agent = "skywire-cpp";
};

class http_client {
 public:
  // Overloads instead of default arguments: a defaulted argument is a temporary in the
  // caller's full-expression, and `http_client c(co_await this_coro::executor)` would then hit
  // the g++ 12 coroutine-temporary bug (double destruction).
  // Dials with TCP.
  explicit http_client(boost::asio::any_io_executor ex);
  http_client(boost::asio::any_io_executor ex, http_options options);
  // Dials through `dialer` (which must use the same executor).
  http_client(boost::asio::any_io_executor ex, std::shared_ptr<stream_dialer> dialer);
  http_client(boost::asio::any_io_executor ex, std::shared_ptr<stream_dialer> dialer,
              http_options options);

  boost::asio::awaitable<result<http_response>> request(http_method method, std::string url);
  boost::asio::awaitable<result<http_response>> request(http_method method, std::string url,
                                                        std::string body);
  boost::asio::awaitable<result<http_response>> request(http_method method, std::string url,
                                                        std::string body, http_headers headers);
  // Streams the body into `sink`, which must outlive the call.
  boost::asio::awaitable<result<http_response>> request(http_method method, std::string url,
                                                        std::string body, http_headers headers,
                                                        http_body_sink& sink);

  const http_options& options() const noexcept { return options_; }

 private:
  boost::asio::awaitable<result<http_response>> perform(http_method method, std::string url,
                                                        std::string body, http_headers headers,
                                                        http_body_sink* sink);

  boost::asio::any_io_executor ex_;
  std::shared_ptr<stream_dialer> dialer_;
  http_options options_;
};

}  // namespace skywire::net
