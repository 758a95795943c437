#include "skywire/disc/httpauth_client.hpp"

#include "skywire/disc/errc.hpp"
#include "skywire/disc/httpauth.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <utility>

namespace skywire::disc {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Releases the client's slot (the one buffered channel message) on every exit path.
class slot_guard {
 public:
  explicit slot_guard(asio::experimental::channel<void(boost::system::error_code)>& ch) : ch_(ch) {}
  ~slot_guard() { ch_.try_receive([](boost::system::error_code) {}); }
  slot_guard(const slot_guard&) = delete;
  slot_guard& operator=(const slot_guard&) = delete;

 private:
  asio::experimental::channel<void(boost::system::error_code)>& ch_;
};

std::optional<json::value> parse_small(std::string_view body) {
  json::parse_options po;
  po.max_depth = 8;
  error_code ec;
  auto v = json::parse(body, ec, json::storage_ptr{}, po);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace

std::string sanitize_base_url(std::string_view url) {
  if (url.empty()) return "http://localhost";
  std::string out(url);
  if (out.find("://") == std::string::npos) out = "http://" + out;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool is_nonce_error(const net::http_response& r) {
  auto v = parse_small(r.body);
  if (!v || !v->is_object()) return false;
  const auto* e = v->as_object().if_contains("error");
  if (!e || !e->is_object()) return false;
  const auto& eo = e->as_object();
  if (const auto* m = eo.if_contains("message"); m && m->is_string() &&
                                                 m->as_string() == httpauth::nonce_mismatch_message) {
    return true;
  }
  if (const auto* c = eo.if_contains("code")) {
    if (c->is_int64() && c->as_int64() == 401) return true;
    if (c->is_uint64() && c->as_uint64() == 401) return true;
  }
  return false;
}

httpauth_client::httpauth_client(asio::any_io_executor ex, std::shared_ptr<net::http_client> http,
                                 std::string base_url, crypto::key_pair keys)
    : http_(std::move(http)),
      base_url_(sanitize_base_url(base_url)),
      keys_(std::move(keys)),
      slot_(std::move(ex), 1) {}

asio::awaitable<result<std::uint64_t>> httpauth_client::fetch_nonce() {
  auto acquire = slot_.async_send(boost::system::error_code{}, asio::use_awaitable);
  co_await std::move(acquire);
  slot_guard guard(slot_);
  auto op = fetch_nonce_unlocked();
  co_return co_await std::move(op);
}

asio::awaitable<result<std::uint64_t>> httpauth_client::fetch_nonce_unlocked() {
  std::string url = base_url_ + std::string(httpauth::nonces_path) + keys_.pk.to_hex();
  auto op = http_->request(net::http_method::get, std::move(url));
  auto r = co_await std::move(op);
  if (!r) co_return r.error();
  if (r->status != 200) co_return error_code(errc::nonce_unavailable);
  auto v = parse_small(r->body);
  if (!v || !v->is_object()) co_return error_code(errc::nonce_unavailable);
  const auto* n = v->as_object().if_contains("next_nonce");
  if (!n) co_return error_code(errc::nonce_unavailable);
  std::uint64_t value = 0;
  if (n->is_uint64()) value = n->as_uint64();
  else if (n->is_int64() && n->as_int64() >= 0) value = static_cast<std::uint64_t>(n->as_int64());
  else co_return error_code(errc::nonce_unavailable);
  nonce_ = value;
  co_return value;
}

asio::awaitable<result<net::http_response>> httpauth_client::send_signed(net::http_method method,
                                                                         const std::string& url,
                                                                         const std::string& body) {
  const std::uint64_t n = *nonce_;
  const crypto::signature sig = httpauth::sign(body, n, keys_.sk);
  net::http_headers headers{
      {std::string(httpauth::header_nonce), std::to_string(n)},
      {std::string(httpauth::header_sig), sig.to_hex()},
      {std::string(httpauth::header_public), keys_.pk.to_hex()},
  };
  if (!public_ip_.empty()) headers.emplace_back(std::string(httpauth::header_public_ip), public_ip_);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto op = http_->request(method, url, body, std::move(headers));
  co_return co_await std::move(op);
}

asio::awaitable<result<net::http_response>> httpauth_client::request(net::http_method method,
                                                                     std::string path) {
  auto op = request(method, std::move(path), std::string{}, route_auth::signed_);
  co_return co_await std::move(op);
}

asio::awaitable<result<net::http_response>> httpauth_client::request(net::http_method method,
                                                                     std::string path,
                                                                     std::string body) {
  auto op = request(method, std::move(path), std::move(body), route_auth::signed_);
  co_return co_await std::move(op);
}

asio::awaitable<result<net::http_response>> httpauth_client::request(net::http_method method,
                                                                     std::string path,
                                                                     std::string body,
                                                                     route_auth auth) {
  auto acquire = slot_.async_send(boost::system::error_code{}, asio::use_awaitable);
  co_await std::move(acquire);
  slot_guard guard(slot_);
  const std::string url = base_url_ + path;

  if (auth == route_auth::open) {
    auto op = http_->request(method, url, std::move(body));
    co_return co_await std::move(op);
  }

  if (!nonce_) {
    auto fetch = fetch_nonce_unlocked();
    auto n = co_await std::move(fetch);
    if (!n) co_return n.error();
  }
  auto first = send_signed(method, url, body);
  auto r = co_await std::move(first);
  if (!r) co_return r.error();
  if (is_nonce_error(*r)) {
    auto fetch = fetch_nonce_unlocked();
    auto n = co_await std::move(fetch);
    if (!n) co_return n.error();
    auto second = send_signed(method, url, body);
    r = co_await std::move(second);
    if (!r) co_return r.error();
  }
  if (r->status == 200) nonce_ = *nonce_ + 1;
  co_return std::move(*r);
}

}  // namespace skywire::disc
