#include "skywire/disc/addr_resolver_client.hpp"

#include "skywire/disc/detail/service_reply.hpp"
#include "skywire/disc/errc.hpp"
#include "skywire/wire/json/writer.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <utility>

namespace skywire::disc {

namespace asio = boost::asio;
namespace json = boost::json;

std::string local_addresses_json(std::string_view port, const std::vector<std::string>& addresses) {
  wire::json::writer w{wire::json::dialect::go_json};
  w.begin_object();
  w.key("port").string(port);
  w.key("addresses");
  if (addresses.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& a : addresses) w.string(a);
    w.end_array();
  }
  w.end_object();
  w.newline();
  return std::move(w).take();
}

result<visor_data> parse_visor_data(std::string_view body) {
  auto v = detail::parse_bounded(body, 4);
  if (!v || !v->is_object()) return errc::bad_response;
  visor_data out;
  for (const auto& [key, val] : v->as_object()) {
    if (key == "remote_addr") {
      if (val.is_string()) out.remote_addr = std::string(val.as_string());
      else if (!val.is_null()) return errc::bad_response;
    } else if (key == "is_local") {
      if (val.is_bool()) out.is_local = val.as_bool();
      else if (!val.is_null()) return errc::bad_response;
    } else if (key == "port") {
      if (val.is_string()) out.port = std::string(val.as_string());
      else if (!val.is_null()) return errc::bad_response;
    } else if (key == "addresses") {
      if (val.is_null()) continue;
      if (!val.is_array() || val.as_array().size() > max_addresses) return errc::bad_response;
      for (const auto& a : val.as_array()) {
        if (!a.is_string()) return errc::bad_response;
        out.addresses.emplace_back(a.as_string());
      }
    }
  }
  return out;
}

addr_resolver_client::addr_resolver_client(std::shared_ptr<httpauth_client> auth) : auth_(std::move(auth)) {}

error_code addr_resolver_client::reject(const net::http_response& r) {
  last_error_ = detail::rejection_text(r.status, r.body);
  return errc::rejected;
}

asio::awaitable<result<void>> addr_resolver_client::bind_stcpr(std::string port,
                                                               std::vector<std::string> addresses) {
  std::string body = local_addresses_json(port, addresses);
  auto op = auth_->request(net::http_method::post, "/bind/stcpr", std::move(body));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return reject(*r);
  co_return result<void>{};
}

asio::awaitable<result<void>> addr_resolver_client::delete_bind_stcpr() {
  auto op = auth_->request(net::http_method::delete_, "/bind/stcpr", "{}\n");
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return reject(*r);
  co_return result<void>{};
}

asio::awaitable<result<visor_data>> addr_resolver_client::resolve(std::string type, crypto::public_key pk) {
  std::string path = "/resolve/" + type + "/" + pk.to_hex();
  auto op = auth_->request(net::http_method::get, std::move(path));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status == 404) co_return error_code(errc::no_entry);
  if (r->status != 200) co_return reject(*r);
  co_return parse_visor_data(r->body);
}

asio::awaitable<result<std::map<crypto::public_key, std::vector<std::string>>>>
addr_resolver_client::transports() {
  auto op = auth_->request(net::http_method::get, "/transports", std::string{}, route_auth::open);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return reject(*r);
  auto v = detail::parse_bounded(r->body, 4);
  if (!v || !v->is_object()) co_return error_code(errc::bad_response);
  std::map<crypto::public_key, std::vector<std::string>> out;
  for (const auto& [type, list] : v->as_object()) {
    if (list.is_null()) continue;
    if (!list.is_array()) co_return error_code(errc::bad_response);
    for (const auto& item : list.as_array()) {
      if (!item.is_string()) co_return error_code(errc::bad_response);
      auto pk = crypto::public_key::from_text(item.as_string());
      if (!pk || pk->is_null()) continue;  // Go skips keys it cannot parse
      auto& types = out[*pk];
      const std::string t(type);
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    }
  }
  co_return out;
}

}  // namespace skywire::disc
