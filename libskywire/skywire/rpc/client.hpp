#pragma once
// rpc::client: the calling side of Go's net/rpc with the gob codec (spec/skywire.md A.1) over
// any net::stream (TCP, a dmsg stream, ...).
//
//   rpc::client c(ex, std::move(stream));
//   auto r = co_await c.call("pty.Write", gob::bytes_type(), gob::make_bytes(data));
//   if (!r) ...                   // transport/decoding failure: the connection is dead
//   else if (!r->error.empty())   // the server's error string (Go: rpc.ServerError)
//   else use(r->body);            // the reply value, as the generic gob tree
//
// Like Go's rpc.Client: one gob encoder and one decoder per connection (definitions sent once),
// Seq numbers from 0, calls may overlap (a background reader matches replies by Seq, writes are
// queued in call order by a background writer), a reply with an error carries Go's empty struct
// body, which is read and dropped. A reply for a Seq nobody waits for (the caller gave up) is
// read and dropped too.
//
// Errors: errc::shut_down once the connection failed or close() was called (every waiting
// call completes with it, or with the underlying stream/decoder error that killed it);
// errc::bad_header; errc::too_many_calls; wire::errc from encoding a value that does not fit
// its type (the connection stays usable). Cancelling call() (with_timeout) abandons that call
// only.
//
// Executor: everything on the executor given at construction (single-threaded). The client
// owns the stream; destroying the client closes it (background coroutines hold the shared
// state and finish on their own).
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/rpc/codec.hpp"
#include "skywire/rpc/limits.hpp"

namespace skywire::rpc {

struct reply {
  std::string error;  // the server's Response.Error; empty = success
  gob::value body;    // the reply (Go's empty struct when error is set)
};

class client {
 public:
  client(boost::asio::any_io_executor ex, std::unique_ptr<net::stream> s, limits l = {});
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  boost::asio::awaitable<result<reply>> call(std::string service_method, const gob::type_def& arg_type,
                                             gob::value arg);

  // Closes the stream; waiting calls complete with errc::shut_down. Idempotent.
  void close() noexcept;
  bool closed() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace skywire::rpc
