// The transport discovery on 127.0.0.1:0, driven by disc::httpauth_client for two key pairs and
// by raw HTTP for the exact bytes: register (201, echo, nonce not consumed), get by id and by
// edge, delete by an edge (nonce consumed) and by a stranger (400), unknown/invalid ids, the
// 400-vs-500 decode rule, unauthenticated requests, the open routes, deregistration.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

#include "httpauth/nonce_store.hpp"
#include "skywire/crypto/keys.hpp"
#include "skywire/crypto/signature.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/tests/run.hpp"
#include "transport-discovery/service.hpp"

namespace skywire::svc::transport_discovery {
namespace {

namespace asio = boost::asio;
namespace wt = wire::transport;
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
      auto ex_op = asio::this_coro::executor;
      auto ex = co_await std::move(ex_op);
      service svc(ex, *db, *nonces, clock, base::make_null_logger("tpd"), opt);
      auto port = svc.start();
      EXPECT_TRUE(port);
      const std::string url = "http://127.0.0.1:" + std::to_string(*port);
      auto test_body = body(url);
      co_await std::move(test_body);
      co_await svc.shutdown(1s);
    }());
  }
};

std::shared_ptr<disc::httpauth_client> client(asio::any_io_executor ex, const std::string& url,
                                              const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  return std::make_shared<disc::httpauth_client>(ex, http, url, kp);
}

asio::awaitable<net::http_response> call(disc::httpauth_client& c, http_method m, std::string path,
                                         std::string body = {}) {
  auto op = c.request(m, std::move(path), std::move(body));
  auto r = co_await std::move(op);
  EXPECT_TRUE(r) << r.error().message();
  co_return r ? std::move(*r) : net::http_response{};
}

asio::awaitable<net::http_response> raw(http_method m, std::string url, std::string body = {}) {
  auto ex_op = asio::this_coro::executor;
  auto ex = co_await std::move(ex_op);
  net::http_client c(ex);
  net::http_headers h;
  auto op = c.request(m, std::move(url), std::move(body), std::move(h));
  auto r = co_await std::move(op);
  EXPECT_TRUE(r) << r.error().message();
  co_return r ? std::move(*r) : net::http_response{};
}

wt::signed_entry signed_by_both(const crypto::key_pair& a, const crypto::key_pair& b, std::string_view type) {
  wt::signed_entry se;
  se.entry = wt::make_entry(a.pk, b.pk, type, wt::label_user);
  EXPECT_TRUE(wt::sign_entry(se, a));
  EXPECT_TRUE(wt::sign_entry(se, b));
  return se;
}

