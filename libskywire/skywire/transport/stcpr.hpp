#pragma once
// stcpr: transports over TCP whose addresses come from the address resolver (spec/skywire.md
// §1.1, §1.4, §2.2; Go: pkg/transport/network/stcpr.go, client.go: dialVisor).
//
//   stcpr_config cfg;  cfg.port = 0;  cfg.bind = true;         // addresses: every interface's
//   auto n = stcpr_network::create(ex, keys, ar, std::move(cfg));  // listens now, binds in the background
//   auto tp = co_await (*n)->dial(remote_pk);                  // resolve → TCP → handshake → Noise KK
//   auto in = co_await (*n)->accept();
//   co_await (*n)->shutdown();                                 // close + DELETE /bind/stcpr (bounded)
//
// Built on stcp (stcp.hpp): an stcp_network with an empty pk table does the listening (TCP on
// listen_host:port, concurrent bounded handshakes, TCP liveness options) and the dialing
// (stcp_network::dial_address). What stcpr adds:
//   * Listener: port = config port (0 = a free one); if binding fails, port+1, … up to
//     max_port_tries ports (Go's loop is unbounded), then the bind error.
//   * Binding: when config.bind, POST /bind/stcpr with the actual port and config.addresses (empty:
//     local_addresses(), Go's netutil.LocalAddresses) — retried with exponential backoff
//     (bind_backoff_initial doubling to bind_backoff_max, for ever) while the address resolver is
//     unreachable or refuses, so a visor started before its resolver binds once it appears. The
//     listener accepts from the start (Go starts accepting only after a successful bind; an
//     unbound listener merely receives no dials via the resolver). Whether to bind is the
//     visor's decision (Go binds only if the host has a public IPv4: visor/networks.hpp).
//   * Dial: GET /resolve/stcpr/<pk> → if is_local, each of `addresses` (at most
//     max_local_addresses) joined with `port`, in order, until one completes; then (or otherwise)
//     remote_addr joined with port (remote_addr with its own ":port" is used as is, as Go) →
//     the raw handshake and Noise KK as stcp.
//   * Transports carry type "stcpr" and the stcpr transport id (make_transport_id(…, "stcpr")).
//   * Close: stops listening; if bound, DELETE /bind/stcpr runs in the background, bounded by
//     unbind_timeout (best effort: failures are logged). shutdown() = close() + wait for it.
//
// Errors: dial: errc::not_bound when the resolver has no binding for the pk (its 404; also
// when the network was created without a resolver client),
// errc::bad_address for a resolver answer with an unusable port or address, the resolver
// client's errors (disc::errc, net errors) otherwise, then stcp's dial errors;
// errc::network_closed after close(). create(): the listener's bind error (e.g.
// address_in_use after max_port_tries ports), errc::bad_address for a bad listen_host.
//
// Ownership / executor: everything on `ex` (single-threaded), as the address resolver client's
// httpauth_client. The network shares ownership of the resolver client. Transports already
// returned are independent of the network. Not thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/transport/transport.hpp"

namespace skywire::transport {

struct stcpr_config {
  std::uint16_t port = 0;          // transport.stcpr_port; 0 = a free port
  std::string listen_host;         // IP literal; "" = every IPv4 interface (0.0.0.0)
  unsigned max_port_tries = 64;    // ports tried from `port` upwards when binding fails
  bool bind = true;                // POST /bind/stcpr at the address resolver
  std::vector<std::string> addresses;  // sent with the bind; empty = local_addresses()
  std::chrono::steady_clock::duration bind_backoff_initial = std::chrono::seconds(1);
  std::chrono::steady_clock::duration bind_backoff_max = std::chrono::seconds(30);
  std::chrono::steady_clock::duration unbind_timeout = std::chrono::seconds(3);
  std::size_t max_local_addresses = 8;  // is_local answers: addresses tried before remote_addr
  // Timeouts, TCP liveness, handshake bounds, rng and logger of the carrier (stcp.hpp);
  // its pk_table and listen_address are ignored (stcpr sets them).
  stcp_config tcp{};
};

class stcpr_network final : public network {
 public:
  // Listens at once (synchronously) and starts the bind in the background.
  static result<std::unique_ptr<stcpr_network>> create(boost::asio::any_io_executor ex, crypto::key_pair keys,
                                                       std::shared_ptr<disc::addr_resolver_client> ar,
                                                       stcpr_config config);
  ~stcpr_network() override;
  stcpr_network(const stcpr_network&) = delete;
  stcpr_network& operator=(const stcpr_network&) = delete;

  std::string_view type() const noexcept override;
  boost::asio::awaitable<result<transport>> dial(crypto::public_key remote) override;
  boost::asio::awaitable<result<transport>> accept() override;
  void close() override;
  // close(), then waits for the background work (the bind loop, the unbind) to end.
  boost::asio::awaitable<void> shutdown() override;

  // The TCP port actually listened on (what is bound at the resolver).
  std::uint16_t port() const noexcept;
  // Whether the last bind succeeded (and no unbind has happened since).
  bool bound() const noexcept;

  struct state;

 private:
  explicit stcpr_network(std::shared_ptr<state> st) : state_(std::move(st)) {}
  std::shared_ptr<state> state_;
};

// Go's IP.IsGlobalUnicast() || IP.IsLoopback(): not unspecified, multicast, link-local or the
// IPv4 broadcast address. (Private ranges count: Go's "global unicast" is about scope.)
bool is_advertised_address(const boost::asio::ip::address& a);

// Every advertised IP of every local interface (getifaddrs), in the kernel's order, as text
// (IPv6 without a zone). Empty when the interfaces cannot be read.
std::vector<std::string> local_addresses();

// "host:port", with [ ] around an IPv6 host (Go's net.JoinHostPort).
std::string join_host_port(std::string_view host, std::string_view port);

}  // namespace skywire::transport
