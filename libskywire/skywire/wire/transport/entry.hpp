#pragma once
// The transport Entry and SignedEntry (spec/skywire.md §1.5, §1.6): what both edges sign,
// what the settlement handshake carries and what the transport discovery stores.
//
//   Entry        {"t_id":"<uuid>","edges":["<pkLow>","<pkHigh>"],"type":"stcpr","label":"user"}
//   SignedEntry  {"entry":{…}|null,"signatures":["<sig edge 0>","<sig edge 1>"],"registered":N}
//                ("registered" omitted when 0; a missing signature is 130 '0's)
//   to_binary    ID(16) ‖ edges[0](33) ‖ edges[1](33) ‖ type   (label not covered)
//
// Encoding is byte-exact Go encoding/json (struct order, no whitespace, HTML escaping on);
// to_json is json.Marshal, to_json_line adds the "\n" that json.Encoder.Encode writes (the
// settlement frame). Signing: each edge puts SignPayload(to_binary, sk) at its own index of
// the sorted edges (sign_entry), verify_entry_slot checks one slot.
//
// Parsing (parse_signed_entry / parse_entry) follows Go's decoder where a Go peer may differ
// from canonical form — keys case-insensitive, unknown keys ignored, `null` = zero value, a
// repeated key: the later one wins (Go's order of assignment), hex in either case, the '0'-only
// text quirk for keys and signatures — and is stricter on input no Go encoder produces:
// exactly one JSON value (whitespace allowed around it, nothing else), `edges` and
// `signatures` must have exactly 2 elements (Go pads/truncates fixed arrays), `t_id` only in
// canonical form, integers only, sizes bounded (parse_limits).
// Errors: wire::errc too_long / too_deep / bad_json / type_mismatch / invalid_value;
// crypto::errc bad_public_key / bad_signature for malformed key or signature text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "skywire/base/bytes.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::wire::transport {

// Labels (§1.5).
inline constexpr std::string_view label_user = "user";
inline constexpr std::string_view label_automatic = "automatic";
inline constexpr std::string_view label_skycoin = "skycoin";

struct entry {
  uuid id;
  transport::edges edges{};  // sorted when made by make_entry; parsed as received
  std::string type;
  std::string label;

  friend bool operator==(const entry&, const entry&) = default;
};

struct signed_entry {
  std::optional<transport::entry> entry;  // Go *Entry: nullopt = `null`
  std::array<crypto::signature, 2> signatures{};
  std::int64_t registered = 0;  // unix time set by the discovery; omitted from JSON when 0

  friend bool operator==(const signed_entry&, const signed_entry&) = default;
};

// Go's MakeEntry: sorted edges, the ID of (a, b, type).
entry make_entry(const crypto::public_key& a, const crypto::public_key& b, std::string_view type,
                 std::string_view label);

bytes to_binary(const entry& e);

std::string to_json(const entry& e);
std::string to_json(const signed_entry& se);
std::string to_json_line(const signed_entry& se);  // to_json + "\n" (json.Encoder)

// Index of pk among the entry's edges; nullopt when pk is not an edge.
std::optional<std::size_t> edge_index(const entry& e, const crypto::public_key& pk) noexcept;

// Signs se.entry with kp at kp.pk's index. Errors: invalid_value (no entry, or kp.pk is not an
// edge).
result<void> sign_entry(signed_entry& se, const crypto::key_pair& kp);

// Verifies the signature in pk's slot over to_binary(*se.entry). Errors: invalid_value (no
// entry, or pk not an edge), then crypto::errc from verify_payload (a zero slot is
// bad_signature).
result<void> verify_entry_slot(const signed_entry& se, const crypto::public_key& pk);

struct parse_limits {
  std::size_t max_bytes = 4096;  // a canonical SignedEntry is ~520 bytes
  std::size_t max_depth = 8;     // it nests 3 deep
};

result<entry> parse_entry(std::string_view json_text, const parse_limits& limits = {});
result<signed_entry> parse_signed_entry(std::string_view json_text, const parse_limits& limits = {});

}  // namespace skywire::wire::transport
