// The address resolver on 127.0.0.1:0, driven by disc::addr_resolver_client (two key pairs) and
// by raw HTTP for the exact bytes: bind/resolve/unbind/transports, the source-IP rules with and
// without local mode, forwarded addresses, Go's odd "unparsable bind" answer, deregistration.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

#include "address-resolver/service.hpp"
#include "httpauth/nonce_store.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"

namespace skywire::svc::address_resolver {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using net::http_method;

crypto::key_pair keys(std::string_view seed) { return *crypto::deterministic_key_pair(as_bytes(seed)); }

struct harness {
  base::manual_clock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1700000000))};
  std::unique_ptr<store> db = make_memory_store();
  std::unique_ptr<httpauth::nonce_store> nonces = httpauth::make_memory_nonce_store();
  service_options opt;
  harness() {
    opt.host = "127.0.0.1";
    opt.port = 0;
  }

  void run(std::function<asio::awaitable<void>(std::string)> body) {
    asio::io_context ctx;
    net::test::run(ctx, [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      service svc(ex, *db, *nonces, clock, base::make_null_logger("ar"), opt);
      auto port = svc.start();
      EXPECT_TRUE(port);
      const std::string url = "http://127.0.0.1:" + std::to_string(*port);
      auto test_body = body(url);
      co_await std::move(test_body);
      co_await svc.shutdown(1s);
    }());
  }
};

std::shared_ptr<disc::addr_resolver_client> make_ar(asio::any_io_executor ex, const std::string& url,
                                                    const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  auto auth = std::make_shared<disc::httpauth_client>(ex, http, url, kp);
  return std::make_shared<disc::addr_resolver_client>(auth);
}

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
          {"SW-Sig", disc::httpauth::sign(body, nonce, kp.sk).to_hex()}};
}

const std::vector<std::string> loopback{"127.0.0.1"};

