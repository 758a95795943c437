#include "dmsgpty/host.hpp"

#include <boost/asio/this_coro.hpp>

#include "dmsgpty/protocol.hpp"
#include "dmsgpty/pty_session.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"

namespace skywire::dmsgpty {
namespace {

namespace asio = boost::asio;

asio::awaitable<result<void>> read_exact(net::stream& s, mutable_byte_view out) {
  while (!out.empty()) {
    auto n = co_await s.read_some(out);
    if (!n) co_return n.error();
    out = out.subspan(*n);
  }
  co_return result<void>{};
}

// u8 len ‖ uri.
asio::awaitable<result<std::string>> read_request(net::stream& s) {
  std::uint8_t len = 0;
  auto r_op = read_exact(s, mutable_byte_view(&len, 1));
  auto r = co_await std::move(r_op);
  if (!r) co_return r.error();
  bytes uri(len);
  r = co_await read_exact(s, uri);
  if (!r) co_return r.error();
  co_return std::string(as_chars(uri));
}

}  // namespace

void register_pty_service(rpc::server& srv, pty_session& pty) {
  const std::string svc(rpc_service);
  (void)srv.handle(svc + ".Start", [&pty](gob::value arg) -> asio::awaitable<rpc::handler_result> {
    auto req = parse_command_req(arg);
    if (!req) co_return rpc::fail("gob: CommandReq expected");
    auto err = pty.start(*req);
    if (!err.empty()) co_return rpc::fail(std::move(err));
    co_return rpc::ok_empty();
  });
  (void)srv.handle(svc + ".Read", [&pty](gob::value arg) -> asio::awaitable<rpc::handler_result> {
    if (arg.kind != gob::value_kind::integer) co_return rpc::fail("gob: int expected");
    if (arg.i < 0) co_return rpc::fail("runtime error: makeslice: len out of range");
    // Go allocates whatever is asked; we serve at most max_read per call (a short read is
    // what io.Reader allows anyway).
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(arg.i, max_read));
    auto out = co_await pty.read(n);
    if (!out.ok()) co_return rpc::fail(std::move(out.error));
    co_return rpc::ok(gob::bytes_type(), gob::make_bytes(out.value));
  });
  (void)srv.handle(svc + ".Write", [&pty](gob::value arg) -> asio::awaitable<rpc::handler_result> {
    if (arg.kind != gob::value_kind::byte_string) co_return rpc::fail("gob: []byte expected");
    auto out = co_await pty.write(arg.data);
    if (!out.ok()) co_return rpc::fail(std::move(out.error));
    co_return rpc::ok(gob::int_type(), gob::make_int(out.value));
  });
  (void)srv.handle(svc + ".SetPtySize", [&pty](gob::value arg) -> asio::awaitable<rpc::handler_result> {
    auto w = parse_win_size(arg);
    if (!w) co_return rpc::fail("gob: WinSize expected");
    auto err = pty.set_size(*w);
    if (!err.empty()) co_return rpc::fail(std::move(err));
    co_return rpc::ok_empty();
  });
  (void)srv.handle(svc + ".Stop", [&pty](gob::value) -> asio::awaitable<rpc::handler_result> {
    auto err = co_await pty.stop();
    if (!err.empty()) co_return rpc::fail(std::move(err));
    co_return rpc::ok_empty();
  });
}

struct host::state {
  state(asio::any_io_executor e, host_options o, base::logger l)
      : ex(e), opt(std::move(o)), log(std::move(l)), sessions(e, opt.max_sessions) {}
  asio::any_io_executor ex;
  host_options opt;
  base::logger log;
  net::task_group sessions;
};

namespace {

asio::awaitable<void> serve_one(std::shared_ptr<host::state> st, net::stream& s, crypto::public_key remote) {
  const std::string who = remote.to_hex();
  auto& log = st->log;
  if (st->opt.whitelist.count(remote) == 0) {
    log->warn("rejected {}: public key not in the whitelist", who);
    const std::uint8_t no = reject_byte;
    auto write_all_op = s.write_all(byte_view(&no, 1));
    (void)co_await std::move(write_all_op);
    s.close();
    co_return;
  }
  auto req_op = read_request(s);
  auto req_op2 = net::with_timeout(std::move(req_op), st->opt.request_timeout);
  auto req = co_await std::move(req_op2);
  if (!req) {
    log->info("{}: no request: {}", who, req.error().message());
    s.close();
    co_return;
  }
  if (request_path(*req) != pty_uri) {
    log->warn("{}: unsupported request URI '{}'", who, *req);
    const std::uint8_t no = reject_byte;
    auto write_all_op2 = s.write_all(byte_view(&no, 1));
    (void)co_await std::move(write_all_op2);
    s.close();
    co_return;
  }
  const std::uint8_t yes = accept_byte;
  if (auto w = co_await s.write_all(byte_view(&yes, 1)); !w) {
    s.close();
    co_return;
  }
  log->info("{}: pty session opened", who);
  pty_session pty(st->ex);
  rpc::server srv;
  register_pty_service(srv, pty);
  auto end = co_await srv.serve(s);
  if (pty.running()) (void)co_await pty.stop();
  log->info("{}: pty session closed ({})", who, end ? "ok" : end.error().message());
}

asio::awaitable<void> serve_owned(std::shared_ptr<host::state> st, std::unique_ptr<dmsg::stream> s) {
  const auto pk = s->remote_addr().pk;
  co_await serve_one(st, *s, pk);
}

}  // namespace

host::host(asio::any_io_executor ex, host_options opt, base::logger log)
    : state_(std::make_shared<state>(std::move(ex), std::move(opt), std::move(log))) {
  if (state_->opt.whitelist.empty()) {
    state_->log->warn("dmsgpty whitelist is empty: every connection will be rejected (add keys with --wl)");
  }
}

host::~host() { state_->sessions.cancel(); }

std::size_t host::active() const noexcept { return state_->sessions.size(); }

asio::awaitable<void> host::serve_stream(net::stream& s, crypto::public_key remote) {
  co_await serve_one(state_, s, remote);
}

asio::awaitable<void> host::shutdown() {
  state_->sessions.cancel();
  co_await state_->sessions.join();
}

asio::awaitable<void> host::serve(dmsg::listener& l) {
  auto st = state_;
  for (;;) {
    auto s = co_await l.accept();
    if (!s) {
      st->log->debug("listener closed: {}", s.error().message());
      co_return;
    }
    const std::string who = (*s)->remote_addr().pk.to_hex();
    auto task = serve_owned(st, std::move(*s));
    if (auto r = st->sessions.spawn(std::move(task)); !r) {
      // The task (and the stream it owns) is destroyed unstarted: the stream closes.
      st->log->warn("not serving {}: {}", who, r.error().message());
    }
  }
}

}  // namespace skywire::dmsgpty
