// rpc client <-> rpc server over loopback TCP: calls, overlapping calls, Go's lookup-error
// texts, handler errors, byte-exact first call (spec/skywire.md B.5 (a)), and hostile bytes on
// either side ending the connection with an error instead of a crash.
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "skywire/net/errc.hpp"
#include "skywire/net/tests/run.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/rpc/rpc.hpp"
#include "skywire/wire/errc.hpp"
#include "skywire/wire/gob/encoder.hpp"
#include "skywire/wire/tests/gob_b5_vectors.hpp"
#include "test_streams.hpp"
#include "vectors.hpp"

namespace skywire::rpc {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct arith_types {
  gob::schema s;
  const gob::type_def& args = s.add_struct("Args", {{"A", &gob::int_type()}, {"B", &gob::int_type()}});
};

gob::value args(std::int64_t a, std::int64_t b) {
  return gob::make_struct({{"A", gob::make_int(a)}, {"B", gob::make_int(b)}});
}

std::int64_t field_int(const gob::value& v, const char* name) {
  const gob::value* f = v.field(name);
  return f == nullptr ? 0 : f->i;
}

// Arith.Mul(Args) int, Arith.Div(Args) int with Go-style "divide by zero" error, Gate.Wait
// blocks until Gate.Open is called (proves calls run concurrently).
struct fixture {
  server srv;
  bool open = false;
  std::unique_ptr<asio::steady_timer> gate;

  explicit fixture(asio::any_io_executor ex) : gate(std::make_unique<asio::steady_timer>(ex, asio::steady_timer::time_point::max())) {
    EXPECT_TRUE(srv.handle("Arith.Mul", [](gob::value a) -> asio::awaitable<handler_result> {
      co_return ok(gob::int_type(), gob::make_int(field_int(a, "A") * field_int(a, "B")));
    }));
    EXPECT_TRUE(srv.handle("Arith.Div", [](gob::value a) -> asio::awaitable<handler_result> {
      if (field_int(a, "B") == 0) co_return fail("divide by zero");
      co_return ok(gob::int_type(), gob::make_int(field_int(a, "A") / field_int(a, "B")));
    }));
    EXPECT_TRUE(srv.handle("Gate.Wait", [this](gob::value) -> asio::awaitable<handler_result> {
      while (!open) {
        auto op1 = gate->async_wait(asio::as_tuple(asio::use_awaitable));
        auto [ec] = co_await std::move(op1);
        (void)ec;
      }
      co_return ok(gob::string_type(), gob::make_string("opened"));
    }));
    EXPECT_TRUE(srv.handle("Gate.Open", [this](gob::value) -> asio::awaitable<handler_result> {
      open = true;
      gate->cancel();
      co_return ok_empty();
    }));
  }
};

void run(std::function<asio::awaitable<void>()> body) {
  asio::io_context ctx;
  net::test::run(ctx, body());
}

TEST(Rpc, RegisterRejectsBadNames) {
  server s;
  auto h = [](gob::value) -> asio::awaitable<handler_result> { co_return ok_empty(); };
  EXPECT_EQ(s.handle("NoDot", h).error(), errc::bad_method);
  EXPECT_EQ(s.handle(".M", h).error(), errc::bad_method);
  EXPECT_EQ(s.handle("S.", h).error(), errc::bad_method);
  EXPECT_TRUE(s.handle("S.M", h));
  EXPECT_EQ(s.handle("S.M", h).error(), errc::duplicate_method);
  // Go splits at the last dot.
  EXPECT_TRUE(s.handle("a.b.M", h));
  EXPECT_NE(s.find("a.b.M"), nullptr);
  EXPECT_EQ(s.lookup_error("a.b.X"), "rpc: can't find method a.b.X");
}

TEST(Rpc, CallsErrorsAndUnknownMethods) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    fixture f(ex);
    auto [a, b] = co_await test::tcp_pair();
    arith_types t;
    client c(ex, std::move(a));
    auto body = [&]() -> asio::awaitable<void> {

    auto op2 = c.call("Arith.Mul", t.args, args(6, 7));
    auto r = co_await std::move(op2);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->error, "");
    EXPECT_EQ(r->body.kind, gob::value_kind::integer);
    EXPECT_EQ(r->body.i, 42);

