#include "skywire/disc/client.hpp"

#include "skywire/disc/errc.hpp"
#include "skywire/wire/disc/parse.hpp"
#include "skywire/wire/errc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace skywire::disc {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view validation_prefix = "entry validation error: ";

std::string message_of(const std::string& body) {
  json::parse_options po;
  po.max_depth = 8;
  error_code ec;
  auto v = json::parse(body, ec, json::storage_ptr{}, po);
  if (ec || !v.is_object()) return {};
  const auto* m = v.as_object().if_contains("message");
  if (!m || !m->is_string()) return {};
  return std::string(m->as_string());
}

result<std::vector<wire::disc::entry>> parse_entry_list(const std::string& body) {
  json::parse_options po;
  po.max_depth = 16;
  error_code ec;
  auto v = json::parse(body, ec, json::storage_ptr{}, po);
  if (ec) return errc::bad_response;
  std::vector<wire::disc::entry> out;
  if (v.is_null()) return out;  // Go marshals a nil slice as null
  if (!v.is_array()) return errc::bad_response;
  for (const auto& item : v.as_array()) {
    if (out.size() >= max_list_entries) break;
    auto e = wire::disc::parse_entry(json::serialize(item));
    if (!e) return errc::bad_response;
    out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace

error_code error_from_response(const net::http_response& r) {
  const std::string msg = message_of(r.body);
  if (msg == "entry of public key is not found") return errc::entry_not_found;
  if (msg == "error bad input") return errc::bad_input;
  if (msg == "invalid signature") return errc::unauthorized;
  if (msg == "no delegated dmsg servers available for remote") return errc::no_available_servers;
  if (msg == "something unexpected happened") return errc::server_error;
  if (msg.starts_with(validation_prefix)) {
    const std::string_view cause = std::string_view(msg).substr(validation_prefix.size());
    for (auto c = static_cast<int>(wire::errc::disc_no_version);
         c <= static_cast<int>(wire::errc::disc_loopback_address); ++c) {
      const error_code code = static_cast<wire::errc>(c);
      if (code.message() == cause) return code;
    }
    return errc::validation_failed;
  }
  if (r.status >= 500) return errc::server_error;
  return errc::unexpected_status;
}

client::client(std::shared_ptr<net::http_client> http, std::string base_url, const base::clock& clock)
    : http_(std::move(http)), base_url_(std::move(base_url)), clock_(clock) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

asio::awaitable<result<wire::disc::entry>> client::get_entry(crypto::public_key pk) {
  std::string url = base_url_ + "/dmsg-discovery/entry/" + pk.to_hex();
  auto op = http_->request(net::http_method::get, std::move(url));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_from_response(*r);
  auto e = wire::disc::parse_entry(r->body);
  if (!e) co_return error_code(errc::bad_response);
  co_return std::move(*e);
}

asio::awaitable<result<void>> client::post_entry(wire::disc::entry e) {
  std::string url = base_url_ + "/dmsg-discovery/entry/";
  std::string body = wire::disc::to_json(e);
  net::http_headers headers{{"Content-Type", "application/json"}};
  auto op = http_->request(net::http_method::post, std::move(url), std::move(body), std::move(headers));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_from_response(*r);
  co_return result<void>{};
}

asio::awaitable<result<void>> client::put_entry(wire::disc::entry& e, const crypto::secret_key& sk) {
  wire::disc::entry next = e;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto get_op = get_entry(e.static_pk);
    auto current = co_await std::move(get_op);
    if (current) {
      next.sequence = current->sequence + 1;
      next.timestamp = std::max(base::unix_nanos(clock_.wall_now()), current->timestamp);
    } else if (current.error() == errc::entry_not_found) {
      next.timestamp = base::unix_nanos(clock_.wall_now());
    } else {
      co_return current.error();
    }
    wire::disc::sign(next, sk);
    auto post_op = post_entry(next);
    auto posted = co_await std::move(post_op);
    if (posted) {
      e = std::move(next);
      co_return result<void>{};
    }
    if (posted.error() != wire::errc::disc_wrong_sequence || attempt == 1) co_return posted.error();
  }
  co_return error_code(errc::unexpected_status);  // not reached
}

asio::awaitable<result<void>> client::delete_entry(wire::disc::entry e) {
  std::string url = base_url_ + "/dmsg-discovery/entry";
  std::string body = wire::disc::to_json(e);
  net::http_headers headers{{"Content-Type", "application/json"}};
  auto op = http_->request(net::http_method::delete_, std::move(url), std::move(body), std::move(headers));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_from_response(*r);
  co_return result<void>{};
}

asio::awaitable<result<std::vector<wire::disc::entry>>> client::available_servers() {
  std::string url = base_url_ + "/dmsg-discovery/available_servers";
  auto op = http_->request(net::http_method::get, std::move(url));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_from_response(*r);
  co_return parse_entry_list(r->body);
}

asio::awaitable<result<std::vector<wire::disc::entry>>> client::all_servers() {
  std::string url = base_url_ + "/dmsg-discovery/all_servers";
  auto op = http_->request(net::http_method::get, std::move(url));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_from_response(*r);
  co_return parse_entry_list(r->body);
}

asio::awaitable<result<std::vector<crypto::public_key>>> client::client_pks() {
  std::string url = base_url_ + "/dmsg-discovery/entries";
  auto op = http_->request(net::http_method::get, std::move(url));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_from_response(*r);
  json::parse_options po;
  po.max_depth = 4;
  error_code ec;
  auto v = json::parse(r->body, ec, json::storage_ptr{}, po);
  if (ec) co_return error_code(errc::bad_response);
  std::vector<crypto::public_key> out;
  if (v.is_null()) co_return out;
  if (!v.is_array()) co_return error_code(errc::bad_response);
  for (const auto& item : v.as_array()) {
    if (!item.is_string() || out.size() >= max_list_entries) co_return error_code(errc::bad_response);
    auto pk = crypto::public_key::from_text(item.as_string());
    if (!pk) co_return error_code(errc::bad_response);
    out.push_back(*pk);
  }
  co_return out;
}

}  // namespace skywire::disc
