#pragma once
// dmsgpty host (Go: dmsgpty.Host.ListenAndServe): accepts dmsg streams on port 22 and gives
// whitelisted public keys a pty.
//
//   dmsgpty::host h(ex, {.whitelist = {pk1, pk2}}, log);
//   co_await h.serve(listener);          // until the listener closes
//   co_await h.serve_stream(stream, pk); // one connection (any net::stream; used by serve)
//
// Per stream, as Go: a remote pk outside the whitelist gets the reject byte at once (its
// request is not read) and the stream is closed; an empty whitelist rejects everybody (the
// host logs that at start). Otherwise the request `u8 len ‖ URI` is read (within
// request_timeout); "dmsgpty/pty" is accepted (byte 0) and the stream then serves the
// "pty" net/rpc service on a fresh pty_session, anything else gets the reject byte. When the
// stream ends, the pty is stopped and its command reaped.
//
// Bounds: max_sessions streams at once (more are closed unanswered); requests read with a
// deadline. Lifetime: sessions run in a task group owned by shared state, so destroying the
// host (or shutdown()) cancels them safely; each then stops its pty. Executor: the one given;
// single-threaded.
#include <chrono>
#include <cstddef>
#include <memory>
#include <set>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/log.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/dmsg/listener.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/rpc/server.hpp"

namespace skywire::dmsgpty {

class pty_session;

struct host_options {
  std::set<crypto::public_key> whitelist;
  std::size_t max_sessions = 32;
  std::chrono::steady_clock::duration request_timeout = std::chrono::seconds(30);
};

// The "pty" service bound to one session (exposed for tests and the fuzzer).
void register_pty_service(rpc::server& srv, pty_session& pty);

class host {
 public:
  host(boost::asio::any_io_executor ex, host_options opt, base::logger log);
  host(const host&) = delete;
  host& operator=(const host&) = delete;
  ~host();

  // Accepts until the listener closes; each stream is served in the background.
  boost::asio::awaitable<void> serve(dmsg::listener& l);
  // One connection, to its end (the caller owns the stream).
  boost::asio::awaitable<void> serve_stream(net::stream& s, crypto::public_key remote);
  // Cancels the background sessions and waits for them (their ptys are stopped).
  boost::asio::awaitable<void> shutdown();

  std::size_t active() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace skywire::dmsgpty
