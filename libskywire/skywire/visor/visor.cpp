#include "skywire/visor/visor.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/disc/httpauth_client.hpp"
#include "skywire/disc/sd_client.hpp"
#include "skywire/disc/rf_client.hpp"
#include "skywire/disc/tpd_client.hpp"
#include "skywire/dmsg/client.hpp"
#include "skywire/net/http_client.hpp"
#include "skywire/net/http_server.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/router/router.hpp"
#include "skywire/router/sky_ping.hpp"
#include "skywire/setup/limits.hpp"
#include "skywire/setup/visor_gateway.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/visor/api.hpp"
#include "skywire/visor/auto_transport.hpp"
#include "skywire/visor/autoconnect.hpp"
#include "skywire/visor/errc.hpp"
#include "skywire/visor/networks.hpp"
#include "skywire/visor/routes.hpp"
#include "skywire/visor/tpd_registry.hpp"

namespace skywire::visor {

namespace asio = boost::asio;

class visor_state {
 public:
  visor_state(asio::any_io_executor e, config c, crypto::key_pair k, const base::clock& cl, base::logger l)
      : ex(e), cfg(std::move(c)), keys(std::move(k)), clock(cl), log(std::move(l)) {}

  asio::any_io_executor ex;
  config cfg;
  crypto::key_pair keys;
  const base::clock& clock;
  base::logger log;
  base::clock::steady_time started_at{};

  std::unique_ptr<dmsg::client> dmsg;
  std::shared_ptr<net::http_client> http;
  std::shared_ptr<disc::addr_resolver_client> ar;
  std::shared_ptr<disc::tpd_client> tpd;
  std::shared_ptr<disc::sd_client> sd;
  std::optional<disc::service_entry> advertised;  // registered in the service discovery
  std::unique_ptr<net::task_group> background;    // autoconnect, advertising
  std::unique_ptr<transport::manager> tm;
  std::map<std::string, std::string> listening;
  crypto::system_random rng;
  std::shared_ptr<disc::rf_client> rf;
  std::unique_ptr<router::router> router;
  std::unique_ptr<router::sky_ping> ping;
  std::unique_ptr<setup::visor_gateway> gateway;  // dmsg port 136, for the whitelisted setup nodes
  std::optional<dmsg::listener> setup_listener;
  std::unique_ptr<net::http_server> api;
  std::string api_address;
  bool running = false;
};

namespace {

// Our HTTP clients speak http:// only; a dmsg:// service URL (Go's dmsghttp mode) is not
// supported yet, and "" means the service is not configured.
bool usable_url(const base::logger& log, std::string_view what, const std::string& url) {
  if (url.empty()) return false;
  if (url.starts_with("dmsg://")) {
    log->warn("{} {}: services over dmsg (dmsghttp) are not supported yet; going without it", what, url);
    return false;
  }
  return true;
}

// "localhost:3435" / "127.0.0.1:3435" / "[::1]:3435" → the IP literal to bind and the port.
result<std::pair<std::string, std::uint16_t>> loopback_api_address(const std::string& cli_addr) {
  auto hp = transport::split_host_port(cli_addr);
  if (!hp) return hp.error();
  std::string host = hp->first == "localhost" ? "127.0.0.1" : hp->first;
  error_code ec;
  const auto ip = asio::ip::make_address(host, ec);
  if (ec || !ip.is_loopback()) return errc::api_not_loopback;
  return std::pair{host, hp->second};
}

// Public visor advertising (spec/skywire.md §1.8, §5.1): registers `self` in the service
// discovery, retrying with backoff (5 s doubling to 60 s) until it is accepted.
asio::awaitable<void> advertise(std::shared_ptr<disc::sd_client> sd, disc::service_entry self,
                                std::optional<disc::service_entry>& advertised, base::logger log) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto backoff = std::chrono::seconds(5);
  for (;;) {
    auto r = co_await sd->register_service(self);
    if (r) {
      log->info("public visor: advertised as {} in the service discovery", self.address());
      advertised = std::move(self);
      co_return;
    }
    log->warn("public visor: service discovery refused the entry: {} ({})", r.error().message(), sd->last_error());
    timer.expires_after(backoff);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    backoff = std::min(backoff * 2, std::chrono::seconds(60));
  }
}

// The hooks of run_autoconnect over the service discovery and the transport manager.
autoconnect_hooks autoconnect_over(std::shared_ptr<disc::sd_client> sd, transport::manager& tm) {
  autoconnect_hooks h;
  h.public_visors = [sd]() -> asio::awaitable<result<std::vector<crypto::public_key>>> {
    auto list = co_await sd->services("visor", 3);
    if (!list) co_return list.error();
    std::vector<crypto::public_key> out;
    for (const auto& s : *list) out.push_back(s.pk);
    co_return out;
  };
  h.connect = [&tm](crypto::public_key pk) -> asio::awaitable<result<void>> {
    auto save = tm.save_transport(pk, "stcpr", wire::transport::label_automatic);
    auto r = co_await net::with_timeout(std::move(save), std::chrono::seconds(30));
    if (!r) co_return r.error();
    co_return result<void>{};
  };
  h.automatic_edges = [&tm] {
    std::vector<crypto::public_key> out;
    for (const auto& t : tm.transports()) {
      if (t.label == wire::transport::label_automatic) out.push_back(t.remote_pk);
    }
    return out;
  };
  return h;
}

result<void> start_routing(visor_state& st) {
  router::router_config rc{.keys = st.keys};
  rc.min_hops = st.cfg.routing.min_hops;
  st.router = std::make_unique<router::router>(st.ex, rc, *st.tm, st.clock, st.rng, st.log);
  if (usable_url(st.log, "route finder", st.cfg.routing.route_finder)) {
    st.rf = std::make_shared<disc::rf_client>(st.http, st.cfg.routing.route_finder);
    st.router->set_path_finder(make_rf_path_finder(st.rf));
  }
  if (!st.cfg.routing.route_setup_nodes.empty()) {
    st.router->set_route_setup(make_dmsg_route_setup(*st.dmsg, st.cfg.routing.route_setup_nodes, st.log));
  }
  st.router->set_dial_hook(make_auto_transport(auto_transport_over(st.ar, *st.tm), {}, st.log));
  st.router->start();
  st.log->info("routing: route finder {}, {} setup node(s), min hops {}",
               st.rf ? st.rf->base_url() : std::string("none (dialling routes is off)"),
               st.cfg.routing.route_setup_nodes.size(), st.cfg.routing.min_hops);

  st.ping = std::make_unique<router::sky_ping>(st.ex, *st.router, st.clock, st.log);
  if (auto r = st.ping->start(); !r) {
    st.log->error("sky-ping: cannot listen on route port {}: {}", router::sky_ping_port, r.error().message());
    return r.error();
  }

  setup::gateway_options go;
  go.setup_nodes.insert(st.cfg.routing.route_setup_nodes.begin(), st.cfg.routing.route_setup_nodes.end());
  st.gateway = std::make_unique<setup::visor_gateway>(st.ex, st.keys.pk, *st.router, go, st.clock, st.log);
  auto l = st.dmsg->listen(setup::visor_setup_port);
  if (!l) {
    st.log->error("routing: cannot listen on dmsg port {}: {}", setup::visor_setup_port, l.error().message());
    return l.error();
  }
  st.setup_listener.emplace(std::move(*l));
  (void)st.background->spawn(st.gateway->serve(*st.setup_listener));
  return {};
}

}  // namespace

