#pragma once
// transport::manager: owns every transport of a visor (spec/skywire.md §1.6–1.8; Go:
// pkg/transport/manager.go, managed_transport.go, log.go).
//
//   transport::manager m(ex, {.keys = kp, .log_dir = "local/transport_logs"}, clock, log);
//   m.set_registry(tpd);                          // the transport discovery (may stay unset)
//   m.set_packet_handler([](const transport_info& tp, const wire::routing::packet_view& p) { … });
//   m.add_network(std::move(stcpr));              // starts accepting that type
//   m.start();                                    // persistent transports, log flushes, purges
//   auto s = co_await m.save_transport(pk, "stcpr", wire::transport::label_user);
//   co_await m.write_packet(s->id, packet_bytes); // one whole routing packet (§3.1)
//   co_await m.remove_transport(s->id);           // closes it; deleted from the TPD in the background
//   co_await m.close();
//
// One managed transport per transport ID (= sorted edges + type, so one per peer and type).
//   * save_transport dials through the type's network unless a transport with that ID is up,
//     settles as initiator (settlement.hpp) and adopts it with the given label. Concurrent
//     saves of one ID share one dial (the first caller's label wins).
//   * incoming transports of every network are settled as responder (the registry's register
//     call is made for them and awaited before the settlement's OK, as the Go responder does, so
//     a dialler's new transport is already in the discovery; its outcome never fails the
//     handshake)
//     and adopted with label "user", or keep the label of an existing transport with that ID.
//   * duplicates (§1.7): a second connection for an ID that settles while one is up. Go's rule
//     (the side whose pk sorts first keeps the old one, the other side the new one) depends on
//     the order in which each side settled its two connections, so with both sides dialling at
//     once it can close both. Ours decides the same way on both sides: when the current
//     connection was adopted less than duplicate_window ago (the two dials raced), keep the
//     connection dialled by the pk that sorts first (if one side dialled both: the newer);
//     when it is older, the peer evidently lost it and dialled again: adopt the new one. Either
//     way the transport (ID, label, counters) stays; only its connection changes, and the loser
//     is closed without deleting anything from the registry. A Go peer still applies Go's rule,
//     so a race with a Go visor can end with both connections closed; the next dial (persistent
//     transports, route setup) recovers, as it does between two Go visors.
//   * a failed dial, handshake or settlement is a value returned to the caller (or logged, for
//     incoming); the accept loops keep accepting.
//   * every transport has a read loop (managed_transport.hpp): it splits the stream into
//     routing packets (7-byte header, then payload_size ≤ 65535 bytes; a buffer of at most one
//     maximal packet), counts payload bytes received, and hands each packet to the packet
//     handler (no handler: dropped). Packets of unknown type are counted and dropped, as Go's
//     router does; every header is otherwise valid (payload_size is a u16). Any read or write
//     error closes the transport. A closed transport is removed at once and deleted from the
//     registry in the background (registry_delete_tries tries, registry_backoff doubling; the
//     registry maps a 404 to success; a transport with that ID adopted meanwhile stops it).
//   * back-pressure on reads: the packet handler must not wait, so a handler that cannot pass
//     packets on as fast as they come (the router's forward queue to a slower next hop, an app
//     that reads slowly) calls pause_reading(id): that transport's read loop stops after the
//     packet being handled until resume_reading(id) (or the transport closes). The TCP/KCP
//     windows then slow the sender down, as Go's blocking router does, and nothing is dropped.
//   * writes: one queue per transport, bounded by max_send_queue bytes, drained by one writer
//     that coalesces everything queued into one stream write; write_packet waits while the
//     queue is full (back-pressure) and keeps call order.
//   * persistent transports (set_persistent) are dialled at start() (and when the list is set
//     after start) and re-dialled every persistent_interval while down, each try bounded by
//     dial_timeout (Go: 10 s and 3 s).
//   * bandwidth log: payload bytes sent/received per transport, flushed every log_flush_interval
//     (when changed) to <log_dir>/<YYYY-MM-DD>.csv (UTC day), header `tp_id,recv,sent,time_stamp`,
//     one line per transport with the day's totals; files older than log_rotation are deleted
//     (at start() and at each new UTC day). Empty log_dir: counts are kept in memory only.
//     Format and bounds: bandwidth_log.hpp.
//
// Bounds: max_transports transports (plus dials in flight), max_pending_settlements incoming
// settlements at once; an incoming connection beyond either is closed before settlement (so
// nothing is registered for it). max_send_queue bytes queued per transport, one packet buffer
// (≤ 7 + 65535 bytes + 8 KiB) per transport.
//
// Liveness: the wire has no transport keepalive (§1.7): a cut is noticed by the carrier
// (TCP keepalive + TCP_USER_TIMEOUT for stcp/stcpr, KCP dead-link detection for sudph, the dmsg
// session's keepalive for dmsg), which fails the read loop.
//
// Executor: everything on `ex` (single-threaded); call every member from it. The clock must
// outlive the manager. close() closes every network and transport, awaits the networks' shutdown() (their unbinds) and the loops.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/bytes.hpp"
#include "skywire/base/clock.hpp"
#include "skywire/base/log.hpp"
#include "skywire/base/result.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/transport/transport.hpp"
#include "skywire/wire/routing/packet.hpp"
#include "skywire/wire/transport/entry.hpp"

