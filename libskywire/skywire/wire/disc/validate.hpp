#pragma once
// The dmsg discovery's acceptance rules for a posted entry (spec/dmsg.md §7.4) as pure
// functions of the entry, an injected clock and the previously stored entry, plus the mapping of
// each failure to the HTTP error the Go discovery answers with (§7.5). No I/O, no storage.
//
// Go's POST handler order, reproduced by check_post: decode (failure: 500) -> loopback check
// (server entries, unless test mode) -> validate -> verify signature (401) -> iteration against
// the stored entry (if any).
//
// validate (Go's Entry.Validate): version non-empty, signature non-empty, static not null,
// client or server present, server address non-empty, then the timestamp window
// [now - 60 s, now + 5 s] (inclusive) -- checked only when the entry has a server part and no
// client part, because the Go handler switches the check off for any entry with a client.
// validate_iteration (Go's ValidateIteration): next.sequence > previous.sequence (any jump),
// next.timestamp >= previous.timestamp.
// Errors are the wire::errc::disc_* codes; their messages are Go's cause texts.
#include <chrono>
#include <string>
#include <string_view>

#include "skywire/base/clock.hpp"
#include "skywire/base/result.hpp"
#include "skywire/wire/disc/entry.hpp"
#include "skywire/wire/disc/parse.hpp"

namespace skywire::wire::disc {

inline constexpr std::chrono::seconds entry_lifetime{60};            // oldest accepted timestamp
inline constexpr std::chrono::seconds allowed_timestamp_error{5};    // newest: now + this

result<void> validate(const entry& e, const base::clock& clock);

result<void> validate_iteration(const entry& previous, const entry& next);

// Go's isLoopbackAddr on a server address: true when "host:port" splits (net.SplitHostPort
// rules) and the host is empty or a loopback IP literal (127/8, ::1, ::ffff:127/104). Names
// such as "localhost" are not loopback to Go either.
bool is_loopback_address(std::string_view address);

struct post_options {
  bool test_mode = false;  // discovery -t: loopback server addresses allowed
  parse_limits limits{};
};

// Everything the Go discovery checks before storing a POSTed entry. `stored` is the entry
// currently stored for the same static key, or nullptr. On success returns the decoded entry.
// Signature failures of any kind come back as errc::disc_invalid_signature.
result<entry> check_post(std::string_view body, const base::clock& clock, const entry* stored,
                         const post_options& opts = {});

// The discovery's error response for a failure of check_post: status and the exact message
// text ("entry validation error: <cause>" for 422, "invalid signature" for 401, "something
// unexpected happened" for 500, which covers every decoding failure).
struct http_error {
  int status = 500;
  std::string message;
};
http_error to_http_error(const error_code& ec);

}  // namespace skywire::wire::disc
