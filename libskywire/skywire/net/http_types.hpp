#pragma once
// Plain HTTP request/response values shared by the HTTP client and its parser. No Beast types
// appear here, so users of the client do not compile Beast.
#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skywire::net {

enum class http_method { get, head, post, put, patch, delete_ };

// Header fields in wire order; names keep the case the peer sent.
using http_headers = std::vector<std::pair<std::string, std::string>>;

struct http_response {
  unsigned status = 0;  // e.g. 200, 404: returned as data, never as an error
  http_headers headers;
  std::string body;

  // First value of header `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const noexcept;
};

// Where a streamed response body goes (http_client::request with a sink): large downloads are
// written as they arrive instead of being buffered whole. begin() is called once, when the
// status line and header fields are complete (content_length is the declared Content-Length,
// if any); write() then gets each decoded body piece in order. An error from either aborts the
// request and is returned by it unchanged.
class http_body_sink {
 public:
  virtual ~http_body_sink() = default;
  virtual result<void> begin(unsigned status, const http_headers& headers,
                             std::optional<std::uint64_t> content_length) = 0;
  virtual result<void> write(byte_view piece) = 0;
};

}  // namespace skywire::net
