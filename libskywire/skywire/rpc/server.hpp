#pragma once
// rpc::server: the serving side of Go's net/rpc with the gob codec (spec/skywire.md A.1).
//
//   rpc::server srv;
//   srv.handle("pty.Write", [&](gob::value arg) -> asio::awaitable<rpc::handler_result> {
//     ...; co_return rpc::ok(gob::int_type(), gob::make_int(n));   // or rpc::fail("text")
//   });
//   co_await srv.serve(stream);   // one connection, until it closes or turns hostile
//
// A server is a table of handlers keyed "Service.Method"; serve() runs one connection with
// its own gob encoder/decoder pair. Requests are read in order and each call runs as its own
// coroutine (Go runs a goroutine per call), so a blocking method (a pty Read) does not stall the
// others; at most limits::max_concurrent_calls run at once, then reading pauses. Replies are
// written in completion order, each as Response header + body.
//
// Go's exact behaviour is kept where a peer can see it:
//   "Svc.Method" unknown service  -> Error "rpc: can't find service Svc.Method"
//   known service, unknown method -> Error "rpc: can't find method Svc.Method"
//   no dot                        -> Error "rpc: service/method request ill-formed: X"
//   handler error                 -> Error = its text; in every error case the body is Go's
//                                    empty struct, and the argument is read and dropped.
// A header that is not a Request struct, or any gob decoding error, ends the connection (Go's
// codec also stops there). Argument validation is the handler's job: it gets the generic gob
// tree and answers fail("...") when it does not fit.
//
// Ownership: the handler table must outlive serve(). serve() borrows the stream, closes it when
// it returns, and cancels still-running handlers (they see operation_aborted) and waits for
// them first. Executor: the caller's (single-threaded). Errors: serve() returns why the
// connection ended (net::errc::closed for a clean EOF, wire::errc, errc::bad_header).
#include <functional>
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "skywire/base/result.hpp"
#include "skywire/net/stream.hpp"
#include "skywire/rpc/codec.hpp"
#include "skywire/rpc/limits.hpp"

namespace skywire::rpc {

struct handler_result {
  std::string error;            // non-empty: sent as Response.Error, body = empty struct
  const gob::type_def* type = nullptr;  // reply type (nullptr = Go's struct{})
  gob::value v;
};

inline handler_result ok(const gob::type_def& t, gob::value v) { return {{}, &t, std::move(v)}; }
inline handler_result ok_empty() { return {{}, nullptr, {}}; }
inline handler_result fail(std::string text) { return {std::move(text), nullptr, {}}; }

using handler = std::function<boost::asio::awaitable<handler_result>(gob::value arg)>;

class server {
 public:
  explicit server(limits l = {}) : limits_(l) {}

  // errc::bad_method unless the name is "Service.Method" (split at the last dot, both parts
  // non-empty); errc::duplicate_method if taken.
  result<void> handle(const std::string& service_method, handler h);

  boost::asio::awaitable<result<void>> serve(net::stream& s) const;

  // What Go's server answers for this name when nothing handles it, or "" if a handler exists.
  std::string lookup_error(const std::string& service_method) const;
  const handler* find(const std::string& service_method) const;

 private:
  limits limits_;
  std::map<std::string, std::map<std::string, handler>> services_;
};

}  // namespace skywire::rpc