result<std::unique_ptr<visor>> visor::create(asio::any_io_executor ex, config cfg, const base::clock& clock,
                                            base::logger log) {
  if (!cfg.sk) return errc::no_secret_key;
  crypto::key_pair keys{cfg.sk->public_key(), *cfg.sk};
  if (auto api = loopback_api_address(cfg.cli_addr); !api) return api.error();
  auto st = std::make_shared<visor_state>(ex, std::move(cfg), std::move(keys), clock, std::move(log));
  return std::unique_ptr<visor>(new visor(std::move(st)));
}

visor::~visor() = default;

asio::awaitable<result<void>> visor::start() {
  auto& st = *state_;
  if (st.running) co_return result<void>{};
  st.started_at = st.clock.steady_now();
  st.log->info("visor {} starting (version {})", st.keys.pk.to_hex(), st.cfg.version);

  // 1. dmsg: in the background, nothing waits for its sessions.
  dmsg::client_config dc{.keys = st.keys, .discovery_url = st.cfg.dmsg.discovery,
                         .min_sessions = st.cfg.dmsg.sessions_count};
  st.dmsg = std::make_unique<dmsg::client>(st.ex, dc, st.clock, st.log);
  if (usable_url(st.log, "dmsg discovery", st.cfg.dmsg.discovery)) {
    st.dmsg->start();
    st.log->info("dmsg: client started (discovery {}, {} session(s))", st.cfg.dmsg.discovery,
                 st.cfg.dmsg.sessions_count);
  }

  // 2. services the transports use, then the transport manager and its networks.
  st.http = std::make_shared<net::http_client>(st.ex);
  if (usable_url(st.log, "address resolver", st.cfg.transport.address_resolver)) {
    auto auth = std::make_shared<disc::httpauth_client>(st.ex, st.http, st.cfg.transport.address_resolver, st.keys);
    st.ar = std::make_shared<disc::addr_resolver_client>(std::move(auth));
  }
  if (usable_url(st.log, "transport discovery", st.cfg.transport.discovery)) {
    auto auth = std::make_shared<disc::httpauth_client>(st.ex, st.http, st.cfg.transport.discovery, st.keys);
    st.tpd = std::make_shared<disc::tpd_client>(std::move(auth));
  }
  if (usable_url(st.log, "service discovery", st.cfg.launcher.service_discovery)) {
    auto auth = std::make_shared<disc::httpauth_client>(st.ex, st.http, st.cfg.launcher.service_discovery, st.keys);
    st.sd = std::make_shared<disc::sd_client>(std::move(auth));
  }

  const bool log_to_file = st.cfg.transport.log_store_type == "file";
  transport::manager_config mc{.keys = st.keys, .log_dir = log_to_file ? st.cfg.transport.log_store_location : ""};
  mc.log_rotation = std::chrono::duration_cast<std::chrono::hours>(st.cfg.transport.log_store_rotation);
  st.tm = std::make_unique<transport::manager>(st.ex, mc, st.clock, st.log);
  if (st.tpd) st.tm->set_registry(make_tpd_registry(st.tpd));

  auto nets = make_networks({st.ex, st.cfg, st.keys, *st.dmsg, st.ar, st.clock, st.log});
  if (!nets) {
    st.log->error("transports: {}", nets.error().message);
    co_await stop();
    co_return errc::network_failed;
  }
  st.listening = std::move(nets->listening);
  for (auto& n : nets->networks) {
    const std::string type(n->type());
    const auto where = st.listening.find(type);
    st.log->info("transport {}: {}", type, where == st.listening.end() ? "dial only" : "accepting on " + where->second);
    st.tm->add_network(std::move(n));
  }

  // 3. routing (§3–4): the router on the manager's packets, its route finder and setup nodes,
  // a direct transport before each route dial (auto_transport.hpp), the setup nodes' gateway on dmsg port 136 and sky-ping on route port 48.
  st.background = std::make_unique<net::task_group>(st.ex, 4);
  if (auto r = start_routing(st); !r) {
    co_await stop();
    co_return r.error();
  }

  // 4. persistent transports (dialled by the manager now and whenever they are down).
  std::vector<transport::persistent_transport> persistent;
  for (const auto& p : st.cfg.persistent_transports) persistent.push_back({p.pk, p.type});
  st.tm->set_persistent(std::move(persistent));
  st.tm->start();

  // Public visors: advertising this one, and automatic transports to others (§1.8).
  if (st.sd && nets->stcpr_port != 0) {
    if (st.cfg.is_public && nets->stcpr_bound) {
      disc::service_entry self{.pk = st.keys.pk, .port = nets->stcpr_port, .type = "visor",
                               .version = st.cfg.version, .local_ips = transport::local_addresses(),
                               .display_node_ip = st.cfg.launcher.display_node_ip};
      (void)st.background->spawn(advertise(st.sd, std::move(self), st.advertised, st.log));
    }
    if (st.cfg.transport.public_autoconnect) {
      st.log->info("autoconnect: on (stcpr transports to up to 3 public visors from {})",
                   st.cfg.launcher.service_discovery);
      (void)st.background->spawn(run_autoconnect(autoconnect_over(st.sd, *st.tm), st.keys.pk, {}, st.log));
    }
  }

  // 5. the local API.
  auto api_addr = loopback_api_address(st.cfg.cli_addr);
  st.api = std::make_unique<net::http_server>(st.ex, make_api_handler(*this), net::http_server_options{}, st.log);
  auto port = st.api->listen(api_addr->first, api_addr->second);
  if (!port) {
    st.log->error("local API: cannot listen on {}: {}", st.cfg.cli_addr, port.error().message());
    co_await stop();
    co_return port.error();
  }
  (void)st.api->start();
  st.api_address = api_addr->first + ":" + std::to_string(*port);
  st.log->info("local API on http://{}/api/v1/ (skywire cli --rpc {})", st.api_address, st.api_address);
  st.running = true;
  st.log->info("visor {} up", st.keys.pk.to_hex());
  co_return result<void>{};
}

