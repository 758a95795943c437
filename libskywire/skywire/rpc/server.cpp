#include "skywire/rpc/server.hpp"

#include <limits>
#include <memory>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/net/task_group.hpp"
#include "skywire/rpc/errc.hpp"
#include "skywire/wire/gob/encoder.hpp"

namespace skywire::rpc {
namespace {

namespace asio = boost::asio;

// One connection being served: the outgoing gob stream and the calls in flight.
struct connection : std::enable_shared_from_this<connection> {
  connection(asio::any_io_executor e, net::stream& st, std::size_t max_calls)
      : ex(e), s(st), enc(ids), slot(e, asio::steady_timer::time_point::max()),
        writer_idle(e, asio::steady_timer::time_point::max()), calls(e, 2 * max_calls + 1) {
    // Go's order on a fresh connection: Response is the first type the server sends.
    ids.assign(response_type());
  }

  asio::any_io_executor ex;
  net::stream& s;
  gob::type_ids ids;
  gob::encoder enc;
  bytes outq;
  bool writing = false;
  bool dead = false;
  std::size_t running = 0;
  asio::steady_timer slot;  // cancelled whenever a call finishes (wakes a paused reader)
  asio::steady_timer writer_idle;  // cancelled when the writer stops (serve() waits for it)
  // Twice the call limit: a finished call leaves the group one step after its guard ran, so a
  // group sized exactly would refuse the next spawn for a moment.
  net::task_group calls;

  void respond(const request_header& req, handler_result res) {
    if (dead) return;
    bytes body;
    bool body_ok = false;
    if (res.error.empty()) {
      const gob::type_def& t = res.type != nullptr ? *res.type : empty_struct_type();
      const gob::value v = res.type != nullptr ? std::move(res.v) : empty_struct();
      body_ok = static_cast<bool>(enc.encode(t, v, body));
      // A handler whose value does not fit its declared type is a bug on our side; answer
      // with an error rather than desync the stream.
      if (!body_ok) res.error = "rpc: reply does not fit its type";
    }
    if (!body_ok) {
      body.clear();
      const auto e = empty_struct();
      (void)enc.encode(empty_struct_type(), e, body);
    }
    const auto hv = to_value(response_header{req.service_method, req.seq, res.error});
    (void)enc.encode(response_type(), hv, outq);
    outq.insert(outq.end(), body.begin(), body.end());
    if (!writing) {
      // The one writer: not in a task group (a group refuses a spawn for a moment after its
      // last task returned, which would strand this response); serve() waits on writer_idle.
      writing = true;
      asio::co_spawn(ex, write_loop(shared_from_this()), asio::detached);
    }
  }

  asio::awaitable<void> write_loop(std::shared_ptr<connection> /*keep_alive*/) {
    while (!outq.empty() && !dead) {
      bytes out = std::move(outq);
      outq.clear();
      auto w = co_await s.write_all(out);
      if (!w) {
        dead = true;
        s.close();
      }
    }
    writing = false;
    writer_idle.cancel();
  }

  struct call_guard {
    connection& c;
    ~call_guard() {
      --c.running;
      c.slot.cancel();
    }
  };

  asio::awaitable<void> run_call(std::shared_ptr<connection> /*keep_alive*/, const handler* h, request_header req,
                                 gob::value arg) {
    call_guard g{*this};
    auto res_op = (*h)(std::move(arg));
    auto res = co_await std::move(res_op);
    respond(req, std::move(res));
  }
};

}  // namespace

result<void> server::handle(const std::string& service_method, handler h) {
  const auto dot = service_method.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == service_method.size()) return errc::bad_method;
  auto& methods = services_[service_method.substr(0, dot)];
  auto [it, inserted] = methods.emplace(service_method.substr(dot + 1), std::move(h));
  (void)it;
  if (!inserted) return errc::duplicate_method;
  return {};
}

const handler* server::find(const std::string& service_method) const {
  const auto dot = service_method.rfind('.');
  if (dot == std::string::npos) return nullptr;
  auto svc = services_.find(service_method.substr(0, dot));
  if (svc == services_.end()) return nullptr;
  auto m = svc->second.find(service_method.substr(dot + 1));
  return m == svc->second.end() ? nullptr : &m->second;
}

std::string server::lookup_error(const std::string& service_method) const {
  // Go's net/rpc server.readRequestHeader texts, word for word.
  const auto dot = service_method.rfind('.');
  if (dot == std::string::npos) return "rpc: service/method request ill-formed: " + service_method;
  auto svc = services_.find(service_method.substr(0, dot));
  if (svc == services_.end()) return "rpc: can't find service " + service_method;
  if (svc->second.find(service_method.substr(dot + 1)) == svc->second.end())
    return "rpc: can't find method " + service_method;
  return {};
}

asio::awaitable<result<void>> server::serve(net::stream& s) const {
  auto ex = co_await asio::this_coro::executor;
  auto c = std::make_shared<connection>(ex, s, limits_.max_concurrent_calls);
  value_reader reader(s, limits_);
  error_code why;
  // Cancellation of serve() (with_timeout, a task group) surfaces either as an error from the
  // read or as an exception from an await; both end the loop, then the cleanup below runs
  // shielded from cancellation so no call or write outlives the borrowed stream.
  try {
    for (;;) {
      while (c->running >= limits_.max_concurrent_calls) {
        c->slot.expires_at(asio::steady_timer::time_point::max());
        auto async_wait_op = c->slot.async_wait(asio::as_tuple(asio::use_awaitable));
        auto [ec] = co_await std::move(async_wait_op);
        if (ec && ec != asio::error::operation_aborted) break;
        // Our own cancellation (serve() cancelled from outside) also lands here; the next
        // read then fails with operation_aborted and ends the loop.
        if (c->running >= limits_.max_concurrent_calls) {
          auto cs = co_await asio::this_coro::cancellation_state;
          if (cs.cancelled() != asio::cancellation_type::none) break;
        }
      }
      auto hv = co_await reader.next();
      if (!hv) {
        why = hv.error();
        break;
      }
      auto h = parse_request(*hv);
      if (!h) {
        why = h.error();
        break;
      }
      // The argument is read in every case (Go discards it for unknown methods).
      auto arg = co_await reader.next();
      if (!arg) {
        why = arg.error();
        break;
      }
      const handler* fn = find(h->service_method);
      if (fn == nullptr) {
        c->respond(*h, fail(lookup_error(h->service_method)));
        continue;
      }
      ++c->running;
      auto task = c->run_call(c, fn, *h, std::move(*arg));
      if (!c->calls.spawn(std::move(task))) {
        --c->running;
        c->respond(*h, fail("rpc: server busy"));
      }
    }
  } catch (const boost::system::system_error& e) {
    why = e.code();
  }
  auto shield = asio::this_coro::reset_cancellation_state(asio::disable_cancellation());
  co_await std::move(shield);
  c->calls.cancel();
  co_await c->calls.join();
  c->dead = true;
  s.close();
  while (c->writing) {
    c->writer_idle.expires_at(asio::steady_timer::time_point::max());
    auto idle = c->writer_idle.async_wait(asio::as_tuple(asio::use_awaitable));
    (void)co_await std::move(idle);
  }
  co_return why;
}

}  // namespace skywire::rpc
