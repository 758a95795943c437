#pragma once
// The transport module's seam (spec/skywire.md §1): an established transport and the abstract
// network that dials and accepts them.
//
// A transport is a long-lived, authenticated, encrypted byte stream between two visors,
// identified by (sorted {local pk, remote pk}, type) — wire::transport::make_transport_id. After
// settlement (settlement.hpp) its stream carries concatenated routing packets (§1.7, §3.1) and
// nothing else; there is no transport-level keepalive on the wire, so liveness is the carrier's
// (see stcp.hpp for the TCP bound) plus the router's route keep-alives.
//
// network: one per transport type. dial(pk) and accept() return a transport that has completed
// the type's connection setup — for stcp/stcpr/sudph the raw handshake (handshake.hpp) and Noise
// KK (encrypted_stream.hpp); for dmsg the dmsg stream to pk:45 — but NOT the settlement, which
// the caller (the transport manager, manager.hpp) runs next, as Go's manager does. The four
// kinds: stcp.hpp, stcpr.hpp (stcp with address-resolver lookup/bind), sudph.hpp (the same
// handshake over KCP with hole punching), dmsg_network.hpp (a dmsg stream, no extra layers);
// nothing above this header depends on the carrier.
//
// Executor: a network lives on one executor; call dial/accept/close from it. One accept() at a
// time; dial() may run concurrently with accept() and with other dials.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport {

struct transport {
  wire::transport::uuid id;
  std::string type;
  crypto::public_key local_pk;
  crypto::public_key remote_pk;
  // Skywire ports of the two ends as the handshake declared them (§1.2 Frame2): the dialer's
  // ephemeral port and the transport port 45 on the accepting side.
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  bool initiator = false;  // this side dialed
  // Encrypted (or dmsg) byte stream; owned. Closing it ends the transport.
  std::unique_ptr<net::stream> stream;
};

class network {
 public:
  virtual ~network() = default;

  virtual std::string_view type() const noexcept = 0;

  // Connects to remote's transport port and completes the connection setup.
  virtual boost::asio::awaitable<result<transport>> dial(crypto::public_key remote) = 0;

  // The next incoming transport whose connection setup succeeded. Failed incoming connections
  // are dropped (and logged) without disturbing the listener. errc::network_closed after close().
  virtual boost::asio::awaitable<result<transport>> accept() = 0;

  // Stops listening, aborts handshakes in progress and wakes a waiting accept(). Idempotent.
  // Transports already returned are not affected.
  virtual void close() = 0;

  // close(), then waits for the network's background work to end (e.g. stcpr's and sudph's
  // unbind at the address resolver, bounded by their own timeouts). What an orderly stop calls.
  virtual boost::asio::awaitable<void> shutdown() {
    close();
    co_return;
  }
};

// The skywire transport port every visor accepts transports on (§0.3 TransportPort).
inline constexpr std::uint16_t transport_port = 45;

}  // namespace skywire::transport
