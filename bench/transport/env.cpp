// bench_transport's environment: the resolver, managers A and B, and their two transports
// (env.hpp).
#include "env.hpp"

#include <cstdlib>
#include <thread>

#include <boost/asio/post.hpp>

#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/net/http_client.hpp"

namespace skywire::bench::transports {

namespace asio = boost::asio;
namespace ar_svc = svc::address_resolver;
namespace wr = wire::routing;
namespace wt = wire::transport;
using namespace std::chrono_literals;

bool selected(std::string_view what) {
  const char* list_env = std::getenv("BENCH_TRANSPORT");
  if (list_env == nullptr || *list_env == 0) return true;
  const std::string_view list(list_env);
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t end = std::min(list.find(',', at), list.size());
    if (list.substr(at, end - at) == what) return true;
    at = end + 1;
  }
  return false;
}

asio::awaitable<std::size_t> transport_count(transport::manager& m) { co_return m.transports().size(); }

namespace {

std::shared_ptr<disc::addr_resolver_client> make_ar_client(asio::any_io_executor ex, const std::string& url,
                                                           const crypto::key_pair& kp) {
  auto http = std::make_shared<net::http_client>(ex);
  auto auth = std::make_shared<disc::httpauth_client>(ex, http, url, kp);
  return std::make_shared<disc::addr_resolver_client>(auth);
}

// A manager with an stcpr and an sudph network on 127.0.0.1, bound at the resolver.
asio::awaitable<void> start_side(env& e, side& s, receiver* r) {
  auto ex = co_await asio::this_coro::executor;
  auto ar = make_ar_client(ex, e.ar_url, s.keys);
  transport::stcpr_config tc;
  tc.listen_host = "127.0.0.1";
  tc.addresses = {"127.0.0.1"};
  tc.bind_backoff_initial = 50ms;
  tc.bind_backoff_max = 200ms;
  auto stcpr = transport::stcpr_network::create(ex, s.keys, ar, std::move(tc));
  check(stcpr.has_value(), "stcpr network");
  transport::sudph_config uc;
  uc.listen_host = "127.0.0.1";
  uc.addresses = {"127.0.0.1"};
  auto ar_udp = transport::sudph_ar_address(e.ar_url);
  check(ar_udp.has_value(), "sudph AR address");
  uc.ar_udp_address = *ar_udp;
  uc.bind_backoff_initial = 50ms;
  uc.bind_backoff_max = 200ms;
  auto sudph = transport::sudph_network::create(ex, s.keys, ar, std::move(uc));
  check(sudph.has_value(), "sudph network");
  s.stcpr = stcpr->get();
  s.sudph = sudph->get();

  transport::manager_config mc{.keys = s.keys};
  s.m = std::make_unique<transport::manager>(ex, std::move(mc), e.clock, nullptr);
  if (r) {
    s.m->set_packet_handler([r](const transport::transport_info&, const wr::packet_view& p) {
      if (p.type != wr::packet_type::data) return;
      r->got += p.payload.size();
      if (r->done && r->got >= r->want) {
        r->done->set_value();
        r->done.reset();
      }
    });
  }
  s.m->add_network(std::move(*stcpr));
  s.m->add_network(std::move(*sudph));
  s.m->start();

  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (!(s.stcpr->bound() && s.sudph->bound())) {
    check(std::chrono::steady_clock::now() < deadline, "binding at the address resolver");
    co_await sleep_for(20ms);
  }
}

asio::awaitable<wt::uuid> save(side& s, crypto::public_key remote, std::string type) {
  auto r = co_await s.m->save_transport(remote, std::move(type), wt::label_user);
  check(r.has_value(), "save_transport");
  co_return r->id;
}

asio::awaitable<void> close_side(side& s) {
  if (!s.m) co_return;
  co_await s.m->close();
  s.stcpr = nullptr;
  s.sudph = nullptr;
  s.m.reset();
}

asio::awaitable<void> close_resolver(env& e) {
  if (!e.ar) co_return;
  co_await e.ar->shutdown(1s);
  e.ar.reset();
}

}  // namespace

void setup(env& e) {
  std::promise<std::string> url_p;
  asio::post(e.ar_loop.ctx, [&] {
    ar_svc::service_options opt;
    opt.host = "127.0.0.1";
    opt.port = 0;
    opt.api.local_mode = true;
    e.ar = std::make_unique<ar_svc::service>(e.ar_loop.ex(), *e.ar_db, *e.nonces, e.clock,
                                             base::make_null_logger("ar"), opt);
    auto port = e.ar->start();
    check(port.has_value(), "address resolver start");
    url_p.set_value("http://127.0.0.1:" + std::to_string(*port));
  });
  auto url_f = url_p.get_future();
  e.ar_url = get_within(url_f, "address resolver start");
  on(e.a_loop, start_side(e, e.a, nullptr));
  on(e.b_loop, start_side(e, e.b, &e.recv));
  e.stcpr_id = on(e.a_loop, save(e.a, e.b.keys.pk, std::string(wt::type_stcpr)));
  e.sudph_id = on(e.a_loop, save(e.a, e.b.keys.pk, std::string(wt::type_sudph)));
  const auto deadline = bench_clock::now() + 20s;
  while (on(e.b_loop, transport_count(*e.b.m)) != 2) {
    check(bench_clock::now() < deadline, "B lists both transports");
    std::this_thread::sleep_for(1ms);
  }
}

// Every object is closed and destroyed on the loop it lives on, then the loops finish.
void teardown(env& e) {
  on(e.a_loop, close_side(e.a));
  on(e.b_loop, close_side(e.b));
  on(e.ar_loop, close_resolver(e));
  e.a_loop.finish(5s);
  e.b_loop.finish(5s);
  e.ar_loop.finish(5s);
}

}  // namespace skywire::bench::transports
