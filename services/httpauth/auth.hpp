#pragma once
// Server side of httpauth (spec/skywire.md §2.1; Go: skywire-utilities pkg/httpauth/{auth.go,
// handler.go}): what a service puts in front of its authenticated routes, with Go's checks, order
// and 401 texts, so Go visors see the same answers.
//
//   auto store = svc::httpauth::make_memory_nonce_store();
//   router.add_async(get, "/x", svc::httpauth::with_auth(*store, log,
//       [](const net::http_request& r, crypto::public_key caller) { return reply_coroutine(r, caller); }));
//   router.add_prefix_async(get, "/security/nonces/", svc::httpauth::nonce_handler(*store));
//   (the router is then served through route_async: the routes are asynchronous because the
//   nonce store may wait on I/O)
//
// authenticate(), in Go's order, each failure a 401 `{"error":{"message":<text>,"code":401}}\n`:
//   SW-Public missing | error parsing SW-Public: <Invalid public key | Invalid public key length>
//   SW-Sig missing    | error parsing SW-Sig:'<value>': <Invalid signature | Invalid signature length>
//   SW-Nonce missing  | error parsing SW-Nonce: <invalid syntax | value out of range>
//   <store error text> | SW-Nonce does not match
//   Failed to recover pubkey from signature | Recovered pubkey does not match pubkey |
//   VerifySignatureRecoverPubKey, VerifySignatureValidity failed   (signature over raw body ‖ nonce)
// A header made only of '0' characters is Go's null key: it parses, then never verifies.
// 66 hex digits that are not a curve point: Go's skycoin cipher panics inside the handler (the
// connection is dropped without an answer); we answer "error parsing SW-Public: Invalid public
// key" instead. Every other text here was compared with Go's skywire-utilities httpauth server on
// loopback.
// The last text is what Go says for a high-S signature whose low-S twin is valid (a malleated
// copy); for any other high-S signature Go says "Recovered pubkey does not match pubkey".
//
// with_auth: runs the handler only for an authenticated request and increments the caller's
// counter iff the handler's reply has status 200. A handler that returns nullopt "wrote
// nothing": the client gets 200 with an empty body, but the counter is NOT incremented (Go's
// statusWriter never saw a status; the AR's bind with an unparsable body does this). A failed
// increment is logged (Go logs it too) and the reply still goes out.
//
// nonce_handler: GET …/{pk} -> 200 `{"edge":"<pk>","next_nonce":N}\n`; 400 with the parse error
// text or "Invalid public key" for the null key; 500 with a store error.
//
// Bodies are written like Go's httputil.WriteJSON (jsoniter ConfigFastest + "\n"), so a header
// value echoed in an error is not HTML-escaped. Executor: the HTTP server's; the store must
// outlive the handlers.
#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "nonce_store.hpp"

namespace skywire::svc::httpauth {

// A Go-style parse: the value, or Go's error text.
template <class T>
struct go_parsed {
  T value{};
  std::string error;  // empty = ok
  bool ok() const noexcept { return error.empty(); }
};

// cipher.PubKey.UnmarshalText: only-'0' text (incl. "") -> null key; else hex of a valid point.
go_parsed<crypto::public_key> parse_public_key(std::string_view text);
// cipher.Sig.UnmarshalText: 130 hex digits (either case).
go_parsed<crypto::signature> parse_signature(std::string_view text);
// strconv.ParseUint(text, 10, 64)'s error text ("invalid syntax", "value out of range").
go_parsed<std::uint64_t> parse_nonce(std::string_view text);

struct auth_headers {
  crypto::public_key pk;
  crypto::signature sig;
  std::uint64_t nonce = 0;
};

// Go's AuthFromHeaders (with signature checks on).
go_parsed<auth_headers> parse_auth_headers(const net::http_request& req);

// Go's cipher.VerifyPubKeySignedPayload over body ‖ nonce, with Go's error texts.
std::string verify_text(const auth_headers& a, std::string_view body);

// Headers, then nonce against the store, then the signature. ok() -> value.pk is the caller.
// `req` and `store` must outlive the operation.
boost::asio::awaitable<go_parsed<auth_headers>> authenticate(const net::http_request& req, nonce_store& store);

// `{"error":{"message":<message>,"code":<status>}}\n` (Go's NewHTTPErrorResponse via WriteJSON).
net::http_reply error_reply(unsigned status, std::string_view message);

// The wrapped handler: `req` stays valid until its awaitable completes; nullopt = "wrote nothing".
using authed_handler = std::function<boost::asio::awaitable<std::optional<net::http_reply>>(
    const net::http_request& req, crypto::public_key caller)>;

net::http_async_handler with_auth(nonce_store& store, base::logger log, authed_handler h);

net::http_async_handler nonce_handler(nonce_store& store);

// Go's httpauth.GetRemoteAddr behind chi's RealIP: the caller's IP without port. With
// trust_forwarding, True-Client-IP, X-Real-IP or the first X-Forwarded-For entry (in that order,
// if it parses as an IP) replaces the socket address, as the Go services do behind their proxy;
// without it (our default) those headers are ignored, since any client can set them. If the
// address is a public key (dmsghttp), SW-PublicIP is returned instead.
std::string remote_ip(const net::http_request& req, bool trust_forwarding);

}  // namespace skywire::svc::httpauth
