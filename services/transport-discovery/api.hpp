#pragma once
// The transport discovery's HTTP API (spec/skywire.md §1.9; Go: skywire-services
// pkg/transport-discovery/api/{api.go,endpoints.go}) over a store, a nonce store, an injected
// clock and a logger. No sockets here: service.hpp puts it behind net::http_server. Go's status
// codes and bodies (JSON bodies are json.Encoder output: HTML-escaped, trailing "\n"):
//
//   POST   /transports/            httpauth. Body: JSON array of SignedEntry. 201 + the decoded
//                                  array re-encoded (echo); `null` body -> 201 `null`. Signatures
//                                  are NOT checked (as in Go); t_id, edges, type, label are stored.
//                                  A JSON syntax error: 400 {"error":"<text>"}; an empty or
//                                  truncated body, wrong types, a bad key/uuid/signature, a null
//                                  element or entry: 500 {"error":"<text>"}; a store error: 500.
//                                  201 is not 200, so the caller's nonce is NOT consumed.
//   GET    /transports/id:{uuid}   httpauth. 200 Entry; 404 {"error":"transport not found"};
//                                  400 {"error":"transport ID is invalid"}.
//   GET    /transports/edge:{pk}   httpauth. 200 [Entry…] by ascending ID, `null` when none (as
//                                  Go's PostgreSQL store); 400 {"error":"public key is invalid"}.
//   DELETE /transports/id:{uuid}   httpauth. 200 "transport deleted" (a JSON string, as Go's
//                                  writeJSON writes it); 404 {"error":"transport not found"};
//                                  400 {"error":"transport ID is invalid"} for a bad uuid AND when
//                                  the caller is not one of the entry's edges.
//   GET    /all-transports         no auth. 200 [Entry…] by ascending ID (`null` when none).
//   DELETE /transports/deregister  network monitors only: NM-PK must be whitelisted (403), NM-Sign
//                                  must sign the NM-PK hex (400 unparsable, 403 wrong); body a
//                                  JSON array of uuid strings (400 otherwise); 200 `null`. Error
//                                  answers have empty bodies (like the address resolver's).
//   POST   /statuses               410 Gone, empty (legacy route).
//   GET    /security/nonces/{pk}   httpauth's nonce handler (services/httpauth/auth.hpp).
//   GET    /health                 {"build_info":{…},"started_at":"…"} (dmsg_address/dmsg_servers
//                                  are omitted: this service has no dmsghttp listener).
// Other paths: 404 "404 page not found\n"; a known path with another method: 405.
//
// Deviations (documented, not verifiable against a Go binary here): error texts of decode errors
// are ours, not encoding/json's; a uuid is accepted only in canonical 8-4-4-4-12 form
// (wire/transport/transport_id.hpp); at most max_entries_per_request entries per POST (400
// {"error":"too many entries"} above); no Prometheus metrics. No Redis/PostgreSQL store yet.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpauth/nonce_store.hpp"
#include "store.hpp"

namespace skywire::svc::transport_discovery {

inline constexpr std::size_t max_entries_per_request = 256;

struct build_info {
  std::string version = "unknown";
  std::string commit = "unknown";
  std::string date = "unknown";
};

struct api_options {
  std::vector<crypto::public_key> nm_whitelist;  // deregister callers; empty = always 403
  build_info build;
};

// What POST /transports/ does with a body: the entries, or the status (400/500) and error text.
struct decoded_entries {
  std::optional<std::vector<wire::transport::signed_entry>> entries;  // nullopt = JSON `null`
  unsigned status = 0;  // 0 = ok, else 400 (syntax) or 500 (anything else)
  std::string error;
};
decoded_entries decode_signed_entries(std::string_view body);

class api {
 public:
  // All references must outlive the api.
  api(store& db, httpauth::nonce_store& nonces, const base::clock& clock, base::logger log, api_options options);
  api(const api&) = delete;  // the router's handlers point at this object
  api& operator=(const api&) = delete;

  // The whole API as one asynchronous handler (routing included).
  boost::asio::awaitable<net::http_reply> handle(const net::http_request& req) const;

  // Authenticated endpoints, after httpauth (`caller` is SW-Public).
  boost::asio::awaitable<std::optional<net::http_reply>> register_transports(const net::http_request& req,
                                                                             crypto::public_key caller) const;
  boost::asio::awaitable<std::optional<net::http_reply>> get_by_id(std::string id_text) const;
  boost::asio::awaitable<std::optional<net::http_reply>> get_by_edge(std::string pk_text) const;
  boost::asio::awaitable<std::optional<net::http_reply>> delete_transport(std::string id_text,
                                                                          crypto::public_key caller) const;
  boost::asio::awaitable<net::http_reply> all_transports() const;
  boost::asio::awaitable<net::http_reply> deregister(const net::http_request& req) const;
  net::http_reply health() const;

 private:
  store& db_;
  httpauth::nonce_store& nonces_;
  base::logger log_;
  api_options opt_;
  std::string started_at_;
  net::http_router router_;
};

}  // namespace skywire::svc::transport_discovery
