#pragma once
// RESP (Redis protocol) replies as values, a bounded incremental reply reader and command
// encoding. Both wrap hiredis (Debian libhiredis 0.14): its reader (redisReaderCreateWith
// Functions/Feed/GetReply) with our own object callbacks, and redisFormatCommandArgv. No I/O
// here: redis_client.hpp moves the bytes.
//
// Bounds (everything a server sends is bounded before it is allocated): a reply may hold at
// most limits.max_elements array elements in total (over all nesting levels) and at most
// limits.max_bytes bytes of string payload in total; the bytes buffered for the reply being
// read are bounded by max_bytes plus framing. Negative or oversized array/bulk lengths are
// refused before anything is allocated (hiredis 0.14 has no maxelements of its own, and would
// calloc whatever count the server names). Nesting is limited by hiredis (7 levels).
//
// Errors: redis_errc::reply_too_large for a bound, redis_errc::protocol_error for anything that
// is not RESP. After an error the reader is poisoned (every later call fails): the connection
// it belongs to must be dropped.
#include "skywire/base/result.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis_errc.hpp"

namespace skywire::svc::common {

enum class redis_type { string, array, integer, nil, status, error };

struct redis_reply {
  redis_type type = redis_type::nil;
  std::string str;  // string, status and error replies
  long long integer = 0;
  std::vector<redis_reply> elements;  // array replies

  bool is_error() const noexcept { return type == redis_type::error; }
  bool is_nil() const noexcept { return type == redis_type::nil; }
  // +OK (status) replies.
  bool is_ok() const noexcept { return type == redis_type::status && str == "OK"; }
};

struct redis_limits {
  std::size_t max_bytes = 16 * 1024 * 1024;
  std::size_t max_elements = 64 * 1024;
};

class redis_reader {
 public:
  explicit redis_reader(redis_limits limits = {});
  ~redis_reader();
  redis_reader(const redis_reader&) = delete;
  redis_reader& operator=(const redis_reader&) = delete;

  // Appends bytes received from the server.
  result<void> feed(std::string_view data);
  // The next complete reply, or nullopt when more bytes are needed.
  result<std::optional<redis_reply>> next();
  // Bytes buffered and not yet consumed (part of a reply, or pipelined replies).
  std::size_t buffered() const noexcept;

  struct state;

 private:
  std::unique_ptr<state> st_;
};

// One command in RESP (an array of bulk strings), e.g. {"SET", key, value, "PX", "120000"}.
std::string format_command(const std::vector<std::string>& args);

}  // namespace skywire::svc::common