TEST(TransportDiscovery, RegisterGetDeleteWithNonces) {
  harness h;
  const auto a = keys("a");
  const auto b = keys("b");
  const auto stranger = keys("stranger");
  const auto se = signed_by_both(a, b, "stcpr");
  const std::string id = se.entry->id.to_string();
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex_op = asio::this_coro::executor;
    auto ex = co_await std::move(ex_op);
    auto ca = client(ex, url, a);
    auto cb = client(ex, url, b);
    auto cs = client(ex, url, stranger);

    const std::string body = "[" + wt::to_json(se) + "]\n";
    auto reg_op = call(*ca, http_method::post, "/transports/", body);
    auto reg = co_await std::move(reg_op);
    EXPECT_EQ(reg.status, 201u) << reg.body;
    EXPECT_EQ(reg.body, "[" + wt::to_json(se) + "]\n") << "the decoded array is echoed";
    EXPECT_EQ(ca->nonce(), std::optional<std::uint64_t>(0)) << "201 does not consume the nonce";
    auto n_op = h.nonces->nonce(a.pk);
    auto n = co_await std::move(n_op);
    EXPECT_EQ(n ? *n : 99u, 0u);

    auto by_id_op = call(*cb, http_method::get, "/transports/id:" + id);
    auto by_id = co_await std::move(by_id_op);
    EXPECT_EQ(by_id.status, 200u);
    EXPECT_EQ(by_id.body, wt::to_json(*se.entry) + "\n");
    EXPECT_EQ(cb->nonce(), std::optional<std::uint64_t>(1)) << "200 consumes the nonce";

    auto by_edge_op = call(*cb, http_method::get, "/transports/edge:" + a.pk.to_hex());
    auto by_edge = co_await std::move(by_edge_op);
    EXPECT_EQ(by_edge.status, 200u);
    EXPECT_EQ(by_edge.body, "[" + wt::to_json(*se.entry) + "]\n");
    auto none_op = call(*cb, http_method::get, "/transports/edge:" + stranger.pk.to_hex());
    auto none = co_await std::move(none_op);
    EXPECT_EQ(none.status, 200u);
    EXPECT_EQ(none.body, "null\n");
    auto bad_pk_op = call(*cb, http_method::get, "/transports/edge:02ab");
    auto bad_pk = co_await std::move(bad_pk_op);
    EXPECT_EQ(bad_pk.status, 400u);
    EXPECT_EQ(bad_pk.body, "{\"error\":\"public key is invalid\"}\n");

    auto all_op = raw(http_method::get, url + "/all-transports");
    auto all = co_await std::move(all_op);
    EXPECT_EQ(all.status, 200u);
    EXPECT_EQ(all.body, "[" + wt::to_json(*se.entry) + "]\n");

    auto not_edge_op = call(*cs, http_method::delete_, "/transports/id:" + id);
    auto not_edge = co_await std::move(not_edge_op);
    EXPECT_EQ(not_edge.status, 400u);
    EXPECT_EQ(not_edge.body, "{\"error\":\"transport ID is invalid\"}\n");
    EXPECT_EQ(cs->nonce(), std::optional<std::uint64_t>(0));

    auto del_op = call(*cb, http_method::delete_, "/transports/id:" + id);
    auto del = co_await std::move(del_op);
    EXPECT_EQ(del.status, 200u);
    EXPECT_NE(del.body.find("transport deleted"), std::string::npos);
    EXPECT_EQ(cb->nonce(), std::optional<std::uint64_t>(4));
    auto nb_op = h.nonces->nonce(b.pk);
    auto nb = co_await std::move(nb_op);
    EXPECT_EQ(nb ? *nb : 99u, 4u);

    auto gone_op = call(*ca, http_method::get, "/transports/id:" + id);
    auto gone = co_await std::move(gone_op);
    EXPECT_EQ(gone.status, 404u);
    EXPECT_EQ(gone.body, "{\"error\":\"transport not found\"}\n");
    auto gone_del_op = call(*ca, http_method::delete_, "/transports/id:" + id);
    auto gone_del = co_await std::move(gone_del_op);
    EXPECT_EQ(gone_del.status, 404u);
    auto invalid_op = call(*ca, http_method::get, "/transports/id:not-a-uuid");
    auto invalid = co_await std::move(invalid_op);
    EXPECT_EQ(invalid.status, 400u);
    EXPECT_EQ(invalid.body, "{\"error\":\"transport ID is invalid\"}\n");
    auto invalid_del_op = call(*ca, http_method::delete_, "/transports/id:not-a-uuid");
    auto invalid_del = co_await std::move(invalid_del_op);
    EXPECT_EQ(invalid_del.status, 400u);
    auto empty_all_op = raw(http_method::get, url + "/all-transports");
    auto empty_all = co_await std::move(empty_all_op);
    EXPECT_EQ(empty_all.body, "null\n");
  });
}

TEST(TransportDiscovery, DecodeErrorsAre400ForSyntaxElse500) {
  harness h;
  const auto a = keys("a");
  const auto b = keys("b");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto ex_op = asio::this_coro::executor;
    auto ex = co_await std::move(ex_op);
    auto ca = client(ex, url, a);
    auto syntax_op = call(*ca, http_method::post, "/transports/", "[{\"entry\":}]\n");
    auto syntax = co_await std::move(syntax_op);
    EXPECT_EQ(syntax.status, 400u) << syntax.body;
    EXPECT_TRUE(syntax.body.starts_with("{\"error\":\"")) << syntax.body;
    auto types_op = call(*ca, http_method::post, "/transports/", "[{\"entry\":{\"t_id\":5}}]\n");
    auto types = co_await std::move(types_op);
    EXPECT_EQ(types.status, 500u) << types.body;
    auto not_array_op = call(*ca, http_method::post, "/transports/", "{\"a\":1}\n");
    auto not_array = co_await std::move(not_array_op);
    EXPECT_EQ(not_array.status, 500u);
    auto empty_op = call(*ca, http_method::post, "/transports/", "");
    auto empty = co_await std::move(empty_op);
    EXPECT_EQ(empty.status, 500u);
    EXPECT_EQ(empty.body, "{\"error\":\"EOF\"}\n");
    auto cut_op = call(*ca, http_method::post, "/transports/", "[{\"entry\"");
    auto cut = co_await std::move(cut_op);
    EXPECT_EQ(cut.status, 500u);
    auto null_body_op = call(*ca, http_method::post, "/transports/", "null\n");
    auto null_body = co_await std::move(null_body_op);
    EXPECT_EQ(null_body.status, 201u);
    EXPECT_EQ(null_body.body, "null\n");
    // Signatures are not checked by the server (as in Go): an unsigned entry registers.
    wt::signed_entry unsigned_se;
    unsigned_se.entry = wt::make_entry(a.pk, b.pk, "dmsg", wt::label_automatic);
    auto reg_op = call(*ca, http_method::post, "/transports/", "[" + wt::to_json(unsigned_se) + "]\n");
    auto reg = co_await std::move(reg_op);
    EXPECT_EQ(reg.status, 201u);
    auto stored_op = h.db->get_by_id(unsigned_se.entry->id);
    auto stored = co_await std::move(stored_op);
    EXPECT_TRUE(stored && *stored && **stored == *unsigned_se.entry);
    EXPECT_EQ(ca->nonce(), std::optional<std::uint64_t>(0)) << "no 200 answered: nothing consumed";
  });
}

