#include "skywire/net/http_client.hpp"

#include "skywire/net/errc.hpp"
#include "skywire/net/http_parser.hpp"
#include "skywire/net/timeout.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <sstream>

namespace skywire::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

struct http_target {
  std::string host;  // for the dialer: a name or an IP literal without brackets
  std::uint16_t port = 80;
  std::string host_header;  // as written in the URL (brackets and port included)
  std::string path_and_query;
};

result<http_target> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return errc::bad_url;
  const boost::urls::url_view& u = *parsed;
  // https and everything else: not implemented (see http_client.hpp).
  if (u.scheme_id() != boost::urls::scheme::http) return errc::unsupported_scheme;
  if (!u.has_authority() || u.has_userinfo() || u.encoded_host().empty()) return errc::bad_url;
  http_target t;
  t.host = u.host_address();
  if (t.host.find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos) return errc::bad_url;
  if (u.has_port() && !u.port().empty()) {
    // Parsed here: Boost.URL's port_number() silently truncates values above 65535.
    const std::string_view p = u.port();
    std::uint32_t port = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 0xFFFF) {
      return errc::bad_url;
    }
    t.port = static_cast<std::uint16_t>(port);
  }
  t.host_header = std::string(u.encoded_host_and_port());
  t.path_and_query = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    t.path_and_query += '?';
    t.path_and_query += std::string(u.encoded_query());
  }
  return t;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// Header injection guard: Beast serialises names/values as given.
bool valid_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == ':') return false;
  }
  return value.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos;
}

http::verb to_verb(http_method m) {
  switch (m) {
    case http_method::get: return http::verb::get;
    case http_method::head: return http::verb::head;
    case http_method::post: return http::verb::post;
    case http_method::put: return http::verb::put;
    case http_method::patch: return http::verb::patch;
    case http_method::delete_: return http::verb::delete_;
  }
  return http::verb::get;
}

result<std::string> serialize_request(http_method method, const http_target& t, std::string body,
                                      const http_headers& headers, const std::string& user_agent) {
  http::request<http::string_body> req{to_verb(method), t.path_and_query, 11};
  req.set(http::field::host, t.host_header);
  req.set(http::field::user_agent, user_agent);
  req.keep_alive(false);  // one request per connection (see http_client.hpp)
  for (const auto& [name, value] : headers) {
    if (!valid_header(name, value)) return errc::bad_header;
    // The framing headers are ours to compute; letting callers set them would desync the body.
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) {
      return errc::bad_header;
    }
    if (iequals(name, "host") || iequals(name, "user-agent") || iequals(name, "connection")) {
      req.set(name, value);
    } else {
      req.insert(name, value);
    }
  }
  req.body() = std::move(body);
  req.prepare_payload();
  std::ostringstream out;
  out << req;
  return std::move(out).str();
}

// Writes the request and reads one response. Buffered (no sink): the caller bounds the whole
// exchange. Streaming: `idle` bounds the write and each read instead, since a large download's
// total time has no natural bound.
asio::awaitable<result<http_response>> exchange(stream& s, std::string wire, http_limits limits,
                                                bool head_request, http_body_sink* sink,
                                                std::chrono::steady_clock::duration idle) {
  auto write_op = s.write_all(as_bytes(wire));
  result<void> written;
  if (sink) {
    written = co_await with_timeout(std::move(write_op), idle);
  } else {
    written = co_await std::move(write_op);
  }
  if (!written) co_return written.error();

  http_response_parser parser(limits, head_request, sink);
  std::array<std::uint8_t, 16 * 1024> chunk;
  bytes pending;  // received but not yet consumed by the parser (an incomplete header or line)
  const std::size_t max_pending = limits.max_header + chunk.size();
  while (!parser.done()) {
    auto read_op = s.read_some(chunk);
    result<std::size_t> got = errc::closed;
    if (sink) {
      got = co_await with_timeout(std::move(read_op), idle);
    } else {
      got = co_await std::move(read_op);
    }
    if (!got) {
      if (got.error() != errc::closed) co_return got.error();
      auto eof = parser.put_eof();
      if (!eof) co_return eof.error();
      break;
    }
    pending.insert(pending.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*got));
    std::size_t offset = 0;
    while (offset < pending.size() && !parser.done()) {
      auto used = parser.put(byte_view(pending).subspan(offset));
      if (!used) co_return used.error();
      if (*used == 0) break;
      offset += *used;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(offset));
    // Beast enforces max_header itself; this is the backstop for our own buffer.
    if (pending.size() > max_pending) co_return errc::header_too_large;
  }
  co_return parser.release();
}

}  // namespace

http_client::http_client(asio::any_io_executor ex) : http_client(ex, http_options{}) {}

http_client::http_client(asio::any_io_executor ex, http_options options)
    : http_client(ex, make_tcp_dialer(ex), std::move(options)) {}

http_client::http_client(asio::any_io_executor ex, std::shared_ptr<stream_dialer> dialer)
    : http_client(std::move(ex), std::move(dialer), http_options{}) {}

http_client::http_client(asio::any_io_executor ex, std::shared_ptr<stream_dialer> dialer,
                         http_options options)
    : ex_(std::move(ex)), dialer_(std::move(dialer)), options_(std::move(options)) {}

// Plain functions (not coroutines) that forward, so the defaulted values are built here.
asio::awaitable<result<http_response>> http_client::request(http_method method, std::string url) {
  return request(method, std::move(url), std::string{}, http_headers{});
}

asio::awaitable<result<http_response>> http_client::request(http_method method, std::string url,
                                                            std::string body) {
  return request(method, std::move(url), std::move(body), http_headers{});
}

asio::awaitable<result<http_response>> http_client::request(http_method method, std::string url,
                                                            std::string body,
                                                            http_headers headers) {
  return perform(method, std::move(url), std::move(body), std::move(headers), nullptr);
}

asio::awaitable<result<http_response>> http_client::request(http_method method, std::string url,
                                                            std::string body, http_headers headers,
                                                            http_body_sink& sink) {
  return perform(method, std::move(url), std::move(body), std::move(headers), &sink);
}

asio::awaitable<result<http_response>> http_client::perform(http_method method, std::string url,
                                                            std::string body, http_headers headers,
                                                            http_body_sink* sink) {
  auto target = parse_url(url);
  if (!target) co_return target.error();
  auto wire = serialize_request(method, *target, std::move(body), headers, options_.user_agent);
  if (!wire) co_return wire.error();

  auto dial_op = dialer_->dial(target->host, target->port);
  auto conn = co_await with_timeout(std::move(dial_op), options_.connect_timeout);
  if (!conn) co_return conn.error();
  std::unique_ptr<stream> s = std::move(*conn);

  const http_limits limits{options_.max_header, options_.max_body};
  auto exchange_op = exchange(*s, std::move(*wire), limits, method == http_method::head, sink,
                              options_.request_timeout);
  result<http_response> response = errc::closed;
  if (sink) {
    response = co_await std::move(exchange_op);
  } else {
    response = co_await with_timeout(std::move(exchange_op), options_.request_timeout);
  }
  s->close();
  co_return response;
}

}  // namespace skywire::net
