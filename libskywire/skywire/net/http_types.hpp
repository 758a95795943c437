#pragma once
// Plain HTTP request/response values shared by the HTTP client and its parser. No Beast types
// appear here, so users of the client do not compile Beast.
#include <cstddef>
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

}  // namespace skywire::net
