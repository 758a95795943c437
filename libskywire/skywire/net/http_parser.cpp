#include "skywire/net/http_parser.hpp"

#include "skywire/net/errc.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <boost/optional/optional.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

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

// A Beast Body that appends to a string, or hands each piece to an http_body_sink when one is
// set. One body type keeps one parser type whether or not the caller streams.
struct sink_body {
  struct value_type {
    std::string text;
    http_body_sink* sink = nullptr;
    bool begun = false;     // begin() was called (Beast skips the body reader for empty bodies)
    error_code sink_error;  // what the sink returned, so put() can report it unchanged
  };

  class reader {
   public:
    // Beast builds the reader with the parser, before any header field is known, so the
    // header is read in init().
    template <bool is_request, class Fields>
    reader(http::header<is_request, Fields>& head, value_type& body) : body_(body) {
      if constexpr (!is_request) head_ = &head;
    }

    void init(const boost::optional<std::uint64_t>& content_length, error_code& ec) {
      if (!body_.sink) return;
      body_.begun = true;
      http_headers fields;
      for (const auto& f : *head_) fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
      std::optional<std::uint64_t> length;
      if (content_length) length = *content_length;
      fail_if(body_.sink->begin(head_->result_int(), fields, length), ec);
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, error_code& ec) {
      std::size_t used = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers);
           it != boost::asio::buffer_sequence_end(buffers); ++it) {
        const boost::asio::const_buffer b = *it;
        const auto* p = static_cast<const std::uint8_t*>(b.data());
        if (body_.sink) {
          if (fail_if(body_.sink->write(byte_view(p, b.size())), ec)) return used;
        } else {
          body_.text.append(reinterpret_cast<const char*>(p), b.size());
        }
        used += b.size();
      }
      return used;
    }

    void finish(error_code&) {}

   private:
    bool fail_if(result<void> r, error_code& ec) {
      if (r) return false;
      body_.sink_error = r.error();
      ec = r.error();
      return true;
    }

    value_type& body_;
    const http::response_header<>* head_ = nullptr;
  };
};

}  // namespace

std::string_view http_response::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

struct http_response_parser::impl {
  http::response_parser<sink_body> parser;
  bool failed = false;

  error_code fail(const error_code& ec) {
    failed = true;
    const auto& sink_error = parser.get().body().sink_error;
    return sink_error ? sink_error : map_parse_error(ec);
  }

  // A message without body bytes never constructs the body reader, so its sink has not seen
  // begin() yet: call it here, once the message is complete.
  result<void> finish_sink() {
    auto& body = parser.get().body();
    if (!body.sink || body.begun || !parser.is_done()) return {};
    body.begun = true;
    http_headers fields;
    for (const auto& f : parser.get()) fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
    auto r = body.sink->begin(parser.get().result_int(), fields, std::uint64_t{0});
    if (!r) failed = true;
    return r;
  }
};

http_response_parser::http_response_parser(http_limits limits, bool head_request,
                                           http_body_sink* sink)
    : impl_(std::make_unique<impl>()) {
  auto& p = impl_->parser;
  p.get().body().sink = sink;
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
  if (ec) return impl_->fail(ec);
  if (auto r = impl_->finish_sink(); !r) return r.error();
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
  if (ec) return impl_->fail(ec);
  return impl_->finish_sink();
}

bool http_response_parser::done() const noexcept { return !impl_->failed && impl_->parser.is_done(); }

http_response http_response_parser::release() {
  http_response out;
  auto msg = impl_->parser.release();
  out.status = msg.result_int();
  for (const auto& f : msg) {
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  }
  out.body = std::move(msg.body().text);
  return out;
}

}  // namespace skywire::net
