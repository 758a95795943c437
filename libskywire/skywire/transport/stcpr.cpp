#include "skywire/transport/stcpr.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "skywire/disc/errc.hpp"
#include "skywire/net/task_group.hpp"
#include "skywire/net/timeout.hpp"
#include "skywire/transport/errc.hpp"
#include "skywire/wire/transport/transport_id.hpp"

namespace skywire::transport {

namespace asio = boost::asio;
namespace wt = wire::transport;

struct stcpr_network::state {
  state(asio::any_io_executor e, crypto::key_pair k, std::shared_ptr<disc::addr_resolver_client> a, stcpr_config c)
      : ex(e), keys(std::move(k)), ar(std::move(a)), cfg(std::move(c)), work(e, 2), cleanup(e, 2) {}

  asio::any_io_executor ex;
  crypto::key_pair keys;
  std::shared_ptr<disc::addr_resolver_client> ar;
  stcpr_config cfg;
  std::unique_ptr<stcp_network> tcp;
  std::uint16_t port = 0;
  std::vector<std::string> addresses;
  net::task_group work;     // the bind loop; cancelled by close()
  net::task_group cleanup;  // the unbind after close()
  bool bound = false;
  bool bind_in_flight = false;  // a POST /bind/stcpr may have reached the resolver
  bool closed = false;

  base::logger& log() { return cfg.tcp.log; }
};

namespace {

using state = stcpr_network::state;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Re-labels a transport the stcp carrier produced: same handshake, stcpr's type and id.
transport as_stcpr(transport tp) {
  tp.type = std::string(wt::type_stcpr);
  tp.id = wt::make_transport_id(tp.local_pk, tp.remote_pk, wt::type_stcpr);
  return tp;
}

asio::awaitable<void> bind_loop(std::shared_ptr<state> st) {
  auto delay = st->cfg.bind_backoff_initial;
  const std::string port = std::to_string(st->port);
  while (!st->closed) {
    st->bind_in_flight = true;
    auto op = st->ar->bind_stcpr(port, st->addresses);
    auto r = co_await std::move(op);
    st->bind_in_flight = false;
    if (st->closed) co_return;
    if (r) {
      st->bound = true;
      st->log()->info("stcpr: bound port {} at the address resolver", port);
      co_return;
    }
    if (r.error() == disc::errc::rejected)
      st->log()->warn("stcpr: address resolver refused the bind ({}); retrying in {} ms", st->ar->last_error(),
                      std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
    else
      st->log()->warn("stcpr: cannot reach the address resolver to bind ({}); retrying in {} ms",
                      r.error().message(), std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
    asio::steady_timer timer(st->ex, delay);
    auto [ec] = co_await timer.async_wait(use_tuple);
    if (ec) co_return;  // cancelled by close()
    delay = std::min(delay * 2, st->cfg.bind_backoff_max);
  }
}

asio::awaitable<void> unbind(std::shared_ptr<state> st) {
  auto op = st->ar->delete_bind_stcpr();
  auto timed = net::with_timeout(std::move(op), st->cfg.unbind_timeout);
  auto r = co_await std::move(timed);
  if (r) {
    st->bound = false;
    st->log()->debug("stcpr: unbound at the address resolver");
  } else {
    st->log()->warn("stcpr: could not unbind at the address resolver: {}",
                    r.error() == disc::errc::rejected ? st->ar->last_error() : r.error().message());
  }
}

// The resolver's port text: decimal 1..65535 (Go would dial port 0 and fail).
std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v == 0 || v > 0xFFFF)
    return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

bool is_advertised_address(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return is_advertised_address(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()));
  if (a.is_v4()) {
    const auto v = a.to_v4().to_uint();
    if (v == 0 || v == 0xFFFFFFFFu) return false;         // unspecified, broadcast
    if ((v & 0xF0000000u) == 0xE0000000u) return false;   // 224/4 multicast
    if ((v & 0xFFFF0000u) == 0xA9FE0000u) return false;   // 169.254/16 link-local
    return true;                                           // loopback and private included
  }
  const auto v6 = a.to_v6();
  return !v6.is_unspecified() && !v6.is_multicast() && !v6.is_link_local();
}

std::vector<std::string> local_addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    asio::ip::address a;
    if (i->ifa_addr->sa_family == AF_INET) {
      sockaddr_in sin{};
      std::memcpy(&sin, i->ifa_addr, sizeof sin);
      a = asio::ip::address_v4(ntohl(sin.sin_addr.s_addr));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 sin6{};
      std::memcpy(&sin6, i->ifa_addr, sizeof sin6);
      asio::ip::address_v6::bytes_type b{};
      std::memcpy(b.data(), &sin6.sin6_addr, b.size());
      a = asio::ip::address_v6(b);  // no scope id: Go's IP.String() prints no zone
    } else {
      continue;
    }
    if (is_advertised_address(a)) out.push_back(a.to_string());
  }
  ::freeifaddrs(list);
  return out;
}

