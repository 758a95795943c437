#pragma once
// disc::client: the dmsg discovery HTTP client (Go: pkg/disc httpClient), spec/dmsg.md §6.1, §7.
//
//   disc::client dc(http, "http://127.0.0.1:9090", clock);
//   auto e = co_await dc.get_entry(pk);                  // result<wire::disc::entry>
//   co_await dc.post_entry(signed_entry);                // POST /dmsg-discovery/entry/
//   co_await dc.put_entry(entry, sk);                    // Go's "PUT" (see below)
//   auto servers = co_await dc.available_servers();     // sorted by availableSessions desc
//
// Carrier: every request goes through the injected net::http_client, so the same client works
// over TCP today and over a dmsg stream (dmsghttp) later. The http_client (shared) must use the
// executor the disc::client is used from.
//
// put_entry (Go's PutEntry / the client's entry update): GET the stored entry; sequence =
// stored.sequence + 1 (kept as given when nothing is stored), timestamp = max(now, stored
// timestamp), re-sign with sk, POST. If the discovery answers "wrong sequence" (another update
// raced us) it re-reads and retries once. On success `e` holds what was stored.
//
// Errors: disc::errc (entry_not_found, bad_input, unauthorized, no_available_servers,
// validation_failed, server_error, unexpected_status, bad_response), wire::errc::disc_* for a
// 422 whose cause text is one of Go's (e.g. disc_wrong_sequence), and the http_client's own
// errors (net::errc::timeout, connection_refused, ...) unchanged. Received entries are parsed
// with wire::disc::parse_entry (bounded); server entries' signatures are *not* verified (the
// vendored discovery rewrites serverType after verifying, §10), client entries neither (Go does
// not either; the caller verifies when it matters).
//
// Limits: responses are bounded by the http_client's max_body (default 1 MiB, ~3000 entries);
// arrays longer than max_list_entries are cut (the discovery sends at most 512).
#include "skywire/base/clock.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_types.hpp"
#include "skywire/wire/disc/entry.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace skywire::disc {

inline constexpr std::size_t max_list_entries = 4096;

class client {
 public:
  // base_url: "http://host:port" (a trailing '/' is ignored). The clock stamps put_entry.
  client(std::shared_ptr<net::http_client> http, std::string base_url, const base::clock& clock);

  boost::asio::awaitable<result<wire::disc::entry>> get_entry(crypto::public_key pk);
  // Posts an already-signed entry.
  boost::asio::awaitable<result<void>> post_entry(wire::disc::entry e);
  boost::asio::awaitable<result<void>> put_entry(wire::disc::entry& e, const crypto::secret_key& sk);
  // DELETE /dmsg-discovery/entry with the signed entry as body.
  boost::asio::awaitable<result<void>> delete_entry(wire::disc::entry e);
  boost::asio::awaitable<result<std::vector<wire::disc::entry>>> available_servers();
  boost::asio::awaitable<result<std::vector<wire::disc::entry>>> all_servers();
  // GET /dmsg-discovery/entries: client pks.
  boost::asio::awaitable<result<std::vector<crypto::public_key>>> client_pks();

  const std::string& base_url() const noexcept { return base_url_; }

 private:
  std::shared_ptr<net::http_client> http_;
  std::string base_url_;
  const base::clock& clock_;
};

// The discovery's error response -> error code (exposed for tests): `status` and body
// `{"message":…,"code":…}`.
error_code error_from_response(const net::http_response& r);

}  // namespace skywire::disc
