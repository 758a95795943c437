#include "skywire/disc/tpd_client.hpp"

#include "skywire/disc/detail/service_reply.hpp"
#include "skywire/disc/errc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <utility>

namespace skywire::disc {

namespace asio = boost::asio;
namespace json = boost::json;
namespace wt = wire::transport;

namespace {

bool is_success(unsigned status) { return status >= 200 && status < 300; }

}  // namespace

std::string signed_entries_json(const std::vector<wt::signed_entry>& entries) {
  if (entries.empty()) return "null\n";
  std::string out = "[";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i != 0) out += ',';
    out += wt::to_json(entries[i]);
  }
  out += "]\n";
  return out;
}

result<std::vector<wt::entry>> parse_entries(std::string_view body) {
  // An array of objects that nest 2 deep (entry → edges): depth 4 leaves room for nothing else.
  auto v = detail::parse_bounded(body, 4);
  if (!v) return errc::bad_response;
  std::vector<wt::entry> out;
  if (v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > max_tpd_entries) return errc::bad_response;
  out.reserve(v->as_array().size());
  for (const auto& item : v->as_array()) {
    // Go decodes into []*Entry: a null element is a nil pointer, which no caller can use.
    if (!item.is_object()) return errc::bad_response;
    auto e = wt::parse_entry(json::serialize(item));
    if (!e) return errc::bad_response;
    out.push_back(std::move(*e));
  }
  return out;
}

tpd_client::tpd_client(std::shared_ptr<httpauth_client> auth) : auth_(std::move(auth)) {}

error_code tpd_client::reject(const net::http_response& r) {
  last_error_ = detail::rejection_text(r.status, r.body);
  return errc::rejected;
}

asio::awaitable<result<void>> tpd_client::register_transports(std::vector<wt::signed_entry> entries) {
  if (entries.empty()) co_return result<void>{};
  std::string body = signed_entries_json(entries);
  auto op = auth_->request(net::http_method::post, "/transports/", std::move(body));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (!is_success(r->status)) co_return reject(*r);
  co_return result<void>{};
}

asio::awaitable<result<wt::entry>> tpd_client::get_transport_by_id(wt::uuid id) {
  std::string path = "/transports/id:" + id.to_string();
  auto op = auth_->request(net::http_method::get, std::move(path));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status == 404) co_return error_code(errc::transport_not_found);
  if (!is_success(r->status)) co_return reject(*r);
  auto e = wt::parse_entry(r->body);
  if (!e) co_return error_code(errc::bad_response);
  co_return std::move(*e);
}

asio::awaitable<result<std::vector<wt::entry>>> tpd_client::get_transports_by_edge(crypto::public_key pk) {
  std::string path = "/transports/edge:" + pk.to_hex();
  auto op = auth_->request(net::http_method::get, std::move(path));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (!is_success(r->status)) co_return reject(*r);
  co_return parse_entries(r->body);
}

asio::awaitable<result<void>> tpd_client::delete_transport(wt::uuid id) {
  std::string path = "/transports/id:" + id.to_string();
  auto op = auth_->request(net::http_method::delete_, std::move(path));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status == 404) co_return error_code(errc::transport_not_found);
  if (!is_success(r->status)) co_return reject(*r);
  co_return result<void>{};
}

asio::awaitable<result<std::vector<wt::entry>>> tpd_client::all_transports() {
  auto op = auth_->request(net::http_method::get, "/all-transports", std::string{}, route_auth::open);
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (!is_success(r->status)) co_return reject(*r);
  co_return parse_entries(r->body);
}

}  // namespace skywire::disc