std::string join_host_port(std::string_view host, std::string_view port) {
  std::string out;
  if (host.find(':') != std::string_view::npos) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  out.append(":").append(port);
  return out;
}

result<std::unique_ptr<stcpr_network>> stcpr_network::create(asio::any_io_executor ex, crypto::key_pair keys,
                                                            std::shared_ptr<disc::addr_resolver_client> ar,
                                                            stcpr_config config) {
  if (!config.tcp.log) config.tcp.log = base::make_null_logger("stcpr");
  auto st = std::make_shared<state>(ex, std::move(keys), std::move(ar), std::move(config));
  const std::string host = st->cfg.listen_host.empty() ? std::string("0.0.0.0") : st->cfg.listen_host;
  std::uint16_t port = st->cfg.port;
  for (unsigned attempt = 1;; ++attempt) {
    stcp_config c = st->cfg.tcp;
    c.pk_table.clear();
    c.listen_address = join_host_port(host, std::to_string(port));
    auto n = stcp_network::create(ex, st->keys, std::move(c));
    if (n) {
      st->tcp = std::move(*n);
      break;
    }
    // Port 0 cannot be busy and a bad host stays bad: only a taken port moves on (Go: port++).
    if (n.error() == errc::bad_address || port == 0 || port == 0xFFFF || attempt >= st->cfg.max_port_tries)
      return n.error();
    st->log()->warn("stcpr: cannot listen on port {} ({}); trying {}", port, n.error().message(), port + 1);
    ++port;
  }
  const auto ep = st->tcp->local_endpoint();
  if (!ep) return errc::bad_address;  // unreachable: the listener was just bound
  st->port = ep->port();
  st->addresses = st->cfg.addresses.empty() ? local_addresses() : st->cfg.addresses;
  st->log()->info("stcpr: listening on {}", join_host_port(host, std::to_string(st->port)));
  if (st->cfg.bind && st->ar) {
    auto loop = bind_loop(st);
    auto spawned = st->work.spawn(std::move(loop));
    if (!spawned) return spawned.error();
  }
  return std::unique_ptr<stcpr_network>(new stcpr_network(std::move(st)));
}

stcpr_network::~stcpr_network() { close(); }

std::string_view stcpr_network::type() const noexcept { return wt::type_stcpr; }

std::uint16_t stcpr_network::port() const noexcept { return state_->port; }

bool stcpr_network::bound() const noexcept { return state_->bound; }

void stcpr_network::close() {
  auto& st = *state_;
  if (st.closed) return;
  st.closed = true;
  st.work.cancel();
  st.tcp->close();
  if (st.ar && (st.bound || st.bind_in_flight)) {
    // Best effort and bounded; the task keeps the state (and the resolver client) alive.
    auto task = unbind(state_);
    auto spawned = st.cleanup.spawn(std::move(task));
    if (!spawned) st.log()->warn("stcpr: cannot unbind: {}", spawned.error().message());
  }
}

asio::awaitable<void> stcpr_network::shutdown() {
  auto st = state_;
  close();
  co_await st->work.join();
  co_await st->cleanup.join();
}

asio::awaitable<result<transport>> stcpr_network::accept() {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  auto op = st->tcp->accept();
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  co_return as_stcpr(std::move(*r));
}

asio::awaitable<result<transport>> stcpr_network::dial(crypto::public_key remote) {
  auto st = state_;
  if (st->closed) co_return errc::network_closed;
  if (!st->ar) co_return errc::not_bound;
  auto resolve = st->ar->resolve(std::string(wt::type_stcpr), remote);
  auto vd = co_await std::move(resolve);
  if (!vd) {
    if (vd.error() == disc::errc::no_entry) co_return errc::not_bound;
    co_return vd.error();
  }
  if (st->closed) co_return errc::network_closed;
  const auto port = parse_port(vd->port);
  if (!port) co_return errc::bad_address;
  const std::string port_text = std::to_string(*port);

  if (vd->is_local) {
    const std::size_t n = std::min(vd->addresses.size(), st->cfg.max_local_addresses);
    for (std::size_t i = 0; i < n; ++i) {
      auto op = st->tcp->dial_address(remote, join_host_port(vd->addresses[i], port_text));
      auto tp = co_await std::move(op);
      if (tp) co_return as_stcpr(std::move(*tp));
      st->log()->debug("stcpr: local address {} of {} failed: {}", vd->addresses[i], remote.to_hex(),
                       tp.error().message());
      if (st->closed) co_return errc::network_closed;
    }
  }
  // Go: remote_addr as is when it already has a port, else joined with the bound port.
  std::string address = vd->remote_addr;
  if (address.empty()) co_return errc::bad_address;
  if (!split_host_port(address)) address = join_host_port(address, port_text);
  auto op = st->tcp->dial_address(remote, std::move(address));
  auto tp = co_await std::move(op);
  if (!tp) co_return tp.error();
  co_return as_stcpr(std::move(*tp));
}

}  // namespace skywire::transport
