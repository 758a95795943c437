// Fuzz target: bytes a net/rpc client sends, fed to rpc::server::serve() (rpc/server.hpp)
// through an in-memory stream: gob messages, Request headers, argument values, lookups of
// known and unknown "Service.Method" names, handler dispatch and the reply encoder. Byte 0
// picks the read chunk size (1..256), so messages also arrive split at every boundary; the
// rest is the stream. Replies go to a sink. serve() must end (input exhausted or refused)
// without crashing, and every byte it reports as written must be a well-formed gob stream
// of Response headers and bodies.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/rpc/rpc.hpp"
#include "skywire/wire/gob/decoder.hpp"

using namespace skywire;
namespace asio = boost::asio;

namespace {

class memory_stream final : public net::stream {
 public:
  memory_stream(byte_view in, std::size_t chunk) : in_(in), chunk_(chunk) {}
  asio::awaitable<result<std::size_t>> read_some(mutable_byte_view buf) override {
    if (in_.empty() || closed_) co_return net::errc::closed;
    const std::size_t n = std::min({buf.size(), chunk_, in_.size()});
    std::copy(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(n), buf.begin());
    in_ = in_.subspan(n);
    co_return n;
  }
  asio::awaitable<result<void>> write_all(byte_view data) override {
    if (closed_) co_return net::errc::closed;
    out.insert(out.end(), data.begin(), data.end());
    co_return result<void>{};
  }
  void close() noexcept override { closed_ = true; }
  bytes out;

 private:
  byte_view in_;
  std::size_t chunk_;
  bool closed_ = false;
};

rpc::server make_server() {
  rpc::server s;
  // Answers with the argument's kind, a value of a user type, or an error.
  (void)s.handle("pty.Read", [](rpc::gob::value a) -> asio::awaitable<rpc::handler_result> {
    if (a.kind != rpc::gob::value_kind::integer) co_return rpc::fail("gob: int expected");
    bytes b(static_cast<std::size_t>(std::min<std::int64_t>(std::max<std::int64_t>(a.i, 0), 64)), 0x41);
    co_return rpc::ok(rpc::gob::bytes_type(), rpc::gob::make_bytes(b));
  });
  (void)s.handle("pty.Write", [](rpc::gob::value a) -> asio::awaitable<rpc::handler_result> {
    co_return rpc::ok(rpc::gob::int_type(), rpc::gob::make_int(static_cast<std::int64_t>(a.data.size())));
  });
  (void)s.handle("pty.Stop", [](rpc::gob::value) -> asio::awaitable<rpc::handler_result> {
    co_return rpc::ok_empty();
  });
  return s;
}

// A named coroutine: g++ 12 emits a lambda coroutine inside an extern "C" function twice.
asio::awaitable<void> serve_all(const rpc::server& srv, memory_stream& s, bool& finished) {
  auto r = co_await srv.serve(s);
  (void)r;
  finished = true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const rpc::server srv = make_server();
  memory_stream s(byte_view(data + 1, size - 1), std::size_t{data[0]} + 1);
  asio::io_context ctx;
  bool finished = false;
  asio::co_spawn(ctx, serve_all(srv, s, finished), asio::detached);
  ctx.run();
  if (!finished) __builtin_trap();
  // What we wrote must decode: alternating Response header and body values.
  wire::gob::decoder d;
  std::size_t pos = 0;
  bool header = true;
  while (pos < s.out.size()) {
    auto m = d.next_message(byte_view(s.out).subspan(pos));
    if (!m) __builtin_trap();
    pos += m->consumed;
    if (m->v) {
      if (header && !rpc::parse_response(*m->v)) __builtin_trap();
      header = !header;
    }
  }
  if (!header) __builtin_trap();
  return 0;
}
