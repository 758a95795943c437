#pragma once
// Times and bounds of the router module, with where each comes from. The times are Go's
// (pkg/router/{router.go,route_group.go}, spec/skywire.md §3.5–3.7); the bounds are ours: Go
// has none (its route group's 1024-packet channel blocks the whole router when an app stops
// reading), and every byte from the network is hostile.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "skywire/noise/limits.hpp"
#include "skywire/wire/routing/packet.hpp"

namespace skywire::router::limits {

// --- Go's times -------------------------------------------------------------------------------
// Each side waits this long for the peer's first Handshake/Data packet (handshakeAwaitTimeout).
inline constexpr std::chrono::seconds handshake_wait{2};
// The end-to-end Noise KK handshake of an encrypted route group (as the transports', §1.3).
inline constexpr std::chrono::seconds noise_timeout{5};
// KeepAlive when nothing was sent for this long (DefaultRouteKeepAlive / 2).
inline constexpr std::chrono::seconds keep_alive_interval{15};
// Ping with the throughput measured since the previous one (defaultPingInterval).
inline constexpr std::chrono::seconds ping_interval{3};
// The closing side waits this long for the peer's Close (closeRoutineTimeout).
inline constexpr std::chrono::seconds close_wait{2};
// What a dialler asks the setup node to put into the route's rules (DefaultRouteKeepAlive).
inline constexpr std::chrono::seconds route_keep_alive{30};
// Route finder: MaxHops of DialRoutes; PingRoute's MinHops 0 / MaxHops 2.
inline constexpr std::uint16_t max_hops = 50;
inline constexpr std::uint16_t ping_max_hops = 2;

// --- message sizes (§3.5, §3.8) ---------------------------------------------------------------
// An encrypted route group carries one Noise frame per Data packet: 4070 plaintext bytes.
inline constexpr std::size_t max_encrypted_message = noise::limits::max_data_plaintext;
// An unencrypted one puts each write into one Data packet.
inline constexpr std::size_t max_plain_message = wire::routing::max_payload_size;

// --- our bounds -------------------------------------------------------------------------------
// Received messages a route group holds for a reader that is behind. Beyond either bound new
// messages are dropped and counted (see route_group.hpp: the protocol has no flow control, so
// the choice is dropping or blocking every route of the visor, which Go does).
inline constexpr std::size_t max_buffered_bytes = 1024 * 1024;
inline constexpr std::size_t max_buffered_messages = 4096;
// Packets a route group has sealed but not yet handed to the transport manager: writers wait
// above this (back-pressure), service packets (Pong, KeepAlive, Ping) are skipped.
inline constexpr std::size_t max_output_bytes = 256 * 1024;
// An Error packet's text is kept up to this many bytes (Go's texts are one short line).
inline constexpr std::size_t max_error_text = 1024;
// Forwarded packets queued per next transport while the manager's own queue is full; beyond
// it forwarded packets are dropped and counted (the read loop of the incoming transport never
// waits).
inline constexpr std::size_t max_forward_queue_bytes = 1024 * 1024;
// Route groups open or being set up at once (each holds two rules, two small coroutines and its
// buffers).
inline constexpr std::size_t max_route_groups = 4096;
// Established route groups waiting in one listener's accept().
inline constexpr std::size_t listen_backlog = 64;
// Pings whose Pong is awaited (a Pong echoes its Ping's timestamp; older ones are forgotten).
inline constexpr std::size_t max_outstanding_pings = 4;
// Drop messages logged per second at most (the rest are counted and summarised).
inline constexpr std::size_t drop_logs_per_second = 10;

}  // namespace skywire::router::limits