    auto op3 = c.call("Arith.Div", t.args, args(1, 0));
    r = co_await std::move(op3);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->error, "divide by zero");

    auto op4 = c.call("Nope.Mul", t.args, args(1, 2));
    r = co_await std::move(op4);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->error, "rpc: can't find service Nope.Mul");
    auto op5 = c.call("Arith.Pow", t.args, args(1, 2));
    r = co_await std::move(op5);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->error, "rpc: can't find method Arith.Pow");
    auto op6 = c.call("ArithMul", t.args, args(1, 2));
    r = co_await std::move(op6);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->error, "rpc: service/method request ill-formed: ArithMul");

    // The connection survived every error reply.
    auto op7 = c.call("Arith.Div", t.args, args(84, 2));
    r = co_await std::move(op7);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->body.i, 42);

    // A value that does not fit its type is refused locally; the connection stays usable.
    auto op8 = c.call("Arith.Mul", t.args, gob::make_int(3));
    auto bad = co_await std::move(op8);
    EXPECT_FALSE(bad);
    auto op9 = c.call("Arith.Mul", t.args, args(2, 3));
    r = co_await std::move(op9);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->body.i, 6);

    c.close();
    };
    using namespace asio::experimental::awaitable_operators;
    auto served = f.srv.serve(*b);
    auto both = std::move(served) && body();
    auto end = co_await std::move(both);
    EXPECT_FALSE(end);  // the client closed the connection
    auto op10 = c.call("Arith.Mul", t.args, args(1, 1));
    auto after = co_await std::move(op10);
    EXPECT_EQ(after.error(), errc::shut_down);
  });
}

TEST(Rpc, OverlappingCallsAreServedConcurrently) {
  run([]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    fixture f(ex);
    auto [a, b] = co_await test::tcp_pair();
    client c(ex, std::move(a));
    auto served = f.srv.serve(*b);
    auto body = [&]() -> asio::awaitable<void> {
    // Wait is sent first and only returns after Open, which is sent second: a server that
    // handled calls one by one would never answer either (with_timeout turns that into a
    // failure instead of a hang).
    auto wait = c.call("Gate.Wait", empty_struct_type(), empty_struct());
    auto open = c.call("Gate.Open", empty_struct_type(), empty_struct());
    auto both = std::move(wait) && std::move(open);
    auto bounded = net::with_timeout(std::move(both), 20s);
    auto res = co_await std::move(bounded);
    CO_ASSERT(res);
    auto& [w, o] = *res;
    CO_ASSERT(w);
    EXPECT_EQ(w->body.text(), "opened");
    CO_ASSERT(o);
    EXPECT_EQ(o->error, "");
    EXPECT_EQ(o->body.kind, gob::value_kind::structure);
    c.close();
    };
    auto all = std::move(served) && body();
    (void)co_await std::move(all);
  });
}

TEST(Rpc, OverlappingRepliesAtEveryDistanceAllArrive) {
  // Pairs of overlapping calls whose replies are produced k executor turns apart (k = 0..39):
  // every reply must reach its caller, whether the writer is busy, just finished or idle.
  run([]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto ex = co_await asio::this_coro::executor;
    server srv;
    EXPECT_TRUE(srv.handle("Turns.Wait", [](gob::value a) -> asio::awaitable<handler_result> {
      auto e = co_await asio::this_coro::executor;
      for (std::int64_t i = 0; i < a.i; ++i) {
        auto turn = asio::post(e, asio::use_awaitable);
        co_await std::move(turn);
      }
      co_return ok(gob::int_type(), gob::make_int(a.i));
    }));
    auto [a, b] = co_await test::tcp_pair();
    client c(ex, std::move(a));
    auto served = srv.serve(*b);
    auto body = [&]() -> asio::awaitable<void> {
      for (std::int64_t k = 0; k < 40; ++k) {
        auto first = c.call("Turns.Wait", gob::int_type(), gob::make_int(0));
        auto second = c.call("Turns.Wait", gob::int_type(), gob::make_int(k));
        auto both = std::move(first) && std::move(second);
        auto bounded = net::with_timeout(std::move(both), 20s);
        auto r = co_await std::move(bounded);
        EXPECT_TRUE(r) << "k = " << k;
        if (!r) break;
        auto& [x, y] = *r;
        EXPECT_TRUE(x && y && y->body.i == k) << "k = " << k;
      }
      c.close();
    };
    auto all = std::move(served) && body();
    (void)co_await std::move(all);
  });
}

asio::awaitable<bytes> read_exactly(net::stream& s, std::size_t n) {
  bytes out(n);
  std::size_t got = 0;
  while (got < n) {
    auto op11 = s.read_some(mutable_byte_view(out).subspan(got));
    auto r = co_await std::move(op11);
    if (!r) break;
    got += *r;
  }
  out.resize(got);
  co_return out;
}

