#pragma once
// sudph: transports over UDP + KCP with hole punching through the address resolver
// (spec/skywire.md §1.1, §1.4, §2.3; Go: pkg/transport/network/sudph.go, addrresolver/client.go).
//
//   sudph_config cfg;  cfg.ar_udp_address = *sudph_ar_address("http://ar.example:9093");
//   auto n = sudph_network::create(ex, keys, ar_http_client, std::move(cfg));
//   auto tp = co_await (*n)->dial(remote_pk);   // resolve → holepunch → KCP → handshake → Noise KK
//   auto in = co_await (*n)->accept();
//   co_await (*n)->shutdown();                  // delBind (acked or unbind_timeout), then close
//
// One UDP socket (udp_mux.hpp) carries everything: the AR link, outgoing KCP sessions,
// incoming ones and the raw "holepunch" datagrams.
//   * Socket: listen_host:port (port 0 = a free one; if binding fails, port+1, … up to
//     max_port_tries ports, then the bind error).
//   * AR link (when ar_udp_address is set), in the background, retried with exponential backoff
//     (bind_backoff_initial doubling to bind_backoff_max, for ever) whenever it fails or dies:
//     a KCP session to the AR claiming every datagram from it; the §1.2 handshake as initiator
//     with SrcAddr {own pk, 0}, DstAddr {null pk, 0}; the LocalAddresses JSON
//     {"port":"<udp port>","addresses":[…]} (json.Marshal: no newline) as one message (addresses
//     dropped from the end until it fits one mss); "heartbeat" at once and every
//     heartbeat_interval. Each message the AR sends is {"PK":"<hex>","Addr":"<ip:port>"}: a
//     visor that is about to dial us; we send it the 9-byte datagram "holepunch". Messages that
//     are not that JSON, or name no IP literal, are logged and ignored. The link's liveness is
//     KCP's: the heartbeats keep data in flight, so a vanished AR is noticed by the dead-link
//     bound (kcp/limits.hpp) and the link is re-established.
//   * dial(pk): GET /resolve/sudph/<pk> through the HTTP client (the AR then asks pk to punch
//     towards us — only if we are bound ourselves); then, for each candidate address (the
//     is_local addresses joined with the port, at most max_local_addresses, then remote_addr):
//     "holepunch" to it, a new KCP session to it, the raw handshake and Noise KK as initiator
//     (their deadlines bound the attempt: KCP retransmissions during them are what punch
//     through), until one succeeds.
//   * accept(): every incoming KCP session runs the responder handshake and Noise KK in its own
//     task (at most max_pending_handshakes at once), finished transports queue for accept()
//     (at most accept_backlog; beyond, dropped). Failures are logged; the listener keeps going.
//   * Transports carry type "sudph" and the sudph transport id. There is no idle timeout on an
//     established transport (neither has Go): liveness is KCP's dead-link bound on data in
//     flight plus the router's keep-alives.
//   * close(): stops the AR link ("delBind" sent once, best effort), the listener and handshakes
//     in progress; transports already returned keep the socket until they end. shutdown() =
//     "delBind" acknowledged (or unbind_timeout) + close() + wait for the background tasks.
//
// Errors: dial: errc::not_bound (no AR client, or its 404 for pk), errc::bad_address (an
// unusable resolver answer), the resolver client's errors, then handshake/Noise errors and
// net::errc::timeout; errc::network_closed after close(). create(): the socket's bind error,
// errc::bad_address for a bad listen_host.
//
// Ownership / executor: everything on `ex` (single-threaded), as the resolver client's. Not
// thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/transport/handshake.hpp"
#include "skywire/transport/transport.hpp"
#include "skywire/transport/udp_mux.hpp"

namespace skywire::transport {

// The AR's UDP port when its URL names none (§2.3; the visor-side default).
inline constexpr std::uint16_t default_ar_udp_port = 30178;

struct sudph_config {
  std::uint16_t port = 0;           // transport.sudph_port; 0 = a free port
  std::string listen_host;          // IP literal; "" = every IPv4 interface (0.0.0.0)
  unsigned max_port_tries = 64;
  std::string ar_udp_address;       // "host:port" of the AR's KCP listener; "" = no AR link
  std::vector<std::string> addresses;  // LocalAddresses sent to the AR; empty = local_addresses()
  std::chrono::steady_clock::duration heartbeat_interval = std::chrono::seconds(10);
  std::chrono::steady_clock::duration bind_backoff_initial = std::chrono::seconds(1);
  std::chrono::steady_clock::duration bind_backoff_max = std::chrono::seconds(30);
  std::chrono::steady_clock::duration unbind_timeout = std::chrono::seconds(2);
  std::chrono::steady_clock::duration handshake_timeout = raw_handshake_timeout;
  std::chrono::steady_clock::duration noise_timeout = std::chrono::seconds(5);
  std::size_t max_local_addresses = 8;
  port_predicate is_listening;      // empty: only transport_port (45)
  std::size_t max_pending_handshakes = 64;
  std::size_t accept_backlog = 16;
  udp_mux_config mux{};             // KCP parameters and socket bounds; rng/log default to ours
  std::shared_ptr<base::random_source> rng;  // empty: crypto::system_random
  base::logger log;                          // empty: discard
};

class sudph_network final : public network {
 public:
  // Binds the socket at once (synchronously); the AR link and the listener run in the
  // background. ar may be null (no dialing by pk; dial_endpoint still works).
  static result<std::unique_ptr<sudph_network>> create(boost::asio::any_io_executor ex, crypto::key_pair keys,
                                                       std::shared_ptr<disc::addr_resolver_client> ar,
                                                       sudph_config config);
  ~sudph_network() override;
  sudph_network(const sudph_network&) = delete;
  sudph_network& operator=(const sudph_network&) = delete;

  std::string_view type() const noexcept override;
  boost::asio::awaitable<result<transport>> dial(crypto::public_key remote) override;
  boost::asio::awaitable<result<transport>> accept() override;
  void close() override;
  boost::asio::awaitable<void> shutdown() override;

  // Dials an explicit UDP endpoint (no resolver), declaring remote_port as DstAddr.
  boost::asio::awaitable<result<transport>> dial_endpoint(crypto::public_key remote,
                                                          boost::asio::ip::udp::endpoint to,
                                                          std::uint16_t remote_port = transport_port);

  std::uint16_t port() const;
  // The AR link completed its handshake and sent LocalAddresses (and has not died since).
  bool bound() const noexcept;
  // "holepunch" datagrams sent on the AR's request so far.
  std::uint64_t punches_sent() const noexcept;
  udp_mux_stats socket_stats() const;

  struct state;

 private:
  explicit sudph_network(std::shared_ptr<state> st) : state_(std::move(st)) {}
  std::shared_ptr<state> state_;
};

// "host:port" of the AR's UDP side from its HTTP URL (§2.3): the URL's host and port, or
// default_ar_udp_port when the URL has no port. errc::bad_address for dmsg:// URLs (sudph is
// off then, as in Go) and URLs without a host.
result<std::string> sudph_ar_address(std::string_view ar_url);

// The AR's hole-punch request {"PK":"<hex>","Addr":"<ip:port>"} (Go struct without tags:
// keys matched case-insensitively, unknown keys ignored). Returns the pk and the endpoint;
// errc::bad_address when Addr is not an IP literal with a port, wire/crypto errors otherwise.
struct punch_request {
  crypto::public_key pk;
  boost::asio::ip::udp::endpoint addr;
};
result<punch_request> parse_punch_request(std::string_view json);

}  // namespace skywire::transport
