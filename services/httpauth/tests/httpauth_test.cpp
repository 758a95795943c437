// httpauth end to end on 127.0.0.1:0: disc::httpauth_client against with_auth/nonce_handler
// behind a real net::http_server, plus raw requests that forge, omit, garble and replay the
// SW-* headers and compare Go's exact 401 bodies.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

#include "httpauth/auth.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::svc::httpauth {
namespace {

namespace asio = boost::asio;
namespace dh = disc::httpauth;
using namespace std::chrono_literals;
using net::http_method;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

std::string unauthorized(std::string_view message) {
  return "{\"error\":{\"message\":\"" + std::string(message) + "\",\"code\":401}}\n";
}

asio::awaitable<std::optional<net::http_reply>> ready(std::optional<net::http_reply> r) { co_return r; }

struct harness {
  std::unique_ptr<nonce_store> store = make_memory_nonce_store();
  int silent_calls = 0;
  crypto::public_key last_caller;

  net::http_router router() {
    auto log = base::make_null_logger("auth");
    net::http_router r;
    r.add_prefix_async(http_method::get, std::string(dh::nonces_path), nonce_handler(*store));
    r.add_async(http_method::post, "/echo", with_auth(*store, log, [this](const net::http_request& q, crypto::public_key pk) {
            last_caller = pk;
            net::http_reply rep;
            rep.body = q.body;
            return ready(rep);
          }));
    r.add_async(http_method::get, "/echo", with_auth(*store, log, [](const net::http_request&, crypto::public_key pk) {
            net::http_reply rep;
            rep.body = pk.to_hex();
            return ready(rep);
          }));
    r.add_async(http_method::post, "/created", with_auth(*store, log, [](const net::http_request&, crypto::public_key) {
            net::http_reply rep;
            rep.status = 201;
            return ready(rep);
          }));
    r.add_async(http_method::post, "/silent", with_auth(*store, log, [this](const net::http_request&, crypto::public_key) {
            ++silent_calls;
            return ready(std::nullopt);
          }));
    r.add(http_method::get, "/open", [](const net::http_request& q) {
      net::http_reply rep;
      rep.body = std::string(q.header("SW-Sig")).empty() ? "unsigned" : "signed";
      return rep;
    });
    return r;
  }

  void run(std::function<asio::awaitable<void>(std::string)> body) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      auto rt = std::make_shared<const net::http_router>(router());
      net::http_async_handler handler = [rt](const net::http_request& q) { return rt->route_async(q); };
      net::http_server srv(ex, handler, net::http_server_options{}, base::make_null_logger("http"));
      auto port = srv.listen("127.0.0.1", 0);
      EXPECT_TRUE(port);
      EXPECT_TRUE(srv.start());
      const std::string url = "http://127.0.0.1:" + std::to_string(*port);
      auto test_body = body(url);
      co_await std::move(test_body);
      co_await srv.shutdown(1s);
    }());
  }

  asio::awaitable<std::uint64_t> stored(crypto::public_key pk) {
    auto op = store->nonce(pk);
    auto n = co_await std::move(op);
    co_return n ? *n : ~std::uint64_t{0};
  }
};

std::shared_ptr<disc::httpauth_client> make_client(asio::any_io_executor ex, const std::string& url,
                                                   const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  return std::make_shared<disc::httpauth_client>(ex, http, url, kp);
}

// One raw request with explicit headers.
asio::awaitable<net::http_response> raw(http_method m, std::string url, std::string body, net::http_headers h) {
  auto ex = co_await asio::this_coro::executor;
  net::http_client c(ex);
  auto op = c.request(m, std::move(url), std::move(body), std::move(h));
  auto r = co_await std::move(op);
  EXPECT_TRUE(r) << r.error().message();
  co_return r ? std::move(*r) : net::http_response{};
}

net::http_headers signed_headers(const crypto::key_pair& kp, std::string_view body, std::uint64_t nonce) {
  return {{"SW-Public", kp.pk.to_hex()},
          {"SW-Nonce", std::to_string(nonce)},
          {"SW-Sig", dh::sign(body, nonce, kp.sk).to_hex()}};
}