TEST(TransportDiscovery, AuthOpenRoutesAndLegacy) {
  harness h;
  const auto nm = keys("nm");
  h.opt.api.nm_whitelist.push_back(nm.pk);
  const auto a = keys("a");
  const auto b = keys("b");
  const auto se = signed_by_both(a, b, "sudph");
  h.run([&](std::string url) -> asio::awaitable<void> {
    auto unauth_op = raw(http_method::get, url + "/transports/id:" + se.entry->id.to_string());
    auto unauth = co_await std::move(unauth_op);
    EXPECT_EQ(unauth.status, 401u);
    EXPECT_EQ(unauth.body, "{\"error\":{\"message\":\"SW-Public missing\",\"code\":401}}\n");
    auto unauth_post_op = raw(http_method::post, url + "/transports/", "[]");
    auto unauth_post = co_await std::move(unauth_post_op);
    EXPECT_EQ(unauth_post.status, 401u);
    auto statuses_op = raw(http_method::post, url + "/statuses", "{}");
    auto statuses = co_await std::move(statuses_op);
    EXPECT_EQ(statuses.status, 410u);
    auto health_op = raw(http_method::get, url + "/health");
    auto health = co_await std::move(health_op);
    EXPECT_EQ(health.status, 200u);
    EXPECT_NE(health.body.find("\"started_at\":\"2023-11-14T22:13:20Z\""), std::string::npos) << health.body;
    auto nonce_op = raw(http_method::get, url + "/security/nonces/" + a.pk.to_hex());
    auto nonce = co_await std::move(nonce_op);
    EXPECT_EQ(nonce.status, 200u);
    EXPECT_EQ(nonce.body, "{\"edge\":\"" + a.pk.to_hex() + "\",\"next_nonce\":0}\n");
    auto other_op = raw(http_method::get, url + "/transports/foo");
    auto other = co_await std::move(other_op);
    EXPECT_EQ(other.status, 404u);

    // Deregistration by a whitelisted network monitor.
    auto pre_op = h.db->register_transport(*se.entry);
    auto pre = co_await std::move(pre_op);
    EXPECT_TRUE(pre);
    auto ex_op = asio::this_coro::executor;
    auto ex = co_await std::move(ex_op);
    net::http_client c(ex);
    const std::string nm_hex = nm.pk.to_hex();
    const std::string ids = "[\"" + se.entry->id.to_string() + "\"]";
    net::http_headers stranger_h{{"NM-PK", a.pk.to_hex()},
                                 {"NM-Sign", crypto::sign_payload(as_bytes(a.pk.to_hex()), a.sk).to_hex()}};
    auto op1 = c.request(http_method::delete_, url + "/transports/deregister", ids, stranger_h);
    auto refused = co_await std::move(op1);
    EXPECT_TRUE(refused && refused->status == 403u);
    net::http_headers nm_h{{"NM-PK", nm_hex}, {"NM-Sign", crypto::sign_payload(as_bytes(nm_hex), nm.sk).to_hex()}};
    auto op2 = c.request(http_method::delete_, url + "/transports/deregister", ids, nm_h);
    auto done = co_await std::move(op2);
    EXPECT_TRUE(done && done->status == 200u);
    auto left_op = h.db->all();
    auto left = co_await std::move(left_op);
    EXPECT_TRUE(left && left->empty());
  });
}

TEST(TransportDiscovery, MemoryStoreIsBoundedAndIndexesEdges) {
  auto db = make_memory_store(1);
  const auto a = keys("a");
  const auto b = keys("b");
  const auto c = keys("c");
  const auto e1 = wt::make_entry(a.pk, b.pk, "stcpr", wt::label_user);
  const auto e2 = wt::make_entry(a.pk, c.pk, "stcpr", wt::label_user);
  asio::io_context ctx;
  net::test::run(ctx, [&]() -> asio::awaitable<void> {
    auto first_op = db->register_transport(e1);
    auto first = co_await std::move(first_op);
    EXPECT_TRUE(first);
    auto again_op = db->register_transport(e1);
    auto again = co_await std::move(again_op);
    EXPECT_TRUE(again) << "re-registering fits";
    auto full_op = db->register_transport(e2);
    auto full = co_await std::move(full_op);
    EXPECT_EQ(full.error(), make_error_code(errc::store_full));
    auto by_b_op = db->get_by_edge(b.pk);
    auto by_b = co_await std::move(by_b_op);
    EXPECT_TRUE(by_b && by_b->size() == 1u);
    auto removed_op = db->deregister_transport(e1.id);
    auto removed = co_await std::move(removed_op);
    EXPECT_TRUE(removed && *removed);
    auto by_a_op = db->get_by_edge(a.pk);
    auto by_a = co_await std::move(by_a_op);
    EXPECT_TRUE(by_a && by_a->empty());
  }());
}

}  // namespace
}  // namespace skywire::svc::transport_discovery