TEST(AddressResolver, BindResolveTransportsUnbindInLocalMode) {
  harness h;
  h.opt.api.local_mode = true;
  const auto a = keys("a");
  const auto b = keys("b");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto ar_a = make_ar(ex, url, a);
    auto ar_b = make_ar(ex, url, b);
    auto ba_op = ar_a->bind_stcpr("7777", {"127.0.0.1", "192.0.2.1"});
    auto ba = co_await std::move(ba_op);
    EXPECT_TRUE(ba) << ar_a->last_error();
    auto bb_op = ar_b->bind_stcpr("8888", loopback);
    auto bb = co_await std::move(bb_op);
    EXPECT_TRUE(bb) << ar_b->last_error();
    EXPECT_EQ(ar_a->auth().nonce(), 1u);

    // a resolves b and b resolves a.
    auto rb_op = ar_a->resolve("stcpr", b.pk);
    auto rb = co_await std::move(rb_op);
    EXPECT_TRUE(rb);
    EXPECT_EQ(rb->remote_addr, "127.0.0.1");
    EXPECT_EQ(rb->port, "8888");
    EXPECT_EQ(rb->addresses, loopback);
    EXPECT_FALSE(rb->is_local);  // Go's comparison never matches (see api.hpp)
    auto ra_op = ar_b->resolve("stcpr", a.pk);
    auto ra = co_await std::move(ra_op);
    EXPECT_TRUE(ra);
    EXPECT_EQ(ra->port, "7777");
    EXPECT_EQ(ra->addresses, (std::vector<std::string>{"127.0.0.1", "192.0.2.1"}));

    // The exact bytes of a resolve answer (signed raw request with a's current nonce).
    std::string path = url + "/resolve/stcpr/" + b.pk.to_hex();
    auto raw_op = raw(http_method::get, path, {}, signed_headers(a, "", *ar_a->auth().nonce()));
    auto r = co_await std::move(raw_op);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, R"({"remote_addr":"127.0.0.1","port":"8888","addresses":["127.0.0.1"]})");
    EXPECT_EQ(r.header("content-type"), "application/json");
    ar_a->auth().set_nonce(*ar_a->auth().nonce() + 1);

    // sudph: nothing bound there.
    auto rs_op = ar_a->resolve("sudph", b.pk);
    auto rs = co_await std::move(rs_op);
    EXPECT_EQ(rs.error(), disc::errc::no_entry);

    // GET /transports: both under stcpr, sorted, sudph omitted.
    std::string turl = url + "/transports";
    auto t_op = raw(http_method::get, turl, {}, {});
    auto t = co_await std::move(t_op);
    const std::string first = std::min(a.pk, b.pk).to_hex(), second = std::max(a.pk, b.pk).to_hex();
    EXPECT_EQ(t.body, R"({"stcpr":[")" + first + R"(",")" + second + R"("]})");
    auto tr_op = ar_a->transports();
    auto tr = co_await std::move(tr_op);
    EXPECT_TRUE(tr);
    EXPECT_EQ(tr->size(), 2u);
    EXPECT_EQ(tr->at(a.pk), std::vector<std::string>{"stcpr"});
    const auto nonce_before = ar_a->auth().nonce();

    // Unbind a: gone from resolve and transports; b stays.
    auto del_op = ar_a->delete_bind_stcpr();
    auto del = co_await std::move(del_op);
    EXPECT_TRUE(del) << ar_a->last_error();
    EXPECT_EQ(ar_a->auth().nonce(), *nonce_before + 1);  // /transports did not consume one
    auto gone_op = ar_b->resolve("stcpr", a.pk);
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.error(), disc::errc::no_entry);
    auto t2_op = ar_b->transports();
    auto t2 = co_await std::move(t2_op);
    EXPECT_EQ(t2->size(), 1u);
    EXPECT_EQ(t2->count(b.pk), 1u);
    // Unbinding again is still 200.
    auto del2_op = ar_a->delete_bind_stcpr();
    auto del2 = co_await std::move(del2_op);
    EXPECT_TRUE(del2);
  });
}

TEST(AddressResolver, LoopbackBindRefusedWithoutLocalMode) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto ar = make_ar(ex, url, a);
    auto op = ar->bind_stcpr("7777", {"127.0.0.1", "10.1.2.3"});
    auto r = co_await std::move(op);
    EXPECT_EQ(r.error(), disc::errc::rejected);
    const std::string text = "Cannot bind " + a.pk.to_hex() +
                             " to 127.0.0.1 (STCPR). Invalid IP address in request: {7777 [127.0.0.1 10.1.2.3]}";
    EXPECT_EQ(ar->last_error(), "status 400: " + text);
    EXPECT_EQ(ar->auth().nonce(), 0u);  // 400 consumes no nonce
    // Exact body (json.Marshal, no newline).
    std::string body = disc::local_addresses_json("7777", {"127.0.0.1"});
    std::string burl = url + "/bind/stcpr";
    auto raw_op = raw(http_method::post, burl, body, signed_headers(a, body, 0));
    auto rr = co_await std::move(raw_op);
    EXPECT_EQ(rr.status, 400u);
    EXPECT_EQ(rr.body, R"({"error":"Cannot bind )" + a.pk.to_hex() +
                           R"( to 127.0.0.1 (STCPR). Invalid IP address in request: {7777 [127.0.0.1]}"})");
    auto res_op = ar->resolve("stcpr", a.pk);
    auto res = co_await std::move(res_op);
    EXPECT_EQ(res.error(), disc::errc::no_entry);
  });
}