asio::awaitable<void> visor::stop() {
  auto& st = *state_;
  const auto grace = std::chrono::duration_cast<std::chrono::steady_clock::duration>(st.cfg.shutdown_timeout);
  st.log->info("visor stopping (within {} s)", std::chrono::duration_cast<std::chrono::seconds>(grace).count());
  st.running = false;
  if (st.api) {
    co_await st.api->shutdown(std::chrono::seconds(1));
    st.api.reset();
  }
  if (st.background) {
    st.background->cancel();
    co_await st.background->join();
  }
  if (st.advertised) {
    auto removal = st.sd->delete_service(st.advertised->address(), "visor");
    auto removed = co_await net::with_timeout(std::move(removal), std::chrono::seconds(2));
    if (!removed) st.log->info("public visor: could not remove the service discovery entry: {}", removed.error().message());
    st.advertised.reset();
  }
  if (st.setup_listener) st.setup_listener->close();
  if (st.gateway) co_await st.gateway->shutdown();
  if (st.ping) co_await st.ping->close();
  if (st.router) co_await st.router->close();
  if (st.tm) {
    auto closed = co_await net::with_timeout(st.tm->close(), grace);
    if (!closed) st.log->warn("transports: not all closed in time: {}", closed.error().message());
  }
  if (st.dmsg) {
    auto closed = co_await net::with_timeout(st.dmsg->close(), grace);
    if (!closed) st.log->warn("dmsg: not closed in time: {}", closed.error().message());
  }
  st.log->info("visor stopped");
}

