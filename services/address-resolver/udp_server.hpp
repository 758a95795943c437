#pragma once
// The address resolver's UDP side (spec/skywire.md §2.3; Go: skywire-services
// pkg/address-resolver/api/api.go ListenUDP, sudphConnHandshake, bindSUDPH, askToDialUDP): a KCP
// listener on the same host:port as the HTTP listener, one long-lived link per SUDPH visor.
//
//   udp_server udp(ex, db, log, {.host = "", .port = http_port});
//   udp.start();                               // result<port>
//   co_await udp.ask_to_punch(target, requester);   // from GET /resolve/sudph/{target}
//   co_await udp.shutdown();
//
// Per link (each a task; at most max_links at once, further sessions are closed at once):
//   1. the §1.2 handshake as responder (transport/handshake.hpp) within handshake_timeout —
//      any DstAddr port is accepted and DstAddr's pk is not checked (the visor sends the null
//      pk); the visor is Frame2's SrcAddr pk;
//   2. one message, within handshake_timeout: LocalAddresses {"port":"…","addresses":[…]}
//      (parse_local_addresses, as POST /bind/stcpr) → the store binds type "sudph" with
//      remote_addr = the source ip:port this KCP session came from (the NAT mapping);
//   3. a newer link from the same pk replaces (closes) the older one;
//   4. then every message is read: "delBind" deletes the binding and ends the link (the visor
//      sends it as it leaves; KCP has no FIN), anything else ("heartbeat") is ignored. A link silent for idle_timeout (the visor heartbeats every 10 s) is closed —
//      Go keeps dead links for ever. The binding outlives the link (Go: no TTL; only delBind
//      or a network monitor remove it).
// Hole punching: ask_to_punch(target, requester) — when the requester has a sudph binding and
// the target an open link — sends the target {"PK":"<requester>","Addr":"<requester's
// remote_addr>"} (json.Marshal, no newline) as one KCP message. Best effort: queued without
// waiting (a link with a full send queue drops it), failures are logged.
//
// Hostile input: the KCP/UDP bounds are udp_mux's (sessions, backlog, half-open); a link that
// does not complete steps 1–2 in time, sends an undecodable Frame2 or LocalAddresses, is closed.
//
// Executor: everything on `ex`; the store must outlive the server. Not thread-safe.
// Lifetime: destroying the server without shutdown() closes the socket and cancels the link
// tasks; they end on their own (they share the server's state, never the object).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/transport/udp_mux.hpp"

#include "store.hpp"

namespace skywire::svc::address_resolver {

struct udp_server_options {
  std::string host;  // "" = all IPv4 interfaces
  std::uint16_t port = 9093;
  std::size_t max_links = 10000;
  std::chrono::steady_clock::duration handshake_timeout = std::chrono::seconds(10);
  std::chrono::steady_clock::duration idle_timeout = std::chrono::seconds(60);
  transport::udp_mux_config mux{};
};

class udp_server {
 public:
  udp_server(boost::asio::any_io_executor ex, store& db, base::logger log, udp_server_options options);
  ~udp_server();
  udp_server(const udp_server&) = delete;
  udp_server& operator=(const udp_server&) = delete;

  // Where start() binds (the service sets the HTTP listener's host and actual port).
  void set_endpoint(std::string host, std::uint16_t port);
  // Binds the UDP socket and starts accepting links. Returns the bound port.
  result<std::uint16_t> start();
  // Closes the socket and every link, then waits for the link tasks.
  boost::asio::awaitable<void> shutdown();

  boost::asio::awaitable<void> ask_to_punch(crypto::public_key target, crypto::public_key requester);

  std::size_t link_count() const noexcept;
  std::uint16_t port() const;

  struct state;

 private:
  std::shared_ptr<state> st_;  // shared with the link tasks, which may outlive the object briefly
};

}  // namespace skywire::svc::address_resolver
