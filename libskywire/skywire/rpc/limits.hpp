#pragma once
// Limits of one net/rpc connection (client.hpp, server.hpp). Everything a peer can make us hold
// is bounded here or by the gob decoder limits (wire/gob/limits.hpp).
#include <cstddef>
#include <cstdint>
#include <limits>

#include "skywire/wire/gob/limits.hpp"

namespace skywire::rpc {

struct limits {
  // The decoder of the incoming direction. Per message and per definition table as gob's
  // defaults; the lifetime total is lifted because an RPC connection may live for days (a pty
  // session, a visor's control stream) and memory is bounded per message, not per lifetime.
  wire::gob::limits gob = [] {
    wire::gob::limits l;
    l.max_total_input = std::numeric_limits<std::uint64_t>::max();
    return l;
  }();

  // Server: calls handled at once on one connection (Go runs each call in its own goroutine;
  // blocking methods such as a pty Read must not stall the others). Beyond this the server
  // stops reading requests until a call finishes (back-pressure, nothing is dropped).
  std::size_t max_concurrent_calls = 64;

  // Client: calls waiting for their reply at once; call() fails with errc::too_many_calls above.
  std::size_t max_pending = 1024;

  // Bytes read from the stream per read_some (the buffer grows to one whole message, at most
  // gob.max_message_size plus this).
  std::size_t read_chunk = 16 * 1024;
};

}  // namespace skywire::rpc
