#pragma once
// The settlement handshake (spec/skywire.md §1.6), run over an established transport right
// after dial/accept, before any routing packet.
//
//   initiator: Entry(local, remote, type, label "user"), own slot signed, sent as the
//              json.Encoder line (JSON + "\n" in ONE write, i.e. one Noise frame); then reads
//              exactly one response byte.
//   responder: reads one line (bounded), decodes the SignedEntry, requires a non-null entry
//              whose t_id, edges and type equal its own expectation (label ignored), verifies
//              the initiator's slot over ToBinary, signs its own slot, hands the entry to the
//              injected register callback (the transport-discovery POST; its outcome never
//              affects the handshake), answers 0x01.
//
// Response bytes, exactly as the Go responder sends them: 0x03 for every decode / comparison /
// signature failure (errc::invalid_entry here), 0x02 if it cannot sign (unreachable: our key is
// valid), 0x01 otherwise; never 0x00. The initiator maps 0x00 / 0x02 / 0x03 / other to
// settlement_failed / settlement_signature / settlement_invalid / settlement_bad_byte.
//
// Deadline: the whole exchange (Go: 20 s); net::errc::timeout on expiry. On any error the
// caller drops the transport (a responder keeps accepting others — unlike Go's accept loop,
// §1.7). The register callback is awaited before 0x01 is written, as Go registers before it
// answers: when the initiator has its transport, the transport discovery (and so the route
// finder) has it too. It runs on the caller's executor and bounds its own time (the manager
// gives the POST registry_timeout, half of the settlement's deadline).
#include <chrono>
#include <functional>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/transport/transport.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace skywire::transport {

inline constexpr std::chrono::seconds settlement_timeout{20};

enum class settlement_response : std::uint8_t {
  failure = 0x00,
  ok = 0x01,
  signature_error = 0x02,
  invalid_entry = 0x03,
};

// Initiator side: returns the entry it sent (its own slot signed).
boost::asio::awaitable<result<wire::transport::signed_entry>> settle_as_initiator(
    transport& tp, const crypto::key_pair& local,
    std::chrono::steady_clock::duration timeout = settlement_timeout);

using register_fn = std::function<boost::asio::awaitable<void>(const wire::transport::signed_entry&)>;

// Responder side: returns the entry carrying both signatures (also what `on_register` got).
boost::asio::awaitable<result<wire::transport::signed_entry>> settle_as_responder(
    transport& tp, const crypto::key_pair& local, const register_fn& on_register,
    std::chrono::steady_clock::duration timeout = settlement_timeout);

}  // namespace skywire::transport