TEST(AddressResolver, SourceAddressMustBeListed) {
  harness h;
  h.opt.api.local_mode = true;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto ar = make_ar(ex, url, a);
    auto op = ar->bind_stcpr("7777", {"192.0.2.1"});
    auto r = co_await std::move(op);
    EXPECT_EQ(r.error(), disc::errc::rejected);
    EXPECT_EQ(ar->last_error(), "status 400: Cannot bind " + a.pk.to_hex() +
                                    " to 127.0.0.1 (STCPR). Remote address not present in request: {7777 [192.0.2.1]}");
    auto none_op = ar->bind_stcpr("7777", {});
    auto none = co_await std::move(none_op);
    EXPECT_EQ(none.error(), disc::errc::rejected);
    EXPECT_EQ(ar->last_error(), "status 400: Cannot bind " + a.pk.to_hex() +
                                    " to 127.0.0.1 (STCPR). Remote address not present in request: {7777 []}");
  });
}

TEST(AddressResolver, ForwardedAddressOnlyWhenTrusted) {
  for (const bool trust : {false, true}) {
    harness h;
    h.opt.api.trust_forwarding = trust;
    const auto a = keys("a");
    h.run([&](std::string url) -> asio::awaitable<void> {
      std::string body = disc::local_addresses_json("7777", {"203.0.113.5"});
      auto hdr = signed_headers(a, body, 0);
      hdr.emplace_back("X-Real-IP", "203.0.113.5");
      std::string burl = url + "/bind/stcpr";
      auto op = raw(http_method::post, burl, body, hdr);
      auto r = co_await std::move(op);
      EXPECT_EQ(r.status, trust ? 200u : 400u) << r.body;
      if (trust) {
        EXPECT_EQ(r.body, "");
        auto rop = h.db->resolve("stcpr", a.pk);
        auto stored = co_await std::move(rop);
        EXPECT_TRUE(stored && *stored);
        EXPECT_EQ((*stored)->remote_addr, "203.0.113.5");
      }
    });
  }
}

TEST(AddressResolver, UnparsableBindIs200ButStoresNothingAndKeepsTheNonce) {
  harness h;
  h.opt.api.local_mode = true;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto ar = make_ar(ex, url, a);
    for (std::string bad : {"not json", "[1]", R"({"port":7777})", R"({"addresses":"127.0.0.1"})"}) {
      auto op = ar->auth().request(http_method::post, "/bind/stcpr", bad);
      auto r = co_await std::move(op);
      EXPECT_TRUE(r);
      EXPECT_EQ(r->status, 200u) << bad;
      EXPECT_EQ(r->body, "");
      auto nop = h.nonces->nonce(a.pk);
      auto n = co_await std::move(nop);
      EXPECT_EQ(*n, 0u);
    }
    // The client ran ahead; its next request is repaired by the 401 + re-fetch path.
    auto res_op = ar->resolve("stcpr", a.pk);
    auto res = co_await std::move(res_op);
    EXPECT_EQ(res.error(), disc::errc::no_entry);
    // Go's decoder: keys case-insensitive, unknown keys ignored.
    auto ok_op = ar->auth().request(http_method::post, "/bind/stcpr",
                                    R"({"PORT":"1","Addresses":["127.0.0.1"],"x":{"y":[1]}})" "\n");
    auto ok = co_await std::move(ok_op);
    EXPECT_EQ(ok->status, 200u);
    auto got_op = ar->resolve("stcpr", a.pk);
    auto got = co_await std::move(got_op);
    EXPECT_TRUE(got);
    EXPECT_EQ(got->port, "1");
  });
}

