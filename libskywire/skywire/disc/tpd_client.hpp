#pragma once
// disc::tpd_client: the transport discovery's HTTP API (spec/skywire.md §1.9; Go:
// pkg/transport/tpdclient/client.go). Requests go through an httpauth_client, so they are signed
// and serialised, over whatever stream dialer its http_client uses.
//
//   disc::tpd_client tpd(auth);                                   // shared_ptr<httpauth_client>
//   co_await tpd.register_transports({signed});                  // POST /transports/ → 201
//   auto e = co_await tpd.get_transport_by_id(id);               // result<wire::transport::entry>
//   auto es = co_await tpd.get_transports_by_edge(pk);           // result<std::vector<entry>>
//   auto d = co_await tpd.delete_transport(id);                  // errc::transport_not_found = gone
//   auto all = co_await tpd.all_transports();                    // open route
//
// Bodies are Go's bytes: register sends json.Encoder output of []*SignedEntry
// (`[{…},{…}]\n`, signed over exactly those bytes); an empty list sends nothing (Go returns nil
// without a request). GET and DELETE are bodiless. Answers: any 2xx is success (Go's
// httputil.ErrorFromResp), so register's 201 counts, and — the server increments the caller's
// nonce only on 200 (httpauth_client.hpp) — does not consume a nonce. Entry lists are Go's
// []*Entry: `null` is an empty list.
//
// Errors: errc::transport_not_found (404 from get/delete by id: callers deleting a transport
// treat it as done, as Go's manager does), errc::rejected (any other non-2xx; last_error() then
// holds "status N: <the service's error text>"), errc::bad_response (a 2xx whose body is not the
// endpoint's JSON, or more than max_tpd_entries entries), and the httpauth_client's errors.
//
// Limits: at most max_tpd_entries entries are read from a list (beyond: bad_response); the body
// itself is bounded by the http_client's max_body.
// Executor: the httpauth_client's.
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/wire/transport/entry.hpp"
#include "skywire/wire/transport/transport_id.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skywire::disc {

// A visor sees a handful of its own transports; the whole network's list (all-transports) is
// bounded by the response body anyway (~200 bytes per entry).
inline constexpr std::size_t max_tpd_entries = 65536;

// json.Encoder output of []*SignedEntry (trailing "\n"; an empty list is "null\n", never sent).
std::string signed_entries_json(const std::vector<wire::transport::signed_entry>& entries);

// Parses a JSON array of Entry (`null` = empty). Entries are parsed like the settlement's
// (wire/transport/entry.hpp: Go's decoder rules, bounded); any bad element fails the whole list,
// as Go's json.Decoder does.
result<std::vector<wire::transport::entry>> parse_entries(std::string_view body);

class tpd_client {
 public:
  explicit tpd_client(std::shared_ptr<httpauth_client> auth);

  // POST /transports/ (signed). An empty list is a no-op.
  boost::asio::awaitable<result<void>> register_transports(std::vector<wire::transport::signed_entry> entries);
  // GET /transports/id:{uuid} (signed).
  boost::asio::awaitable<result<wire::transport::entry>> get_transport_by_id(wire::transport::uuid id);
  // GET /transports/edge:{pk} (signed).
  boost::asio::awaitable<result<std::vector<wire::transport::entry>>> get_transports_by_edge(crypto::public_key pk);
  // DELETE /transports/id:{uuid} (signed; only an edge of the transport may delete it).
  boost::asio::awaitable<result<void>> delete_transport(wire::transport::uuid id);
  // GET /all-transports (open route).
  boost::asio::awaitable<result<std::vector<wire::transport::entry>>> all_transports();

  // "status N: <text>" of the last errc::rejected answer.
  const std::string& last_error() const noexcept { return last_error_; }
  httpauth_client& auth() noexcept { return *auth_; }

 private:
  error_code reject(const net::http_response& r);

  std::shared_ptr<httpauth_client> auth_;
  std::string last_error_;
};

}  // namespace skywire::disc
