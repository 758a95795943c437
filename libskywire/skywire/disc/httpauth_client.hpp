#pragma once
// disc::httpauth_client: signed requests to a service behind Skywire's httpauth (transport
// discovery, address resolver, service discovery, uptime tracker), spec/skywire.md §2.1;
// Go: internal/httpauth/client.go.
//
//   auto c = std::make_shared<disc::httpauth_client>(ex, http, "http://127.0.0.1:9093", keys);
//   auto r = co_await c->request(http_method::post, "/bind/stcpr", body);   // signed
//   auto t = co_await c->request(http_method::get, "/transports", {}, route_auth::open);
//
// Algorithm (Go's, with one correction):
//   * the server's counter for our key is fetched (GET /security/nonces/{pk}) before the first
//     signed request (lazily: a constructor cannot wait; fetch_nonce() does it eagerly);
//   * each signed request carries SW-Public, SW-Nonce = the local counter and SW-Sig =
//     sign(body ‖ nonce) (httpauth.hpp), plus SW-PublicIP when set (dmsghttp);
//   * if the answer is a JSON `{"error":{…}}` with code 401 or message "SW-Nonce does not
//     match", the counter is fetched again and the request is signed and sent once more;
//   * the local counter is incremented iff the final status is 200. Go increments after a 200
//     from *any* route, including ones the server does not authenticate (the AR's /transports),
//     and then repairs the drift with a 401 + retry; we increment only for route_auth::signed_
//     requests, and open routes are sent unsigned.
// Requests on one client are serialised (one in flight), like Go's reqMu: the counter is
// consumed in order.
//
// Base URL: scheme defaults to http, trailing '/' stripped (Go's sanitizedAddr).
//
// Results: any complete response is a value (map statuses yourself). Errors: the http_client's
// (net::errc::timeout, connection refused, ...) unchanged; disc::errc::nonce_unavailable when the
// nonce endpoint does not answer 200 with `{"next_nonce":N}`; operation_aborted on
// cancellation.
//
// Executor: construct and use from one executor (the http_client's). The object must outlive its
// pending requests (hold it in a shared_ptr when requests run detached).
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_types.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace skywire::disc {

enum class route_auth {
  signed_,  // behind the server's auth middleware: signed; a 200 consumes the nonce
  open,     // not authenticated by the server: sent unsigned, the nonce is untouched
};

// Go's sanitizedAddr: "" -> http://localhost, "host:port" -> http://host:port, no trailing '/'.
std::string sanitize_base_url(std::string_view url);

class httpauth_client {
 public:
  httpauth_client(boost::asio::any_io_executor ex, std::shared_ptr<net::http_client> http,
                  std::string base_url, crypto::key_pair keys);
  httpauth_client(const httpauth_client&) = delete;
  httpauth_client& operator=(const httpauth_client&) = delete;

  // Sent as SW-PublicIP on signed requests (only when the service is reached over dmsghttp).
  void set_public_ip(std::string ip) { public_ip_ = std::move(ip); }

  // GET /security/nonces/{our pk}; stores and returns the server's counter.
  boost::asio::awaitable<result<std::uint64_t>> fetch_nonce();

  // `path` starts with '/', e.g. "/resolve/stcpr/<pk>"; `body` is sent (and signed) as is.
  boost::asio::awaitable<result<net::http_response>> request(net::http_method method,
                                                             std::string path);
  boost::asio::awaitable<result<net::http_response>> request(net::http_method method,
                                                             std::string path, std::string body);
  boost::asio::awaitable<result<net::http_response>> request(net::http_method method,
                                                             std::string path, std::string body,
                                                             route_auth auth);

  // The local counter (nullopt before the first fetch).
  std::optional<std::uint64_t> nonce() const noexcept { return nonce_; }
  void set_nonce(std::uint64_t n) noexcept { nonce_ = n; }
  const std::string& base_url() const noexcept { return base_url_; }
  const crypto::public_key& public_key() const noexcept { return keys_.pk; }

 private:
  boost::asio::awaitable<result<std::uint64_t>> fetch_nonce_unlocked();
  boost::asio::awaitable<result<net::http_response>> send_signed(net::http_method method,
                                                                 const std::string& url,
                                                                 const std::string& body);

  using slot_channel = boost::asio::experimental::channel<void(boost::system::error_code)>;

  std::shared_ptr<net::http_client> http_;
  std::string base_url_;
  crypto::key_pair keys_;
  std::string public_ip_;
  std::optional<std::uint64_t> nonce_;
  slot_channel slot_;  // capacity 1: holding the one buffered message = owning the client
};

// Whether a response is Go's "retry with a fresh nonce" case: a JSON body
// `{"error":{"message":…,"code":…}}` with code 401 or the nonce-mismatch message.
bool is_nonce_error(const net::http_response& r);

}  // namespace skywire::disc