TEST(AddressResolver, ResolveErrors) {
  harness h;
  const auto a = keys("a");
  const auto b = keys("b");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto ar = make_ar(ex, url, a);
    auto op = ar->resolve("stcpr", b.pk);
    auto r = co_await std::move(op);
    EXPECT_EQ(r.error(), disc::errc::no_entry);
    auto bad_op = ar->auth().request(http_method::get, "/resolve/stcpr/nothex");
    auto bad = co_await std::move(bad_op);
    EXPECT_EQ(bad->status, 400u);
    EXPECT_EQ(bad->body, "");
    auto short_op = ar->auth().request(http_method::get, "/resolve/stcpr/02ab");
    auto shortk = co_await std::move(short_op);
    EXPECT_EQ(shortk->status, 400u);
    // Unknown type: simply nothing bound.
    std::string p = "/resolve/dmsg/" + b.pk.to_hex();
    auto other_op = ar->auth().request(http_method::get, p);
    auto other = co_await std::move(other_op);
    EXPECT_EQ(other->status, 404u);
    // Wrong shape: chi's 404 page, before any auth.
    std::string u = url + "/resolve/stcpr";
    auto shape_op = raw(http_method::get, u, {}, {});
    auto shape = co_await std::move(shape_op);
    EXPECT_EQ(shape.status, 404u);
    EXPECT_EQ(shape.body, "404 page not found\n");
    // Unsigned resolve: 401.
    std::string u2 = url + "/resolve/stcpr/" + b.pk.to_hex();
    auto unsigned_op = raw(http_method::get, u2, {}, {});
    auto unsig = co_await std::move(unsigned_op);
    EXPECT_EQ(unsig.status, 401u);
    EXPECT_EQ(unsig.body, "{\"error\":{\"message\":\"SW-Public missing\",\"code\":401}}\n");
    // Another method on a known path.
    std::string u3 = url + "/bind/stcpr";
    auto put_op = raw(http_method::put, u3, {}, {});
    auto put = co_await std::move(put_op);
    EXPECT_EQ(put.status, 405u);
  });
}

TEST(AddressResolver, HealthAndNonces) {
  harness h;
  const auto a = keys("a");
  h.run([&](std::string url) -> asio::awaitable<void> {
    std::string hu = url + "/health";
    auto op = raw(http_method::get, hu, {}, {});
    auto r = co_await std::move(op);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, R"({"build_info":{"version":"unknown","commit":"unknown","date":"unknown"},)"
                      R"("started_at":"2023-11-14T22:13:20Z"})");
    std::string nu = url + "/security/nonces/" + a.pk.to_hex();
    auto nop = raw(http_method::get, nu, {}, {});
    auto n = co_await std::move(nop);
    EXPECT_EQ(n.body, "{\"edge\":\"" + a.pk.to_hex() + "\",\"next_nonce\":0}\n");
  });
}

TEST(AddressResolver, DeregisterByNetworkMonitor) {
  harness h;
  h.opt.api.local_mode = true;
  const auto a = keys("a");
  const auto nm = keys("nm");
  h.opt.api.nm_whitelist = {nm.pk};
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto ar = make_ar(ex, url, a);
    auto bop = ar->bind_stcpr("7777", loopback);
    { auto got = co_await std::move(bop); EXPECT_TRUE(got); }
    const std::string body = "[\"" + a.pk.to_hex() + "\"]";
    const std::string du = url + "/deregister/stcpr";
    const std::string nm_hex = nm.pk.to_hex();
    const std::string sig = crypto::sign_payload(as_bytes(nm_hex), nm.sk).to_hex();
    // Not whitelisted / bad signature / bad network.
    const auto stranger = keys("x");
    auto s_op = raw(http_method::delete_, du, body, {{"NM-PK", stranger.pk.to_hex()}, {"NM-Sign", sig}});
    { auto got = co_await std::move(s_op); EXPECT_EQ(got.status, 403u); }
    const std::string wrong = crypto::sign_payload(as_bytes(std::string_view("x")), nm.sk).to_hex();
    auto w_op = raw(http_method::delete_, du, body, {{"NM-PK", nm_hex}, {"NM-Sign", wrong}});
    { auto got = co_await std::move(w_op); EXPECT_EQ(got.status, 403u); }
    std::string du2 = url + "/deregister/tcp";
    auto n_op = raw(http_method::delete_, du2, body, {{"NM-PK", nm_hex}, {"NM-Sign", sig}});
    { auto got = co_await std::move(n_op); EXPECT_EQ(got.status, 400u); }
    auto still_op = ar->resolve("stcpr", a.pk);
    { auto got = co_await std::move(still_op); EXPECT_TRUE(got); }
    // The real thing.
    auto ok_op = raw(http_method::delete_, du, body, {{"NM-PK", nm_hex}, {"NM-Sign", sig}});
    auto ok = co_await std::move(ok_op);
    EXPECT_EQ(ok.status, 200u);
    EXPECT_EQ(ok.body, "null");
    auto gone_op = ar->resolve("stcpr", a.pk);
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.error(), disc::errc::no_entry);
  });
}