TEST(HttpAuth, SignedRequestSucceedsAndConsumesTheNonce) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex0 = co_await asio::this_coro::executor;
    auto c = make_client(ex0, url, a);
    auto nop = c->fetch_nonce();
    auto n = co_await std::move(nop);
    EXPECT_TRUE(n);
    EXPECT_EQ(*n, 0u);
    for (std::uint64_t i = 0; i < 3; ++i) {
      std::string body = "{\"i\":" + std::to_string(i) + "}\n";
      auto op = c->request(http_method::post, "/echo", body);
      auto r = co_await std::move(op);
      EXPECT_TRUE(r);
      EXPECT_EQ(r->status, 200u);
      EXPECT_EQ(r->body, body);
      EXPECT_EQ(h.last_caller, a.pk);
      { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, i + 1); }
      EXPECT_EQ(c->nonce(), i + 1);
    }
    // The nonce endpoint reports the server's counter, Go's bytes.
    std::string nurl = url + "/security/nonces/" + a.pk.to_hex();
    auto nr_op = raw(http_method::get, nurl, {}, {});
    auto nr = co_await std::move(nr_op);
    EXPECT_EQ(nr.status, 200u);
    EXPECT_EQ(nr.body, "{\"edge\":\"" + a.pk.to_hex() + "\",\"next_nonce\":3}\n");
    EXPECT_EQ(nr.header("content-type"), "application/json");
  });
}

TEST(HttpAuth, LazyNonceFetchAndBodilessGet) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto iop = h.store->increment(a.pk);
      co_await std::move(iop);
    }
    auto ex0 = co_await asio::this_coro::executor;
    auto c = make_client(ex0, url, a);
    EXPECT_FALSE(c->nonce());
    auto op = c->request(http_method::get, "/echo");
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, a.pk.to_hex());
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 3u); }
    EXPECT_EQ(c->nonce(), 3u);
  });
}

TEST(HttpAuth, Non200DoesNotIncrement) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex0 = co_await asio::this_coro::executor;
    auto c = make_client(ex0, url, a);
    auto op = c->request(http_method::post, "/created", "[]\n");
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 201u);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 0u); }
    EXPECT_EQ(c->nonce(), 0u);
    // Still usable with the same nonce.
    auto op2 = c->request(http_method::post, "/echo", "x");
    auto r2 = co_await std::move(op2);
    EXPECT_EQ(r2->status, 200u);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
  });
}

TEST(HttpAuth, HandlerThatWritesNothingIs200WithoutIncrementAndTheClientRepairs) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex0 = co_await asio::this_coro::executor;
    auto c = make_client(ex0, url, a);
    auto op = c->request(http_method::post, "/silent", "not json");
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "");
    EXPECT_EQ(r->header("content-type"), "");
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 0u); }  // server did not count it
    EXPECT_EQ(c->nonce(), 1u);      // the client did (final status 200): one ahead
    // Next request: 401 nonce mismatch, re-fetch, retry -> success.
    auto op2 = c->request(http_method::post, "/echo", "y");
    auto r2 = co_await std::move(op2);
    EXPECT_TRUE(r2);
    EXPECT_EQ(r2->status, 200u);
    EXPECT_EQ(r2->body, "y");
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
    EXPECT_EQ(c->nonce(), 1u);
  });
}

TEST(HttpAuth, WrongNonceGets401AndTheClientRetryRepairsIt) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    std::string echo = url + "/echo";
    auto r_op = raw(http_method::post, echo, "b", signed_headers(a, "b", 5));
    auto r = co_await std::move(r_op);
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.body, unauthorized("SW-Nonce does not match"));
    EXPECT_EQ(r.header("content-type"), "application/json");

    auto ex0 = co_await asio::this_coro::executor;

    auto c = make_client(ex0, url, a);
    c->set_nonce(42);
    auto op = c->request(http_method::post, "/echo", "b");
    auto ok = co_await std::move(op);
    EXPECT_TRUE(ok);
    EXPECT_EQ(ok->status, 200u);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
    EXPECT_EQ(c->nonce(), 1u);
  });
}