namespace skywire::transport {

// What the manager needs of the transport discovery (the visor adapts disc::tpd_client).
class registry {
 public:
  virtual ~registry() = default;
  // POST /transports/ with this one entry.
  virtual boost::asio::awaitable<result<void>> register_entry(wire::transport::signed_entry e) = 0;
  // DELETE /transports/id:<id>; a 404 is success.
  virtual boost::asio::awaitable<result<void>> delete_entry(wire::transport::uuid id) = 0;
};

struct persistent_transport {
  crypto::public_key pk;
  std::string type;
  friend bool operator==(const persistent_transport&, const persistent_transport&) = default;
};

// A snapshot of one managed transport (what `skywire cli tp ls` shows).
struct transport_info {
  wire::transport::uuid id;
  std::string type;
  crypto::public_key local_pk;
  crypto::public_key remote_pk;
  std::string label;
  bool initiator = false;
  base::clock::wall_time since{};  // when it was adopted
  std::uint64_t bytes_sent = 0;     // payload bytes since it was adopted
  std::uint64_t bytes_received = 0;
};

struct manager_config {
  crypto::key_pair keys;
  std::string log_dir{};  // <local_path>/transport_logs; "" = memory only
  std::chrono::hours log_rotation{168};
  std::chrono::steady_clock::duration log_flush_interval = std::chrono::seconds(3);
  std::chrono::steady_clock::duration persistent_interval = std::chrono::seconds(10);
  std::chrono::steady_clock::duration dial_timeout = std::chrono::seconds(30);
  std::chrono::steady_clock::duration settlement_timeout = std::chrono::seconds(20);
  std::size_t max_transports = 4096;  // beyond this, new transports are refused
  std::size_t max_pending_settlements = 64;  // incoming settlements in progress at once
  std::size_t max_send_queue = 256 * 1024;   // bytes queued per transport before writers wait
  // Two connections of one ID adopted within this window raced (see duplicates above).
  std::chrono::steady_clock::duration duplicate_window = std::chrono::seconds(10);
  // Registry calls: each bounded by registry_timeout; deletions tried registry_delete_tries
  // times with registry_backoff doubling between tries (Go: 5 tries from 1 s).
  std::chrono::steady_clock::duration registry_timeout = std::chrono::seconds(10);
  int registry_delete_tries = 5;
  std::chrono::steady_clock::duration registry_backoff = std::chrono::seconds(1);
  std::chrono::steady_clock::duration close_timeout = std::chrono::seconds(2);  // close()'s deletions
};

// Called for every routing packet read from a transport, on the manager's executor. It must
// not block; the packet's payload view is valid only during the call.
using packet_handler = std::function<void(const transport_info& from, const wire::routing::packet_view& p)>;

class manager_state;

class manager {
 public:
  manager(boost::asio::any_io_executor ex, manager_config cfg, const base::clock& clock, base::logger log);
  manager(const manager&) = delete;
  manager& operator=(const manager&) = delete;
  ~manager();  // like close(), without waiting

  void set_registry(std::shared_ptr<registry> r);
  void set_packet_handler(packet_handler h);
  // Takes the network and starts its accept loop. One network per type.
  void add_network(std::unique_ptr<network> n);
  void start();

  // The types of the networks added, in the order they were added.
  std::vector<std::string> types() const;

  // The transport to pk of that type: the existing one, or a new one dialled and settled.
  // Errors: errc::unknown_type (no such network), the network's dial errors, settlement errors,
  // net::errc::timeout after dial_timeout, errc::too_many_transports, errc::self_transport,
  // errc::manager_closed. `label` is copied before this returns.
  boost::asio::awaitable<result<transport_info>> save_transport(crypto::public_key remote, std::string type,
                                                                std::string_view label);
  // Closes it (the peer's read fails) and deletes it from the registry in the background
  // (retried as for any closed transport). errc::transport_not_found for an unknown id.
  boost::asio::awaitable<result<void>> remove_transport(wire::transport::uuid id);

  // Queues one encoded routing packet (header + exactly payload_size bytes) on the transport,
  // counting its payload bytes. Returns once the packet is queued (waiting while the queue is
  // full); writes on one transport reach the wire in call order. Errors: bad_packet,
  // transport_not_found, and once the carrier failed (which closes the transport) that error.
  // `packet` must stay valid until the returned awaitable completes.
  boost::asio::awaitable<result<void>> write_packet(wire::transport::uuid id, byte_view packet);

  // Back-pressure (see above). Unknown ids are ignored; resuming a transport that is not paused
  // does nothing.
  void pause_reading(const wire::transport::uuid& id);
  void resume_reading(const wire::transport::uuid& id);

  std::vector<transport_info> transports() const;
  std::optional<transport_info> find(wire::transport::uuid id) const;

  void set_persistent(std::vector<persistent_transport> list);
  std::vector<persistent_transport> persistent() const;

  // Stops accepting, closes every transport and deletes each from the registry (best effort,
  // bounded by close_timeout in all), flushes the bandwidth log, and waits for the manager's
  // loops. Later calls fail with errc::manager_closed. Idempotent.
  boost::asio::awaitable<void> close();

 private:
  std::shared_ptr<manager_state> state_;
};

}  // namespace skywire::transport