visor_info visor::info() const {
  const auto& st = *state_;
  visor_info i;
  i.pk = st.keys.pk;
  i.version = st.cfg.version;
  if (st.running) i.uptime = std::chrono::duration_cast<std::chrono::seconds>(st.clock.steady_now() - st.started_at);
  i.local_path = st.cfg.local_path;
  i.dmsg_discovery = st.cfg.dmsg.discovery;
  if (st.dmsg) i.dmsg_servers = st.dmsg->connected_servers();
  i.transport_discovery = st.cfg.transport.discovery;
  i.address_resolver = st.cfg.transport.address_resolver;
  if (st.tm) {
    i.transport_types = st.tm->types();
    i.transports = st.tm->transports().size();
  }
  i.listening = st.listening;
  i.api_address = st.api_address;
  return i;
}

transport::manager& visor::transports() { return *state_->tm; }

std::uint16_t visor::api_port() const { return state_->api ? state_->api->port() : 0; }

asio::awaitable<result<transport::transport_info>> visor::add_transport(crypto::public_key remote, std::string type,
                                                                       std::chrono::steady_clock::duration timeout) {
  auto& tm = *state_->tm;
  std::vector<std::string> order;
  if (!type.empty()) {
    order.push_back(std::move(type));
  } else {
    const auto have = tm.types();
    for (const char* t : {"stcpr", "sudph", "dmsg"}) {
      if (std::find(have.begin(), have.end(), t) != have.end()) order.emplace_back(t);
    }
    if (order.empty()) co_return transport::errc::unknown_type;
  }
  result<transport::transport_info> last = transport::errc::unknown_type;
  for (auto& t : order) {
    auto save = tm.save_transport(remote, t, wire::transport::label_user);
    last = co_await net::with_timeout(std::move(save), timeout);
    if (last) co_return last;
    state_->log->info("transport to {} over {} failed: {}", remote.to_hex(), t, last.error().message());
  }
  co_return last;
}

asio::awaitable<result<std::vector<wire::transport::entry>>> visor::discover_by_edge(crypto::public_key pk) {
  if (!state_->tpd) co_return errc::no_transport_discovery;
  co_return co_await state_->tpd->get_transports_by_edge(pk);
}

asio::awaitable<result<wire::transport::entry>> visor::discover_by_id(wire::transport::uuid id) {
  if (!state_->tpd) co_return errc::no_transport_discovery;
  co_return co_await state_->tpd->get_transport_by_id(id);
}

router::router& visor::routes() { return *state_->router; }

asio::awaitable<result<disc::rf_routes>> visor::find_routes(crypto::public_key pk, disc::rf_options opts) {
  auto& st = *state_;
  if (!st.rf) co_return errc::no_route_finder;
  std::vector<disc::rf_edge> edges{{st.keys.pk, pk}};
  if (pk != st.keys.pk) edges.emplace_back(pk, st.keys.pk);
  auto find = st.rf->find_routes(std::move(edges), opts);
  co_return co_await std::move(find);
}

asio::awaitable<result<std::vector<router::ping_result>>> visor::ping(crypto::public_key pk, router::ping_options opts) {
  auto pinging = state_->ping->ping(pk, opts);
  co_return co_await std::move(pinging);
}

}  // namespace skywire::visor
