#include "skywire/disc/sd_client.hpp"

#include <charconv>

#include "skywire/disc/detail/service_reply.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/wire/json/writer.hpp"

namespace skywire::disc {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// "<66 hex>:<port>" (Go's SWAddr text; a missing port reads as 0).
bool parse_address(std::string_view text, service_entry& out) {
  const auto colon = text.find(':');
  auto pk = crypto::public_key::from_text(text.substr(0, colon));
  if (!pk || pk->is_null()) return false;
  out.pk = *pk;
  out.port = 0;
  if (colon == std::string_view::npos) return true;
  const auto port = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  return ec == std::errc{} && end == port.data() + port.size();
}

}  // namespace

std::string service_entry::address() const { return pk.to_hex() + ":" + std::to_string(port); }

std::string service_json(const service_entry& s) {
  // Go's field order: address, type, geo, display_node_ip, version, local_ips, info.
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("address").string(s.address());
  w.key("type").string(s.type);
  if (s.display_node_ip) w.key("display_node_ip").boolean(true);
  if (!s.version.empty()) w.key("version").string(s.version);
  if (!s.local_ips.empty()) {
    w.key("local_ips").begin_array();
    for (const auto& ip : s.local_ips) w.string(ip);
    w.end_array();
  }
  w.end_object();
  return std::move(w).take();
}

result<std::vector<service_entry>> parse_service_list(std::string_view body) {
  auto v = detail::parse_bounded(body, 6);
  if (!v) return errc::bad_response;
  std::vector<service_entry> out;
  if (v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > max_sd_services) return errc::bad_response;
  for (const auto& item : v->as_array()) {
    if (!item.is_object()) return errc::bad_response;
    const auto& o = item.as_object();
    service_entry s;
    const auto* addr = o.if_contains("address");
    if (!addr || !addr->is_string() || !parse_address(addr->as_string(), s)) continue;
    if (const auto* t = o.if_contains("type"); t && t->is_string()) s.type = std::string(t->as_string());
    if (const auto* ver = o.if_contains("version"); ver && ver->is_string()) s.version = std::string(ver->as_string());
    if (const auto* d = o.if_contains("display_node_ip"); d && d->is_bool()) s.display_node_ip = d->as_bool();
    if (const auto* ips = o.if_contains("local_ips"); ips && ips->is_array()) {
      for (const auto& ip : ips->as_array()) {
        if (ip.is_string()) s.local_ips.emplace_back(ip.as_string());
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

sd_client::sd_client(std::shared_ptr<httpauth_client> auth) : auth_(std::move(auth)) {}

error_code sd_client::reject(const net::http_response& r) {
  last_error_ = detail::rejection_text(r.status, r.body);
  return errc::rejected;
}

asio::awaitable<result<std::vector<service_entry>>> sd_client::services(std::string type, unsigned quantity) {
  std::string path = "/api/services?type=" + type;
  if (quantity > 0) path += "&quantity=" + std::to_string(quantity);
  auto op = auth_->request(net::http_method::get, std::move(path), std::string{}, route_auth::open);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return reject(*r);
  co_return parse_service_list(r->body);
}

asio::awaitable<result<void>> sd_client::register_service(service_entry s) {
  auto op = auth_->request(net::http_method::post, "/api/services", service_json(s));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return reject(*r);
  co_return result<void>{};
}

asio::awaitable<result<void>> sd_client::delete_service(std::string address, std::string type) {
  std::string path = "/api/services/" + address + "?type=" + type;
  auto op = auth_->request(net::http_method::delete_, std::move(path));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return reject(*r);
  co_return result<void>{};
}

}  // namespace skywire::disc