TEST(HttpAuth, ReplayedRequestIsRefused) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    std::string echo = url + "/echo";
    const auto captured = signed_headers(a, "pay", 0);
    auto first_op = raw(http_method::post, echo, "pay", captured);
    auto first = co_await std::move(first_op);
    EXPECT_EQ(first.status, 200u);
    auto replay_op = raw(http_method::post, echo, "pay", captured);
    auto replay = co_await std::move(replay_op);
    EXPECT_EQ(replay.status, 401u);
    EXPECT_EQ(replay.body, unauthorized("SW-Nonce does not match"));
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
  });
}

TEST(HttpAuth, SignatureChecks) {
  harness h;
  const auto a = keys("a");
  const auto b = keys("b");
  h.run([&](std::string url) -> asio::awaitable<void> {
    std::string echo = url + "/echo";
    // Signed by b, claiming a.
    auto hdr = signed_headers(b, "m", 0);
    hdr[0].second = a.pk.to_hex();
    auto r_op = raw(http_method::post, echo, "m", hdr);
    auto r = co_await std::move(r_op);
    EXPECT_EQ(r.body, unauthorized("Recovered pubkey does not match pubkey"));
    // Body changed after signing.
    auto r2_op = raw(http_method::post, echo, "M", signed_headers(a, "m", 0));
    auto r2 = co_await std::move(r2_op);
    EXPECT_EQ(r2.body, unauthorized("Recovered pubkey does not match pubkey"));
    // The nonce is part of the signed bytes: a signature over "m0" does not cover "m" + "1".
    auto iop = h.store->increment(a.pk);
    co_await std::move(iop);
    auto hdr3 = signed_headers(a, "m", 0);
    hdr3[1].second = "1";
    auto r3_op = raw(http_method::post, echo, "m", hdr3);
    auto r3 = co_await std::move(r3_op);
    EXPECT_EQ(r3.body, unauthorized("Recovered pubkey does not match pubkey"));
    // recid 7: nothing recoverable.
    auto hdr4 = signed_headers(a, "m", 1);
    hdr4[2].second.replace(128, 2, "07");
    auto r4_op = raw(http_method::post, echo, "m", hdr4);
    auto r4 = co_await std::move(r4_op);
    EXPECT_EQ(r4.body, unauthorized("Failed to recover pubkey from signature"));
    // The null key parses (Go quirk) but never verifies.
    auto hdr5 = signed_headers(a, "m", 0);
    hdr5[0].second = std::string(66, '0');
    auto r5_op = raw(http_method::post, echo, "m", hdr5);
    auto r5 = co_await std::move(r5_op);
    EXPECT_EQ(r5.body, unauthorized("Recovered pubkey does not match pubkey"));
    // The malleated high-S twin of a valid signature (s' = n - s, recid ^ 1) recovers the right
    // key; Go then fails its validity check.
    {
      auto bytes = dh::sign("m", 1, a.sk).bytes();
      static constexpr std::uint8_t order[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                                                 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
      int borrow = 0;
      for (int i = 31; i >= 0; --i) {
        int v = order[i] - bytes[32 + i] - borrow;
        borrow = v < 0;
        bytes[32 + i] = static_cast<std::uint8_t>(v + (borrow ? 256 : 0));
      }
      bytes[64] ^= 1;
      auto hdr6 = signed_headers(a, "m", 1);
      hdr6[2].second = crypto::signature::from_bytes(bytes)->to_hex();
      auto op6 = raw(http_method::post, echo, "m", hdr6);
      auto r6 = co_await std::move(op6);
      EXPECT_EQ(r6.body, unauthorized("VerifySignatureRecoverPubKey, VerifySignatureValidity failed"));
    }
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
    { auto sop = h.stored(b.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 0u); }
  });
}

TEST(HttpAuth, MissingAndGarbledHeadersInGoOrder) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    std::string echo = url + "/echo";
    const std::string pk = a.pk.to_hex();
    const std::string sig = dh::sign("", 0, a.sk).to_hex();
    std::vector<std::pair<net::http_headers, std::string>> cases;
    const auto add = [&cases](net::http_headers hs, std::string m) { cases.emplace_back(std::move(hs), std::move(m)); };
    add(net::http_headers{}, "SW-Public missing");
    add(net::http_headers{{"SW-Nonce", "0"}, {"SW-Sig", sig}}, "SW-Public missing");
    add(net::http_headers{{"SW-Public", "xyz"}}, "error parsing SW-Public: Invalid public key");
    add(net::http_headers{{"SW-Public", "02ab"}}, "error parsing SW-Public: Invalid public key length");
    add(net::http_headers{{"SW-Public", "02" + std::string(64, 'f')}}, "error parsing SW-Public: Invalid public key");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Nonce", "0"}}, "SW-Sig missing");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", "zz"}}, "error parsing SW-Sig:'zz': Invalid signature");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", "abcd"}}, "error parsing SW-Sig:'abcd': Invalid signature length");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", "abc"}}, "error parsing SW-Sig:'abc': Invalid signature");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}, {"SW-Nonce", "+1"}}, "error parsing SW-Nonce: invalid syntax");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}, {"SW-Nonce", " "}}, "SW-Nonce missing");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}}, "SW-Nonce missing");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}, {"SW-Nonce", "-1"}}, "error parsing SW-Nonce: invalid syntax");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}, {"SW-Nonce", "0x1"}}, "error parsing SW-Nonce: invalid syntax");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}, {"SW-Nonce", "18446744073709551616"}}, "error parsing SW-Nonce: value out of range");
    add(net::http_headers{{"SW-Public", pk}, {"SW-Sig", sig}, {"SW-Nonce", "1"}}, "SW-Nonce does not match");
    for (const auto& c : cases) {
      auto r_op = raw(http_method::get, echo, {}, c.first);
      auto r = co_await std::move(r_op);
      EXPECT_EQ(r.status, 401u) << c.second;
      EXPECT_EQ(r.body, unauthorized(c.second));
    }
    // A header value echoed in the message is not HTML-escaped (jsoniter ConfigFastest).
    auto r_op = raw(http_method::get, echo, {}, {{"SW-Public", pk}, {"SW-Sig", "<&>"}});
    auto r = co_await std::move(r_op);
    EXPECT_EQ(r.body, unauthorized("error parsing SW-Sig:'<&>': Invalid signature"));
    // Leading zeros are fine (strconv.ParseUint), and header names are case-insensitive.
    auto ok_op = raw(http_method::get, echo, {}, {{"sw-public", pk}, {"SW-SIG", sig}, {"sw-nonce", "000"}});
    auto ok = co_await std::move(ok_op);
    EXPECT_EQ(ok.status, 200u);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
  });
}