// SUDPH bindings come from the UDP/KCP side (not implemented); put one in the store directly and
// check what the HTTP side does with it.
TEST(AddressResolver, SudphEntriesFromTheStore) {
  harness h;
  h.opt.api.local_mode = true;
  const auto a = keys("a");
  const auto b = keys("b");
  h.run([&](std::string url) -> asio::awaitable<void> {
    visor_data d;
    d.remote_addr = "198.51.100.7:40000";
    d.port = "30000";
    d.addresses = {"192.168.1.5"};
    auto put = h.db->bind("sudph", b.pk, d);
    co_await std::move(put);
    auto ex = co_await asio::this_coro::executor;
    auto ar = make_ar(ex, url, a);
    auto bind_op = ar->bind_stcpr("7777", loopback);
    auto bound = co_await std::move(bind_op);
    EXPECT_TRUE(bound);
    auto bind_b = make_ar(ex, url, b);
    auto bb_op = bind_b->bind_stcpr("8888", loopback);
    auto bb = co_await std::move(bb_op);
    EXPECT_TRUE(bb);
    auto op = ar->resolve("sudph", b.pk);
    auto r = co_await std::move(op);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->remote_addr, "198.51.100.7:40000");
    EXPECT_EQ(r->port, "30000");
    EXPECT_FALSE(r->is_local);
    // Both types listed: sudph first, like Go's struct order; the client merges per key.
    std::string turl = url + "/transports";
    auto t_op = raw(http_method::get, turl, {}, {});
    auto t = co_await std::move(t_op);
    const std::string first = std::min(a.pk, b.pk).to_hex(), second = std::max(a.pk, b.pk).to_hex();
    EXPECT_EQ(t.body, R"({"sudph":[")" + b.pk.to_hex() + R"("],"stcpr":[")" + first + R"(",")" + second + R"("]})");
    auto tr_op = ar->transports();
    auto tr = co_await std::move(tr_op);
    EXPECT_EQ(tr->at(b.pk), (std::vector<std::string>{"sudph", "stcpr"}));
    EXPECT_EQ(tr->at(a.pk), std::vector<std::string>{"stcpr"});
  });
}

TEST(AddressResolver, SourceIpRules) {
  EXPECT_TRUE(is_public_ip("203.0.113.5"));
  EXPECT_TRUE(is_public_ip("100.64.0.1"));  // Go counts CGNAT as public
  EXPECT_TRUE(is_public_ip("::ffff:8.8.8.8"));
  for (const char* ip : {"127.0.0.1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.1.1",
                         "224.0.0.5", "::1", "2001:db8::1", "fe80::1", "", "nonsense"}) {
    EXPECT_FALSE(is_public_ip(ip)) << ip;
  }
  EXPECT_TRUE(is_public_ip("172.32.0.1"));
  for (const char* ip : {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.20.0.1", "192.168.0.1", "::1", "fd00::1"}) {
    EXPECT_TRUE(is_local_ip(ip)) << ip;
  }
  for (const char* ip : {"203.0.113.5", "169.254.1.1", "2001:db8::1", "x"}) EXPECT_FALSE(is_local_ip(ip)) << ip;
}

}  // namespace
}  // namespace skywire::svc::address_resolver
