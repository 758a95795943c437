#pragma once
// The two halves every handshaking transport type runs on a fresh carrier stream (TCP for
// stcp/stcpr, a KCP session for sudph): the raw §1.2 handshake, then Noise KK (§1.3), then the
// transport record. Internal to the transport module; sudph uses it (stcp/stcpr inline the same
// steps and can move onto it).
//
// Both close the carrier on failure. Errors: those of respond_handshake / initiate_handshake
// (handshake.hpp) and noise_kk (encrypted_stream.hpp).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/random.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/transport/handshake.hpp"
#include "skywire/transport/transport.hpp"

namespace skywire::transport::detail {

struct secure_timeouts {
  std::chrono::steady_clock::duration handshake;
  std::chrono::steady_clock::duration noise;
};

// Dialer: Frame2 SrcAddr {keys.pk, local_port}, DstAddr {remote, remote_port}; Noise initiator.
boost::asio::awaitable<result<transport>> secure_outgoing(std::unique_ptr<net::stream> carrier,
                                                          const crypto::key_pair& keys, std::uint16_t local_port,
                                                          crypto::public_key remote, std::uint16_t remote_port,
                                                          std::string_view type, base::random_source& rng,
                                                          secure_timeouts timeouts);

// Acceptor: responder handshake (port check by is_listening), Noise responder with the pk
// Frame2 declared.
boost::asio::awaitable<result<transport>> secure_incoming(std::unique_ptr<net::stream> carrier,
                                                          const crypto::key_pair& keys,
                                                          const port_predicate& is_listening,
                                                          std::string_view type, base::random_source& rng,
                                                          secure_timeouts timeouts);

}  // namespace skywire::transport::detail
