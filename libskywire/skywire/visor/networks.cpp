#include "skywire/visor/networks.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include "skywire/disc/addr_resolver_client.hpp"
#include "skywire/transport/dmsg_network.hpp"
#include "skywire/transport/stcp.hpp"
#include "skywire/transport/stcpr.hpp"
#include "skywire/transport/sudph.hpp"

namespace skywire::visor {

namespace {

using failure = network_error;

// ":7777" → "0.0.0.0:7777" (Go's empty host = every interface; our listener wants an IP).
std::string listen_address(const std::string& configured) {
  if (!configured.empty() && configured.front() == ':') return "0.0.0.0" + configured;
  return configured;
}

boost::system::result<std::unique_ptr<transport::network>, failure> make_stcp(const network_context& ctx) {
  const auto& sc = *ctx.cfg.stcp;
  transport::stcp_config c;
  for (const auto& [pk_hex, addr] : sc.pk_table) {
    auto pk = crypto::public_key::from_text(pk_hex);
    if (!pk || pk->is_null()) return failure{"stcp: pk_table: '" + pk_hex + "' is not a public key"};
    c.pk_table[*pk] = addr;
  }
  c.listen_address = listen_address(sc.listening_address);
  c.log = ctx.log;
  auto n = transport::stcp_network::create(ctx.ex, ctx.keys, std::move(c));
  if (!n) return failure{"stcp: cannot listen on " + sc.listening_address + ": " + n.error().message()};
  return std::unique_ptr<transport::network>(std::move(*n));
}

// Go's netutil.HasPublicIP: an IPv4 address of this host that is not loopback, link-local or
// RFC 1918.
bool has_public_ipv4() {
  for (const auto& text : transport::local_addresses()) {
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(text, ec);
    if (ec || !ip.is_v4() || ip.is_loopback()) continue;
    const auto b = ip.to_v4().to_bytes();
    const bool private_or_local = b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
                                  (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254);
    if (!private_or_local) return true;
  }
  return false;
}

boost::system::result<std::unique_ptr<transport::network>, failure> make_stcpr(const network_context& ctx,
                                                                               network_set& out) {
  transport::stcpr_config c;
  c.port = ctx.cfg.transport.stcpr_port;
  const bool bind = stcpr_should_bind(ctx.cfg.transport.address_resolver) || has_public_ipv4();
  c.bind = bind;
  c.tcp.log = ctx.log;
  auto n = transport::stcpr_network::create(ctx.ex, ctx.keys, ctx.ar, std::move(c));
  if (!n) {
    return failure{"stcpr: cannot listen on port " + std::to_string(ctx.cfg.transport.stcpr_port) + ": " +
                   n.error().message()};
  }
  out.listening["stcpr"] = "0.0.0.0:" + std::to_string((*n)->port()) +
                          (bind ? " (bound at the address resolver)" : " (not bound there: no public IPv4)");
  out.stcpr_port = (*n)->port();
  out.stcpr_bound = bind;
  return std::unique_ptr<transport::network>(std::move(*n));
}

boost::system::result<std::unique_ptr<transport::network>, failure> make_sudph(const network_context& ctx,
                                                                               std::string& where) {
  auto ar_udp = transport::sudph_ar_address(ctx.cfg.transport.address_resolver);
  if (!ar_udp) return failure{"sudph: address resolver " + ctx.cfg.transport.address_resolver + ": " + ar_udp.error().message()};
  transport::sudph_config c;
  c.port = ctx.cfg.transport.sudph_port;
  c.ar_udp_address = *ar_udp;
  c.log = ctx.log;
  auto n = transport::sudph_network::create(ctx.ex, ctx.keys, ctx.ar, std::move(c));
  if (!n) {
    return failure{"sudph: cannot open UDP port " + std::to_string(ctx.cfg.transport.sudph_port) + ": " +
                   n.error().message()};
  }
  where = "0.0.0.0:" + std::to_string((*n)->port()) + "/udp (address resolver UDP " + *ar_udp + ")";
  return std::unique_ptr<transport::network>(std::move(*n));
}

}  // namespace

bool stcpr_should_bind(const std::string& address_resolver_url) {
  auto url = boost::urls::parse_uri(address_resolver_url);
  if (!url) return false;
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(std::string(url->host()), ec);
  if (ec) return url->host() == "localhost";
  if (ip.is_loopback()) return true;
  if (!ip.is_v4()) return false;
  const auto b = ip.to_v4().to_bytes();
  return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168);
}

boost::system::result<network_set, network_error> make_networks(const network_context& ctx) {
  network_set out;
  if (ctx.cfg.stcp) {
    auto n = make_stcp(ctx);
    if (!n) return n.error();
    auto* stcp = static_cast<transport::stcp_network*>(n->get());
    if (auto ep = stcp->local_endpoint()) {
      out.listening["stcp"] = ep->address().to_string() + ":" + std::to_string(ep->port());
    }
    out.networks.push_back(std::move(*n));
  }
  if (ctx.ar) {
    auto stcpr = make_stcpr(ctx, out);
    if (!stcpr) return stcpr.error();
    out.networks.push_back(std::move(*stcpr));
    std::string where;
    auto sudph = make_sudph(ctx, where);
    if (!sudph) return sudph.error();
    out.listening["sudph"] = where;
    out.networks.push_back(std::move(*sudph));
  }
  auto dmsg = transport::dmsg_network::create(ctx.dmsg, ctx.log);
  if (!dmsg) return failure{"dmsg: cannot listen on dmsg port 45: " + dmsg.error().message()};
  out.listening["dmsg"] = "dmsg port 45";
  out.networks.push_back(std::move(*dmsg));
  return out;
}

}  // namespace skywire::visor