TEST(HttpAuth, NonceEndpointErrors) {
  harness h;
  h.run([&](std::string url) -> asio::awaitable<void> {
    std::string base = url + "/security/nonces/";
    auto bad_op = raw(http_method::get, base + "nothex", {}, {});
    auto bad = co_await std::move(bad_op);
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(bad.body, "{\"error\":{\"message\":\"Invalid public key\",\"code\":400}}\n");
    auto shortk_op = raw(http_method::get, base + "0211", {}, {});
    auto shortk = co_await std::move(shortk_op);
    EXPECT_EQ(shortk.body, "{\"error\":{\"message\":\"Invalid public key length\",\"code\":400}}\n");
    auto null_op = raw(http_method::get, base + std::string(66, '0'), {}, {});
    auto null = co_await std::move(null_op);
    EXPECT_EQ(null.status, 400u);
    EXPECT_EQ(null.body, "{\"error\":{\"message\":\"Invalid public key\",\"code\":400}}\n");
  });
}

TEST(HttpAuth, OpenRoutesAreSentUnsignedAndKeepTheNonce) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex0 = co_await asio::this_coro::executor;
    auto c = make_client(ex0, url, a);
    auto op = c->request(http_method::get, "/open", std::string{}, disc::route_auth::open);
    auto r = co_await std::move(op);
    EXPECT_EQ(r->body, "unsigned");
    EXPECT_FALSE(c->nonce());
    auto op2 = c->request(http_method::post, "/echo", "z");
    auto r2 = co_await std::move(op2);
    EXPECT_EQ(r2->status, 200u);
    auto op3 = c->request(http_method::get, "/open", std::string{}, disc::route_auth::open);
    co_await std::move(op3);
    EXPECT_EQ(c->nonce(), 1u);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 1u); }
  });
}

