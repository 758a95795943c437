#pragma once
// dmsg::client: a dmsg client (spec/dmsg.md §5.5, §6.1). It keeps sessions to dmsg servers,
// publishes its client entry, dials streams to other clients and accepts streams on listening
// ports.
//
//   dmsg::client c(ex, {.keys = kp, .discovery_url = "http://127.0.0.1:9090"}, clock, log);
//   c.start();                                     // sessions + entry upkeep in the background
//   co_await c.wait_ready(10s);                    // ≥ 1 session and the entry posted
//   auto l = c.listen(80);                         // result<listener>
//   auto s = co_await c.dial(pk, 80);              // result<std::unique_ptr<dmsg::stream>>
//   co_await c.close();                            // deletes the entry, closes everything
//
// Sessions: up to min_sessions (0 = every server) to servers from available_servers, never two
// to one server; a failed server is skipped for server_backoff; a dead session is dropped and
// replaced (fail-over), and the entry updated. Each session is a Noise XK handshake (client =
// initiator) then a yamux client session on the raw socket; the first yamux frame waits
// limits::first_frame_delay after the handshake (extra-bytes rule).
// Entry: client entry with delegated_servers = the connected servers, posted/put whenever that
// set changes (disc::client::put_entry), deleted on close().
// Dial: target's entry → a shared session or a session to one of its delegated servers →
// yamux stream, ephemeral port, KK initiator, signed request sealed with the session keys,
// response within dial_timeout (silence = failure), verified (signature by the target,
// ReqHash, Accepted) → dmsg::stream.
// Accept: verify the request (signature, DstAddr.PK = us, listener on the port), KK responder,
// signed response, stream queued on the listener. Anything wrong: the stream is closed.
//
// Executor: everything on the executor given at construction (single-threaded). The clock
// must outlive the client. Errors: dmsg::errc, disc::errc, noise/yamux/net errors.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/limits.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/dmsg/stream.hpp"

namespace skywire::dmsg {

struct client_config {
  crypto::key_pair keys;
  std::string discovery_url{};
  std::size_t min_sessions = 1;
  std::chrono::steady_clock::duration dial_timeout = limits::stream_handshake_timeout;
  // How often the upkeep loop retries while short of sessions or with an unpublished entry.
  std::chrono::steady_clock::duration retry_interval = std::chrono::seconds(1);
  // A server whose session failed is not tried again for this long.
  std::chrono::steady_clock::duration server_backoff = std::chrono::seconds(5);
};

class client_state;

class client {
 public:
  client(boost::asio::any_io_executor ex, client_config cfg, const base::clock& clock, base::logger log);
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();  // like close() without deleting the entry

  void start();
  // Completes once there is a session and the entry lists it; net::errc::timeout otherwise.
  boost::asio::awaitable<result<void>> wait_ready(std::chrono::steady_clock::duration timeout);
  // errc::port_occupied when the port is taken.
  result<listener> listen(std::uint16_t port);
  boost::asio::awaitable<result<std::unique_ptr<stream>>> dial(crypto::public_key pk, std::uint16_t port);
  // Deletes the entry (best effort), closes sessions and listeners, stops the background work.
  boost::asio::awaitable<void> close();

  const crypto::public_key& pk() const noexcept;
  std::vector<crypto::public_key> connected_servers() const;

 private:
  std::shared_ptr<client_state> state_;
};

}  // namespace skywire::dmsg
