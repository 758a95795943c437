#pragma once
// Bounds of the setup protocol (spec/skywire.md §4.2), with their reasons. Everything a setup
// node or a requesting visor can make us hold or wait for is bounded here, by routing's
// max_path_hops, or by the gob decoder limits of rpc::limits.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "skywire/routing/route.hpp"

namespace skywire::setup {

// Dmsg ports (Go skyenv: DmsgSetupPort, DmsgAwaitSetupPort).
inline constexpr std::uint16_t setup_node_port = 36;
inline constexpr std::uint16_t visor_setup_port = 136;

// Go's SetupRPCGateway closes the request's stream after 30 s (our node too).
inline constexpr std::chrono::seconds request_timeout{30};

// A visor's deadline for one port-136 stream (Go's visor has none). A setup node's whole
// conversation with one visor fits in its request's 30 s, plus the rollback it may send after
// that deadline (node_options::rollback_timeout, 5 s): 10 s of slack keeps the stream open for it.
inline constexpr std::chrono::seconds visor_stream_timeout{40};

// ReserveIDs takes a uint8 count, so no visor reserves more than this for one request.
inline constexpr std::size_t max_reserve = 255;

// Rules in one AddIntermediaryRules / ids in one RemoveRules. A visor is visited at most once
// per path, so one request gives it at most 2 intermediary rules (forward route's first); a
// loop route still at most 2. Go sends exactly that; the slack covers nothing real and costs
// nothing: each rule also needs an id reserved on the same stream.
inline constexpr std::size_t max_rules_per_call = 2 * routing::max_path_hops;

// Hops in one path of a BidirectionalRoute, checked while decoding (before routing::check).
inline constexpr std::size_t max_hops = routing::max_path_hops;

}  // namespace skywire::setup
