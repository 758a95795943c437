#include "skywire/net/http_parser.hpp"

#include "skywire/net/errc.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>

namespace skywire::net {

namespace http = boost::beast::http;

namespace {

error_code map_parse_error(const error_code& ec) {
  if (ec == http::error::body_limit) return errc::body_too_large;
  if (ec == http::error::header_limit) return errc::header_too_large;
  if (ec == http::error::partial_message) return errc::closed;
  return errc::bad_response;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string_view http_response::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

struct http_response_parser::impl {
  http::response_parser<http::string_body> parser;
  bool failed = false;
};

http_response_parser::http_response_parser(http_limits limits, bool head_request)
    : impl_(std::make_unique<impl>()) {
  auto& p = impl_->parser;
  // Beast's limits are uint32/uint64; clamp so a huge size_t cannot wrap on 64-bit hosts.
  p.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header, std::numeric_limits<std::uint32_t>::max())));
  p.body_limit(static_cast<std::uint64_t>(limits.max_body));
  p.eager(true);  // parse body bytes as soon as they are given
  if (head_request) p.skip(true);
}

http_response_parser::~http_response_parser() = default;

result<std::size_t> http_response_parser::put(byte_view data) {
  if (impl_->failed) return errc::bad_response;
  if (impl_->parser.is_done()) return std::size_t{0};
  // Beast 345 asserts (BOOST_ASSERT, live in our debug builds) when a chunk header is resumed
  // with fewer than 5 bytes in hand (fixed upstream in boostorg/beast PR #2861). Any valid
  // remainder of a chunked body is at least "0\r\n\r\n", so waiting for 5 bytes never stalls
  // a correct peer; a peer that closes first gets errc::closed from put_eof.
  if (impl_->parser.is_header_done() && impl_->parser.chunked() && data.size() < 5) {
    return std::size_t{0};
  }
  error_code ec;
  const std::size_t used =
      impl_->parser.put(boost::asio::const_buffer(data.data(), data.size()), ec);
  if (ec == http::error::need_more) return used;
  if (ec) {
    impl_->failed = true;
    return map_parse_error(ec);
  }
  return used;
}

result<void> http_response_parser::put_eof() {
  if (impl_->failed) return errc::bad_response;
  if (impl_->parser.is_done()) return {};
  // Beast requires some input before put_eof (it asserts); nothing at all is a closed peer.
  if (!impl_->parser.got_some()) {
    impl_->failed = true;
    return errc::closed;
  }
  error_code ec;
  impl_->parser.put_eof(ec);
  if (ec) {
    impl_->failed = true;
    return map_parse_error(ec);
  }
  return {};
}

bool http_response_parser::done() const noexcept { return !impl_->failed && impl_->parser.is_done(); }

http_response http_response_parser::release() {
  http_response out;
  auto msg = impl_->parser.release();
  out.status = msg.result_int();
  for (const auto& f : msg) {
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  out.body = std::move(msg.body());
  return out;
}

}  // namespace skywire::net
