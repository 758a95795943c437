#pragma once
// http_response_parser: sans-I/O, bounded HTTP/1.x response parser (Beast's parser underneath).
// The HTTP client feeds it whatever a stream returns; the fuzz target fuzz_http_response feeds
// it arbitrary bytes with the same limits, so what the client parses is what is fuzzed.
//
//   http_response_parser p(limits);
//   while (!p.done()) { n = p.put(bytes) ... keep bytes[n..] and put them again with more }
//   p.put_eof() when the peer closed; then p.release().
//
// Limits: limits.max_header bounds the status line + header fields (including what is buffered
// while looking for their end), limits.max_body the decoded body; both are checked by Beast
// before it buffers (a Content-Length above max_body fails at the header).
//
// Streaming: given an http_body_sink, the body is not buffered: the sink's begin() runs when
// the header is complete and write() gets each decoded piece; release() then returns the status
// and fields with an empty body. max_body still bounds the body (pass SIZE_MAX for none).
//
// Errors: errc::header_too_large, errc::body_too_large, errc::bad_response (any other parse
// error), errc::closed (put_eof before the message was complete), or the sink's own error.
// After an error the parser is dead; create a new one.
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/net/http_types.hpp"

#include <cstddef>
#include <memory>

namespace skywire::net {

struct http_limits {
  std::size_t max_header = 16 * 1024;
  std::size_t max_body = 1024 * 1024;
};

class http_response_parser {
 public:
  // head_request: the response has no body whatever its Content-Length says.
  explicit http_response_parser(http_limits limits, bool head_request = false,
                                http_body_sink* sink = nullptr);
  ~http_response_parser();
  http_response_parser(const http_response_parser&) = delete;
  http_response_parser& operator=(const http_response_parser&) = delete;

  // Consumes a prefix of `data`; returns its length. 0 with !done() means more input is needed
  // in addition to (not instead of) `data`: the caller keeps the unconsumed bytes.
  result<std::size_t> put(byte_view data);

  // The peer closed: completes a body delimited by EOF, or fails with errc::closed.
  result<void> put_eof();

  bool done() const noexcept;

  // The parsed response; only meaningful once done().
  http_response release();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace skywire::net
