#pragma once
// The dmsg discovery Entry (spec/dmsg.md §7.2, skywire-vendored version §10) and its exact
// signing bytes (§7.3).
//
// The model mirrors Go's pkg/disc.Entry value for value, so that re-serialising a decoded entry
// gives what Go would give: optional<client_info> is Go's *Client (absent = nil = key omitted),
// client_info::delegated_servers keeps nil (`null`) apart from an empty list (`[]`), empty
// client_type / server_type / signature are omitted (omitempty), and the signature is kept as
// the text that was received (Go's field is a string; it is only parsed when verifying).
// available_sessions is Go's `int`, 64-bit on the platforms the Go side runs on.
//
// Signing bytes = the entry serialised by json-iterator ConfigFastest with the signature
// removed (signing_payload). verify_signature never hashes received bytes: it re-serialises the
// values, exactly like the Go discovery, so formatting, key order, key case, uppercase hex and
// unknown keys in what was received do not matter, only the values do.
//
// Errors: verify_signature returns skywire.crypto codes (bad_signature for text that is not
// 130 hex digits, signature_mismatch, null_public_key, ...).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"

namespace skywire::wire::disc {

inline constexpr std::string_view current_version = "0.0.1";

struct client_info {
  // nullopt = Go nil slice, serialised as null; an empty vector is serialised as [].
  // Null keys may appear (Go decodes "000…" or "" to the null key and writes 66 zeros back).
  std::optional<std::vector<crypto::public_key>> delegated_servers;

  friend bool operator==(const client_info&, const client_info&) = default;
};

struct server_info {
  std::string address;                 // "host:port"
  std::int64_t available_sessions = 0; // may be negative
  std::string server_type;             // vendored only; omitted when empty

  friend bool operator==(const server_info&, const server_info&) = default;
};

struct entry {
  std::string version;
  std::uint64_t sequence = 0;
  std::int64_t timestamp = 0;  // Unix nanoseconds
  crypto::public_key static_pk;
  std::optional<client_info> client;
  std::string client_type;  // vendored only; omitted when empty
  std::optional<server_info> server;
  std::string signature;  // signature hex as on the wire; omitted when empty

  friend bool operator==(const entry&, const entry&) = default;
};

// The entry as ConfigFastest writes it, signature included when non-empty: the POST/DELETE body
// and what the discovery serves on GET.
std::string to_json(const entry& e);

// The exact bytes that are signed: to_json of the entry with the signature cleared.
std::string signing_payload(const entry& e);

// Clears any old signature, then sets e.signature to the hex of
// crypto::sign_payload(signing_payload(e), sk) (as Go's Entry.Sign). Does not check that sk
// belongs to e.static_pk.
void sign(entry& e, const crypto::secret_key& sk);

// Go's Entry.VerifySignature: parse the signature text, re-serialise without it, verify against
// static_pk.
result<void> verify_signature(const entry& e);

// Convenience constructors (Go's NewClientEntry / NewServerEntry), unsigned.
entry make_client_entry(const crypto::public_key& pk, std::uint64_t sequence, std::int64_t timestamp,
                        std::optional<std::vector<crypto::public_key>> delegated_servers);
entry make_server_entry(const crypto::public_key& pk, std::uint64_t sequence, std::int64_t timestamp,
                        std::string address, std::int64_t available_sessions);

}  // namespace skywire::wire::disc
