#include "udp_server.hpp"

#include <map>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "skywire/crypto/random.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/handshake.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/wire/json/writer.hpp"

#include "api.hpp"

namespace skywire::svc::address_resolver {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {
constexpr std::string_view sudph = "sudph";
constexpr std::string_view del_bind_msg = "delBind";
constexpr std::size_t max_message = 4096;  // Go's AR reads into a 4096-byte buffer

std::string endpoint_text(const udp::endpoint& ep) {
  return transport::join_host_port(ep.address().to_string(), std::to_string(ep.port()));
}
}  // namespace

struct udp_server::state {
  state(asio::any_io_executor e, store& d, base::logger l, udp_server_options o)
      : ex(e), db(d), log(std::move(l)), opt(std::move(o)), tasks(e, opt.max_links + 1) {}

  asio::any_io_executor ex;
  store& db;
  base::logger log;
  udp_server_options opt;
  std::shared_ptr<transport::udp_mux> mux;
  net::task_group tasks;
  std::map<crypto::public_key, transport::kcp_stream*> links;  // owned by their serve_link
  bool closed = false;

  void close() {
    closed = true;
    if (mux) mux->close();  // every link's read fails, so every task ends
    tasks.cancel();
  }
};

namespace {

using state = udp_server::state;

asio::awaitable<void> serve_link(std::shared_ptr<state> st, std::unique_ptr<transport::kcp_stream> link);

asio::awaitable<void> accept_loop(std::shared_ptr<state> st) {
  while (!st->closed) {
    auto in = co_await st->mux->accept();
    if (st->closed) co_return;
    if (!in) {
      if (in.error() == asio::error::operation_aborted || in.error() == transport::errc::network_closed) co_return;
      continue;
    }
    auto task = serve_link(st, std::move(*in));
    if (auto r = st->tasks.spawn(std::move(task)); !r)
      st->log->warn("SUDPH: refusing a link: {}", r.error().message());  // the task (and its session) is dropped
  }
}

asio::awaitable<void> serve_link(std::shared_ptr<state> st, std::unique_ptr<transport::kcp_stream> link) {
  const udp::endpoint observed = link->remote_endpoint();
  const std::string remote_addr = endpoint_text(observed);
  crypto::system_random rng;
  transport::port_predicate any_port = [](std::uint16_t) { return true; };
  auto hs = co_await transport::respond_handshake(*link, rng, any_port, st->opt.handshake_timeout);
  if (!hs) {
    st->log->debug("SUDPH: handshake with {} failed: {}", remote_addr, hs.error().message());
    co_return;
  }
  const crypto::public_key pk = hs->remote.pk;

  std::vector<std::uint8_t> buf(max_message);
  auto first = co_await net::with_timeout(link->read_some(buf), st->opt.handshake_timeout);
  if (!first) {
    st->log->debug("SUDPH: no local addresses from {} ({}): {}", pk.to_hex(), remote_addr, first.error().message());
    co_return;
  }
  auto la = parse_local_addresses(std::string_view(reinterpret_cast<const char*>(buf.data()), *first));
  if (!la) {
    st->log->debug("SUDPH: undecodable local addresses from {} ({})", pk.to_hex(), remote_addr);
    co_return;
  }
  visor_data d = std::move(*la);
  d.remote_addr = remote_addr;
  d.is_local = false;
  auto bound = co_await st->db.bind(std::string(sudph), pk, d);
  if (!bound) {
    st->log->error("SUDPH: cannot bind {}: {}", pk.to_hex(), bound.error().message());
    co_return;
  }
  st->log->info("SUDPH: bound {} at {}", pk.to_hex(), remote_addr);

  if (auto old = st->links.find(pk); old != st->links.end()) old->second->close();  // its task ends
  st->links[pk] = link.get();

  for (;;) {
    auto n = co_await net::with_timeout(link->read_some(buf), st->opt.idle_timeout);
    if (!n) {
      st->log->debug("SUDPH: link of {} ended: {}", pk.to_hex(), n.error().message());
      break;
    }
    if (std::string_view(reinterpret_cast<const char*>(buf.data()), *n) == del_bind_msg) {
      auto del = co_await st->db.del_bind(std::string(sudph), pk);
      if (!del) st->log->error("SUDPH: cannot delete binding of {}: {}", pk.to_hex(), del.error().message());
      else st->log->info("SUDPH: unbound {}", pk.to_hex());
      break;  // a visor sends delBind as it leaves; KCP has no FIN to tell us otherwise
    }
    // Anything else ("heartbeat") only proves the link alive.
  }
  if (auto it = st->links.find(pk); it != st->links.end() && it->second == link.get()) st->links.erase(it);
  link->close();
}

}  // namespace

udp_server::udp_server(asio::any_io_executor ex, store& db, base::logger log, udp_server_options options)
    : st_(std::make_shared<state>(ex, db, std::move(log), std::move(options))) {
  auto& o = st_->opt;
  if (!o.mux.rng) o.mux.rng = std::make_shared<crypto::system_random>();
  if (!o.mux.log) o.mux.log = st_->log;
  o.mux.max_sessions = std::min(o.mux.max_sessions, o.max_links + o.mux.accept_backlog);
  o.mux.max_sessions = std::max<std::size_t>(o.mux.max_sessions, o.max_links);
}

udp_server::~udp_server() { st_->close(); }

void udp_server::set_endpoint(std::string host, std::uint16_t port) {
  st_->opt.host = std::move(host);
  st_->opt.port = port;
}

std::uint16_t udp_server::port() const { return st_->mux ? st_->mux->local_endpoint().port() : 0; }

std::size_t udp_server::link_count() const noexcept { return st_->links.size(); }

result<std::uint16_t> udp_server::start() {
  auto& st = *st_;
  error_code ec;
  const auto addr = st.opt.host.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                        : asio::ip::make_address(st.opt.host, ec);
  if (ec) return ec;
  auto m = transport::udp_mux::open(st.ex, udp::endpoint(addr, st.opt.port), st.opt.mux);
  if (!m) return m.error();
  st.mux = *m;
  auto loop = accept_loop(st_);
  if (auto r = st.tasks.spawn(std::move(loop)); !r) return r.error();
  return port();
}

asio::awaitable<void> udp_server::shutdown() {
  auto st = st_;
  st->close();
  co_await st->tasks.join();
}

asio::awaitable<void> udp_server::ask_to_punch(crypto::public_key target, crypto::public_key requester) {
  auto st = st_;
  auto it = st->links.find(target);
  if (it == st->links.end()) {
    st->log->debug("SUDPH: no link to {}: not asking it to punch towards {}", target.to_hex(), requester.to_hex());
    co_return;
  }
  auto found = co_await st->db.resolve(std::string(sudph), requester);
  if (!found || !*found) {
    st->log->debug("SUDPH: {} has no sudph binding: not asking {} to punch", requester.to_hex(), target.to_hex());
    co_return;
  }
  // The link may have been replaced or closed while the store answered.
  it = st->links.find(target);
  if (it == st->links.end()) co_return;
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("PK").string(requester.to_hex());
  w.key("Addr").string((*found)->remote_addr);
  w.end_object();
  const std::string msg = std::move(w).take();
  auto sent = it->second->send_now(as_bytes(msg));
  if (!sent) st->log->warn("SUDPH: cannot ask {} to punch: {}", target.to_hex(), sent.error().message());
}

}  // namespace skywire::svc::address_resolver
