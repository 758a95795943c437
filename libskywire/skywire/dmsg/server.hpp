#pragma once
// dmsg::server: a dmsg relay server (spec/dmsg.md §5.5 steps 3 and 5, §6.2).
//
//   dmsg::server s(ex, {.keys = kp, .listen_host = "127.0.0.1", .discovery_url = url}, clock, log);
//   auto port = s.start();             // result<uint16_t>: binds, serves, posts its entry
//   ...
//   co_await s.stop();                 // closes the listener and every session
//
// Sessions: TCP accept → Noise XK responder (5 s) → extra-bytes check → yamux server session.
// One session per client pk (a newer session replaces and closes the older one). Connections
// beyond max_sessions in total or max_sessions_per_ip from one IP are closed at once (Go leaves
// them hanging; closing is cheaper and equally refuses them).
// Streams: each stream the client opens carries one request object (window-mode opener of that
// session); it is checked (request_check.hpp: signature by SrcAddr.PK, SrcAddr.PK = session
// peer, replay guard), a stream is opened on DstAddr.PK's session and the same SignedObject
// bytes are sent sealed with that session's keys; the response must come back within 20 s,
// quote the request hash and be signed by DstAddr.PK; it is forwarded to the dialer and the
// two yamux streams are spliced (bounded buffers; both closed when either side ends). Any
// failure: both streams are closed without an answer (the dialer's deadline handles it).
// Entry: a server entry {public_address, availableSessions = max_sessions − sessions} is put at
// start (retried every retry_interval until it succeeds), on session changes (at most once per
// retry_interval) and every update_interval. No discovery_url: no entry.
//
// Executor: everything on the executor given at construction; the clock must outlive it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/limits.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"

namespace skywire::dmsg {

struct server_config {
  crypto::key_pair keys;
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 0;
  std::string public_address{};  // advertised "host:port"; empty = listen_host:bound port
  std::string discovery_url{};  // empty = no entry upkeep
  std::size_t max_sessions = limits::default_max_sessions;
  std::size_t max_sessions_per_ip = limits::default_sessions_per_ip;
  std::chrono::steady_clock::duration update_interval = std::chrono::minutes(1);
  std::chrono::steady_clock::duration retry_interval = std::chrono::seconds(1);
  // Sent as the entry's serverType (Go vendored --auth): a discovery that knows this passphrase
  // lists the server as "official". Empty = omitted. It travels in clear text, as in Go.
  std::string server_type{};
  // yamux settings of client sessions. The keepalive (ping every 30 s, answer within 10 s, as
  // Go's yamux) is what drops a client that vanished without closing its TCP connection.
  yamux::config session{};
};

class server_state;

class server {
 public:
  server(boost::asio::any_io_executor ex, server_config cfg, const base::clock& clock, base::logger log);
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();  // closes everything (without awaiting)

  result<std::uint16_t> start();
  boost::asio::awaitable<void> stop();

  std::size_t session_count() const noexcept;
  bool has_session(const crypto::public_key& client) const;
  // Whether the last entry update succeeded.
  bool entry_published() const noexcept;

 private:
  std::shared_ptr<server_state> state_;
};

}  // namespace skywire::dmsg