TEST(Rpc, FirstCallIsByteExactWithGo) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto [a, b] = co_await test::tcp_pair();
    client c(ex, std::move(a));
    using namespace asio::experimental::awaitable_operators;
    const bytes want = skywire::test::unhex(wire::gob::b5::a_client);
    auto peer = [](net::stream* s, std::size_t n, client* cl) -> asio::awaitable<bytes> {
      auto got = co_await read_exactly(*s, n);
      cl->close();  // ends the call below
      co_return got;
    };
    auto call = c.call("RPCGateway.ReserveIDs", gob::uint_type(), gob::make_uint(3));
    auto both = std::move(call) && peer(b.get(), want.size(), &c);
    auto [r, got] = co_await std::move(both);
    EXPECT_FALSE(r);
    EXPECT_EQ(got, want);
  });
}

TEST(Rpc, ClientReadsGoServerReply) {
  // The server side of B.5 (a), recorded from Go (its Response type id is 72, not 65): the
  // client maps ids from the definitions.
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto [a, b] = co_await test::tcp_pair();
    client c(ex, std::move(a));
    using namespace asio::experimental::awaitable_operators;
    auto peer = [](net::stream* s) -> asio::awaitable<void> {
      auto req = co_await read_exactly(*s, 79);
      EXPECT_EQ(req.size(), 79u);
      const bytes reply = skywire::test::unhex(wire::gob::b5::a_server);
      (void)co_await s->write_all(reply);
    };
    auto call = c.call("RPCGateway.ReserveIDs", gob::uint_type(), gob::make_uint(3));
    auto both = std::move(call) && peer(b.get());
    auto r = co_await std::move(both);
    CO_ASSERT(r);
    EXPECT_EQ(r->error, "");
    EXPECT_EQ(r->body.items.size(), 3u);
    CO_ASSERT((r->body.items.size()) == (3u));
    EXPECT_EQ(r->body.items[2].u, 3u);
    c.close();
  });
}

// Feeds raw bytes to a server; it must end the connection with an error (and not crash).
void expect_server_rejects(const bytes& input, error_code want = {}) {
  run([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    fixture f(ex);
    auto [a, b] = co_await test::tcp_pair();
    (void)co_await a->write_all(input);
    a->close();
    auto served = f.srv.serve(*b);
    auto bounded = net::with_timeout(std::move(served), 20s);
    auto r = co_await std::move(bounded);
    EXPECT_FALSE(r);
    if (want) {
      EXPECT_EQ(r.error(), want) << r.error().message();
    }
  });
}

TEST(Rpc, HostileBytesToServerEndTheConnection) {
  expect_server_rejects(bytes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  expect_server_rejects(bytes{0x00});
  // A length prefix beyond the message limit is refused before the body is awaited.
  expect_server_rejects(bytes{0xfc, 0x7f, 0xff, 0xff, 0xff, 0x01}, wire::errc::too_long);
  // Header that is an int, not a Request struct.
  expect_server_rejects(bytes{0x03, 0x04, 0x00, 0x02}, errc::bad_header);
  // A valid header and then EOF before the argument.
  bytes head;
  {
    gob::type_ids ids;
    gob::encoder e(ids);
    auto hv = to_value(request_header{"Arith.Mul", 0});
    ASSERT_TRUE(e.encode(request_type(), hv, head));
  }
  expect_server_rejects(head, net::errc::closed);
  // Truncated halfway through a definition.
  bytes half(head.begin(), head.begin() + 20);
  expect_server_rejects(half, net::errc::closed);
}

TEST(Rpc, HostileBytesToClientFailTheCall) {
  run([]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto [a, b] = co_await test::tcp_pair();
    client c(ex, std::move(a));
    using namespace asio::experimental::awaitable_operators;
    auto peer = [](net::stream* s) -> asio::awaitable<void> {
      (void)co_await read_exactly(*s, 79);
      const bytes junk{0x05, 0xff, 0x82, 0x01, 0x02, 0x03};  // value of an undefined type
      (void)co_await s->write_all(junk);
    };
    auto call = c.call("RPCGateway.ReserveIDs", gob::uint_type(), gob::make_uint(3));
    auto both = std::move(call) && peer(b.get());
    auto r = co_await std::move(both);
    EXPECT_FALSE(r);
    EXPECT_TRUE(c.closed());
  });
}

}  // namespace
}  // namespace skywire::rpc
