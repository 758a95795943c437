#pragma once
// stcp: transports over plain TCP with a static address table (spec/skywire.md §1.1, §1.4).
//
//   dial(pk)   pk_table[pk] ("host:port"; errc::entry_not_found "entry not found in PK table"
//              otherwise) → TCP connect (dial_timeout) → raw handshake as initiator
//              (handshake.hpp; SrcAddr port = the next ephemeral port, 49153 first) → Noise KK
//              as initiator → transport.
//   accept()   a listener on listen_address; every incoming connection runs the responder
//              handshake and Noise KK in its own task (at most max_pending_handshakes at once,
//              so one stalled peer cannot hold up others), and finished transports queue for
//              accept() (at most accept_backlog; beyond that they are dropped). A connection that
//              fails any step is closed and logged; the listener keeps accepting.
// Settlement (settlement.hpp) is the caller's next step, as with every network (transport.hpp).
//
// Liveness: the transport wire has no keepalive (§1.7), so the TCP socket carries the bound.
// Every stcp socket gets TCP_NODELAY (routing packets are small and latency-bound), SO_KEEPALIVE
// with TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT, and TCP_USER_TIMEOUT. With the defaults
// (15 s idle, 5 s interval, 3 probes, 30 s user timeout) a peer that vanishes without a FIN/RST
// makes reads and writes fail within about 30 s: keepalive probes end an idle connection after
// 15 + 3×5 = 30 s, and TCP_USER_TIMEOUT ends one with unacknowledged data after 30 s (it also
// caps the keepalive path). Linux-specific options; failures to set them are logged, not fatal.
//
// Ownership / executor: create() binds the listener synchronously; the object lives on `ex`.
// close() (also the destructor) stops the listener and aborts handshakes in progress; transports
// already returned are independent. Not thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/random.hpp"
#include "skywire/transport/handshake.hpp"
#include "skywire/transport/transport.hpp"

namespace skywire::transport {

struct tcp_liveness {
  std::chrono::seconds keepalive_idle{15};
  std::chrono::seconds keepalive_interval{5};
  int keepalive_count = 3;
  std::chrono::milliseconds user_timeout{30000};
};

struct stcp_config {
  std::map<crypto::public_key, std::string> pk_table;  // pk → "host:port" (skywire-tcp.pk_table)
  std::string listen_address;                          // "host:port" IP literal; "" = dial only
  std::chrono::steady_clock::duration dial_timeout = std::chrono::seconds(10);
  std::chrono::steady_clock::duration handshake_timeout = raw_handshake_timeout;
  std::chrono::steady_clock::duration noise_timeout = std::chrono::seconds(5);
  port_predicate is_listening;  // empty: only transport_port (45)
  tcp_liveness liveness{};
  std::size_t max_pending_handshakes = 64;
  std::size_t accept_backlog = 16;
  std::shared_ptr<base::random_source> rng;  // empty: crypto::system_random
  base::logger log;                          // empty: discard
};

class stcp_network final : public network {
 public:
  // keys: the visor's identity (Frame2 signer, Noise static key).
  static result<std::unique_ptr<stcp_network>> create(boost::asio::any_io_executor ex, crypto::key_pair keys,
                                                      stcp_config config);
  ~stcp_network() override;
  stcp_network(const stcp_network&) = delete;
  stcp_network& operator=(const stcp_network&) = delete;

  std::string_view type() const noexcept override;
  boost::asio::awaitable<result<transport>> dial(crypto::public_key remote) override;
  boost::asio::awaitable<result<transport>> accept() override;
  void close() override;

  // Dials an explicit "host:port" (no pk_table lookup) declaring remote_port as DstAddr — the
  // building block of dial(), exposed for stcpr and for tests of the responder's port check.
  boost::asio::awaitable<result<transport>> dial_address(crypto::public_key remote, std::string host_port,
                                                         std::uint16_t remote_port = transport_port);

  // The bound listener address (with the real port when listen_address asked for port 0).
  std::optional<boost::asio::ip::tcp::endpoint> local_endpoint() const;

  struct state;

 private:
  explicit stcp_network(std::shared_ptr<state> st) : state_(std::move(st)) {}
  std::shared_ptr<state> state_;
};

// Sets TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT and TCP_USER_TIMEOUT (what
// every stcp socket gets). The first failing option's system error is returned.
result<void> set_tcp_liveness(boost::asio::ip::tcp::socket& s, const tcp_liveness& l);

// Splits "host:port" / "[v6]:port" (port 0..65535). errc::bad_address otherwise.
result<std::pair<std::string, std::uint16_t>> split_host_port(std::string_view address);

}  // namespace skywire::transport
