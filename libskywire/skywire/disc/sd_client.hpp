#pragma once
// disc::sd_client: the service discovery's HTTP API as a visor uses it (spec/skywire.md §5.1;
// Go: pkg/servicedisc/client.go): public visors advertise themselves (type "visor", address =
// pk:stcpr port) and others find them for public autoconnect (§1.8).
//
//   disc::sd_client sd(auth);                                  // shared_ptr<httpauth_client>
//   auto visors = co_await sd.services("visor", 3);            // GET /api/services?type=visor&quantity=3
//   co_await sd.register_service(entry);                       // POST /api/services (signed)
//   co_await sd.delete_service(entry.address, "visor");        // DELETE /api/services/{pk:port}?type=… (signed)
//
// Bodies are Go's: register sends json.Marshal of the Service (no trailing newline, omitempty
// fields left out). Answers: 200 is success; errors are `{"code":N,"error":"<text>"}` (the SD's
// own shape) or httpauth's 401 shape, reported as errc::rejected with last_error() =
// "status N: <text>".
//
// Limits: at most max_sd_services entries are read from a list (beyond: bad_response); an
// address that is not "<66 hex>:<port>" makes that entry unusable and it is skipped (Go's
// SWAddr parsing would fail the whole list; we keep the rest).
// Executor: the httpauth_client's.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/httpauth_client.hpp"

namespace skywire::disc {

inline constexpr std::size_t max_sd_services = 4096;

// Go's servicedisc.Service, the fields a visor sets.
struct service_entry {
  crypto::public_key pk;  // address = "<pk>:<port>"
  std::uint16_t port = 0;
  std::string type;       // "visor", "vpn", "skysocks"
  std::string version;
  std::vector<std::string> local_ips;
  bool display_node_ip = false;

  std::string address() const;  // "<pk hex>:<port>"
  friend bool operator==(const service_entry&, const service_entry&) = default;
};

// json.Marshal of the Service: {"address":…,"type":…,"display_node_ip":true?,"version":…?,"local_ips":[…]?}.
std::string service_json(const service_entry& s);

// A JSON array of Services (`null` = empty); entries whose address does not parse are skipped.
result<std::vector<service_entry>> parse_service_list(std::string_view body);

class sd_client {
 public:
  explicit sd_client(std::shared_ptr<httpauth_client> auth);

  // GET /api/services?type=T[&quantity=N] (open; quantity 0 = all).
  boost::asio::awaitable<result<std::vector<service_entry>>> services(std::string type, unsigned quantity);
  // POST /api/services (signed; the SD requires SW-Public to be the address's pk).
  boost::asio::awaitable<result<void>> register_service(service_entry s);
  // DELETE /api/services/{pk:port}?type=T (signed).
  boost::asio::awaitable<result<void>> delete_service(std::string address, std::string type);

  const std::string& last_error() const noexcept { return last_error_; }

 private:
  error_code reject(const net::http_response& r);

  std::shared_ptr<httpauth_client> auth_;
  std::string last_error_;
};

}  // namespace skywire::disc