TEST(HttpAuth, ConcurrentRequestsOnOneClientAreSerialised) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto c = make_client(ex, url, a);
    constexpr int n = 8;
    int ok = 0;
    int done = 0;
    for (int i = 0; i < n; ++i) {
      auto task = [c, &ok, &done, i]() -> asio::awaitable<void> {
        std::string body = std::to_string(i);
        auto op = c->request(http_method::post, "/echo", body);
        auto r = co_await std::move(op);
        if (r && r->status == 200 && r->body == body) ++ok;
        ++done;
      };
      asio::co_spawn(ex, task(), asio::detached);
    }
    asio::steady_timer t(ex);
    for (int spins = 0; done < n && spins < 1000; ++spins) {
      t.expires_after(10ms);
      co_await t.async_wait(asio::use_awaitable);
    }
    EXPECT_EQ(done, n);
    EXPECT_EQ(ok, n);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, static_cast<std::uint64_t>(n)); }
    EXPECT_EQ(c->nonce(), static_cast<std::uint64_t>(n));
  });
}

TEST(HttpAuth, FullNonceStoreRefusesNewKeys) {
  harness h;
  h.store = make_memory_nonce_store(1);
  const auto a = keys("a");
  const auto b = keys("b");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex0 = co_await asio::this_coro::executor;
    auto ca = make_client(ex0, url, a);
    auto op = ca->request(http_method::post, "/echo", "1");
    auto r = co_await std::move(op);
    EXPECT_EQ(r->status, 200u);
    std::string echo = url + "/echo";
    auto rb_op = raw(http_method::post, echo, "1", signed_headers(b, "1", 0));
    auto rb = co_await std::move(rb_op);
    EXPECT_EQ(rb.status, 401u);
    EXPECT_EQ(rb.body, unauthorized("nonce store is full"));
    auto op2 = ca->request(http_method::post, "/echo", "2");
    auto r2 = co_await std::move(op2);
    EXPECT_EQ(r2->status, 200u);
    { auto sop = h.stored(a.pk); const auto sv = co_await std::move(sop); EXPECT_EQ(sv, 2u); }
  });
}

TEST(HttpAuth, RemoteIp) {
  net::http_request q;
  q.remote = "203.0.113.9:5555";
  EXPECT_EQ(remote_ip(q, false), "203.0.113.9");
  q.headers = {{"X-Forwarded-For", "198.51.100.1, 10.0.0.1"}};
  EXPECT_EQ(remote_ip(q, false), "203.0.113.9");
  EXPECT_EQ(remote_ip(q, true), "198.51.100.1");
  q.headers = {{"X-Real-IP", "not-an-ip"}};
  EXPECT_EQ(remote_ip(q, true), "203.0.113.9");
  q.remote = "::1:4444";
  q.headers = {};
  EXPECT_EQ(remote_ip(q, false), "::1");
  q.remote = keys("a").pk.to_hex() + ":80";  // dmsghttp: the peer is a key
  q.headers = {{"SW-PublicIP", "198.51.100.7"}};
  EXPECT_EQ(remote_ip(q, false), "198.51.100.7");
}

}  // namespace
}  // namespace skywire::svc::httpauth
