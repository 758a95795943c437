#pragma once
// The dmsg discovery HTTP API (spec/dmsg.md §7; Go: internal/dmsg-discovery/api/api.go) as
// request -> reply coroutines over a store, an injected clock and a logger. No sockets here:
// service.hpp puts it behind net::http_server; the fuzz target calls post_entry directly.
// Every endpoint is a coroutine because the store may be networked (Redis); with the memory and
// SQLite stores they complete without suspending. String arguments are taken by value.
//
// Endpoints (exact paths, Go's chi semantics: unknown path 404 text, known path with another
// method 405 with an empty body, e.g. POST /dmsg-discovery/entry without the slash):
//   GET    /dmsg-discovery/entry/{pk}        200 stored entry JSON; 400 "error bad input";
//                                           404 "entry of public key is not found"
//   POST   /dmsg-discovery/entry/[{any}]     check_post order (500/422/401/422), then stored;
//                                           200 "wrote a new entry" / "wrote new entry iteration"
//   DELETE /dmsg-discovery/entry             validate + verify, 200 "deleted entry" (also when
//                                           nothing was stored)
//   GET    /dmsg-discovery/entries           client pks;  GET /dmsg-discovery/visorEntries
//   GET    /dmsg-discovery/available_servers sample <= 512, availableSessions > 0, sorted desc;
//                                           404 "no delegated dmsg servers available for remote"
//   GET    /dmsg-discovery/all_servers       every server entry; same 404
//   DELETE /dmsg-discovery/deregister        NM-PK (whitelisted) + NM-Sign over the NM-PK hex,
//                                           body: JSON array of pk strings; 200 `null`;
//                                           403 / 400 with empty bodies like Go
//   GET    /health                           {"build_info":{…},"started_at":RFC3339Nano}
// Errors are `{"message":…,"code":…}` with that status and Content-Type application/json.
//
// TTLs: server entries expire 2 min after their last write; client entries never, unless posted
// with ?timeout=true (3 min). sweep() drops expired records (the service calls it every 10 s).
// Test mode lifts only the loopback server-address ban.
//
// Deviations from Go: /dmsg-discovery/entries lists only live client records (Go's Redis set
// keeps pks of expired ?timeout=true clients until they are deleted); --enable-load-testing is
// not offered; Prometheus metrics are not exported.
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_server.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store.hpp"

namespace skywire::svc::dmsg_discovery {

inline constexpr std::chrono::minutes server_entry_ttl{2};
inline constexpr std::chrono::minutes client_entry_ttl{3};  // only with ?timeout=true
inline constexpr std::size_t max_available_servers = 512;
inline constexpr std::size_t default_max_body = 64 * 1024;

struct build_info {
  std::string version = "unknown";
  std::string commit = "unknown";
  std::string date = "unknown";
};

struct api_options {
  bool test_mode = false;
  std::vector<crypto::public_key> nm_whitelist;  // deregister callers; empty = always 403
  // Server classification (the vendored Go discovery's --auth / --official-servers): when
  // either is set, every stored server entry gets serverType "official" (its posted serverType
  // equals auth_passphrase, or its pk is listed) or "community", and keeps the signature it was
  // posted with. Unlike Go, an unset or empty passphrase matches nobody (Go lets every server
  // that sends no serverType pass as official), and with neither option entries are stored as
  // posted.
  std::string auth_passphrase;
  std::vector<crypto::public_key> official_servers;
  build_info build;
};

class api {
 public:
  // `db`, `clock` must outlive the api.
  api(store& db, const base::clock& clock, base::logger log, api_options options);
  api(const api&) = delete;  // the router's handlers point at this object
  api& operator=(const api&) = delete;

  // `req` must stay valid until the returned awaitable completes.
  boost::asio::awaitable<net::http_reply> handle(const net::http_request& req) const;

  // The endpoints, without HTTP.
  boost::asio::awaitable<net::http_reply> get_entry(std::string pk_text) const;
  boost::asio::awaitable<net::http_reply> post_entry(std::string body, bool timeout) const;
  boost::asio::awaitable<net::http_reply> delete_entry(std::string body) const;
  boost::asio::awaitable<net::http_reply> client_entries() const;
  boost::asio::awaitable<net::http_reply> visor_entries() const;
  boost::asio::awaitable<net::http_reply> available_servers() const;
  boost::asio::awaitable<net::http_reply> all_servers() const;
  boost::asio::awaitable<net::http_reply> deregister(const net::http_request& req) const;
  net::http_reply health() const;

  boost::asio::awaitable<result<std::size_t>> sweep() const;

  // `{"message":…,"code":status}` with that status.
  static net::http_reply message_reply(unsigned status, std::string_view message);

 private:
  store& db_;
  const base::clock& clock_;
  base::logger log_;
  api_options opt_;
  std::string started_at_;
  net::http_router router_;
};

}  // namespace skywire::svc::dmsg_discovery
