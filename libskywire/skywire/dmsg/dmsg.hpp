#pragma once
// skywire::dmsg — the dmsg session and stream layer (spec/dmsg.md §3.2, §4, §5, §6).
//
//   errc.hpp               error codes (Go's numbers), category "skywire.dmsg"
//   limits.hpp             timeouts and bounds
//   session_handshake.hpp  XK session handshake over TCP + extra-bytes rule
//   object_io.hpp          session-object frames over yamux streams
//   request_check.hpp      sans-I/O server request checks + replay guard (fuzzed)
//   ports.hpp              local port table and leases
//   stream.hpp             dmsg::stream (net::stream) with end-to-end Noise frames
//   listener.hpp           listener (backlog 20)
//   client.hpp             dmsg::client: sessions, entry, dial, listen
//   server.hpp             dmsg::server: sessions, relay, splice, entry
//   dialer.hpp             net::stream_dialer over a dmsg client (dmsg://pk:port)
//   address.hpp            host:port parsing, bounded TCP connect
//   yamux/                 the session multiplexer
#include "skywire/dmsg/client.hpp"
#include "skywire/dmsg/dialer.hpp"
#include "skywire/dmsg/errc.hpp"
#include "skywire/dmsg/limits.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/dmsg/server.hpp"
#include "skywire/dmsg/stream.hpp"
