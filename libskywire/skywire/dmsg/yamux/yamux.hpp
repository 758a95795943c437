#pragma once
// dmsg/yamux: hashicorp/yamux v0.1.1 (DefaultConfig) session multiplexing, which dmsg runs in
// plaintext on the TCP socket right after the Noise XK handshake (spec/dmsg.md §4). The dmsg
// client is the yamux client (odd stream ids), the dmsg server the yamux server (even ids).
//
//   limits.hpp        every bound and timing, with the per-session memory bound
//   errc.hpp          error codes, category "skywire.yamux"
//   header.hpp        12-byte frame header codec (version 0, types Data/WindowUpdate/Ping/
//                     GoAway, flags SYN/ACK/FIN/RST)
//   session_core.hpp  sans-I/O state machine: receive(bytes, now) → events + output bytes;
//                     open/accept/write/read/consume/close/reset/release; on_timer(now) and
//                     next_deadline(); bounded output queue (pending_output/consume_output)
//   session.hpp       basic_session<AsyncStream> / session (tcp::socket): reader, writer and
//                     timer coroutines on one executor; co_await open()/accept()
//   stream.hpp        stream handle: co_await read_some()/write(), close() (FIN), reset() (RST)
//
// Behaviour (Go's): opening sends WindowUpdate(SYN, 0) and does not wait; the acceptor's
// WindowUpdate(ACK) must arrive within 75 s or the session closes. Backlog 256, beyond → RST.
// 256 KiB window per stream and direction; credit returned once ≥ 128 KiB can be granted;
// data beyond the window → GoAway(1) and close. Keepalive Ping every 30 s, 10 s to answer.
// FIN half-closes; an unanswered FIN is turned into RST after 5 min. Each socket write must
// finish within 10 s. close() sends GoAway(0). Protocol errors (bad version/type, window
// exceeded, duplicate SYN, bad id) send GoAway(1) and kill the session.
//
// Errors are values (result<T>); nothing throws. All bounds are in limits.hpp.
#include "skywire/dmsg/yamux/errc.hpp"
#include "skywire/dmsg/yamux/header.hpp"
#include "skywire/dmsg/yamux/limits.hpp"
#include "skywire/dmsg/yamux/session.hpp"
#include "skywire/dmsg/yamux/session_core.hpp"
#include "skywire/dmsg/yamux/stream.hpp"
